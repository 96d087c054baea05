#!/usr/bin/env bash
# Runs the suites that start real tasks again as an unprivileged user, so rootless isolation (user namespace,
# no cgroup writes) is exercised on every CI run, which itself runs as root.
# The checkout may sit under a directory only root can enter (e.g. /root), so the built tree is mirrored into a
# world-readable scratch directory first (hard links where possible, copies otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
user=nomadexec-test
suites=(out/test/launcher.test.js out/test/mixedGroups.test.js out/test/hostVolumes.test.js out/test/cores.test.js out/test/runner.test.js out/test/logs.test.js out/test/security-runner.test.js out/test/safeFs.test.js out/test/security-policy.test.js out/test/security-launcher.test.js)

if [ "$(id -u)" != 0 ]; then
  echo "test-rootless: already unprivileged; running the suites directly"
  exec node --test "${suites[@]}"
fi

id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
scratch=$(mktemp -d /tmp/nomad-exec-rootless.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
chmod 0755 "$scratch"
for path in package.json bin out node_modules launcher/build; do
  mkdir -p "$scratch/$(dirname "$path")"
  cp -al "$path" "$scratch/$path" 2>/dev/null || cp -a "$path" "$scratch/$path"
done
chmod -R a+rX "$scratch"
# Delegate a cgroup v2 directory to the user, as systemd does for a login (Delegate=yes): a rootless launcher
# needs one to hold a host-pid-mode task (it refuses such a task otherwise).
for mount in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  [ -e "$mount/cgroup.controllers" ] || continue
  cgroup="$mount/nomad-exec-rootless.$$"
  mkdir "$cgroup" || { echo "test-rootless: no cgroup to delegate: rootless host pid mode will be refused"; break; }
  # Set before anything can fail (set -e), so a failed chown does not leave the cgroup behind.
  trap 'echo $$ > "$mount/cgroup.procs"; rmdir "$cgroup"/nomad-exec-* "$cgroup" 2>/dev/null || true; rm -rf "$scratch"' EXIT
  chown "$user" "$cgroup" "$cgroup/cgroup.procs" "$cgroup/cgroup.threads" "$cgroup/cgroup.subtree_control"
  echo $$ > "$cgroup/cgroup.procs"
  break
done
cd "$scratch"
echo "test-rootless: running ${#suites[@]} suites as $user in $scratch"
runuser -u "$user" -- env HOME="$scratch" TMPDIR=/tmp node --test "${suites[@]}"
