// The podman driver's task `config` (community plugin hashicorp/nomad-driver-podman): names, types and
// required from its hclspec (config.go), allowed values from the checks in driver.go. Docs are our own words.
import { ANY, INTEGER, STRING, body, bool, configBlock, configMap, dur, int, oneOf, str, strList, attr } from './build';
import type { DriverSchema } from './types';

export const PODMAN: DriverSchema = {
  name: 'podman',
  doc: 'Runs the task as a Podman container (daemonless, rootless capable) from an image. An external plugin the client must have installed.',
  docPath: 'drivers/podman',
  config: body(
    {
      image: str('The image to run. `docker://` is assumed; `oci-archive:` and `docker-archive:` load an archive (a path or an http(s) URL).', { required: true }),
      apparmor_profile: str('AppArmor profile for the container in place of the default; `unconfined` turns AppArmor off.'),
      args: strList('Arguments for `command`, or for the image\'s command when `command` is not set.'),
      auth_soft_fail: bool('Carry on without credentials when registry authentication fails.', { default: 'false' }),
      command: str('The program to run in place of the image\'s default command.'),
      cap_add: strList('Linux capabilities to add to the container (as `podman run --cap-add`).'),
      cap_drop: strList('Linux capabilities to remove from the container (as `podman run --cap-drop`).'),
      selinux_opts: strList('SELinux process label options of the container (e.g. `type:spc_t`).'),
      cpu_hard_limit: bool('Enforce `resources.cpu` as a hard ceiling (CFS quota) instead of a relative share.', { default: 'false' }),
      cpu_cfs_period: int('CFS period in microseconds used with `cpu_hard_limit`.', { min: 0, max: 1000000 }),
      devices: strList('Host devices for the container, each `"host-device[:container-device][:permissions]"`.'),
      // hclspec type `any`: a list, or one string for older jobs.
      entrypoint: attr(ANY, 'Replaces the image\'s entrypoint: a list of the program and its first arguments (a single string is still accepted).'),
      working_dir: str('Working directory of the command inside the container, in place of the image\'s.'),
      hostname: str('Hostname inside the container; every instance of the task gets the same one.'),
      arch: str('Pull the image for this CPU architecture instead of the host\'s (e.g. `arm64`).'),
      os: str('Pull the image for this operating system instead of the host\'s.'),
      variant: str('Pull this variant of the architecture (e.g. `v7` for arm).'),
      image_pull_timeout: dur('Longest time a pull may take before the task fails.', { default: '"5m"' }),
      init: bool('Run an init as PID 1 that forwards signals and reaps zombies.', { default: 'false' }),
      init_path: str('Path of the init binary used with `init`.'),
      ipv4_address: str('Fixed IPv4 address of the container on its network.'),
      ipv6_address: str('Fixed IPv6 address of the container on its network.'),
      static_ips: strList('Fixed IP addresses of the container on its network.'),
      static_mac: str('Fixed MAC address of the container\'s network interface.'),
      labels: configMap(STRING, 'Labels set on the container.'),
      memory_reservation: str('Soft memory limit with a unit suffix, e.g. `"256m"` (b, k, m or g).'),
      memory_swap: str('Memory plus swap limit with a unit suffix, e.g. `"1g"`; must be above the memory limit. `-1` allows unlimited swap.'),
      memory_swappiness: int('How eagerly the kernel swaps the container\'s memory out, 0 to 100.', { min: 0, max: 100 }),
      network_mode: str('Network of the container: `bridge`, `host`, `none`, `pasta`, `slirp4netns`, `container:<id>`, `ns:<path>`, `task:<task name>`, or the name of an existing Podman network. Defaults to the group\'s network namespace when there is one.'),
      ipc_mode: oneOf('IPC namespace of the container.', [
        ['host', 'Share the host\'s System V and POSIX IPC.'],
        ['private', 'An IPC namespace of its own (Podman\'s default).'],
        ['shareable', 'An IPC namespace of its own that other containers may join.'],
        ['none', 'Its own IPC namespace without /dev/shm.'],
      ], { valuePattern: { regex: '^(container|ns|task):.+$', description: '"container:<id>", "ns:<path>" or "task:<task name>"' } }),
      oom_score_adj: int('How likely the kernel\'s OOM killer picks this container: higher is likelier.', { min: -1000, max: 1000 }),
      extra_hosts: strList('Extra `/etc/hosts` entries, each `"name:address"`.'),
      pids_limit: int('Most processes the container may have.', { min: 0 }),
      port_map: configMap(INTEGER, 'Maps a task network port label to the port the container listens on, e.g. `http = 8080`.', {
        deprecated: 'Works only with ports of a task-level network; declare ports in the group network with `to` and list their labels in `ports`.',
      }),
      ports: strList('Labels of group network ports to publish from this container.'),
      privileged: bool('Turn off the container\'s isolation from the host (capabilities, devices, seccomp, SELinux/AppArmor).', { default: 'false' }),
      security_opt: strList('Podman security options, e.g. `no-new-privileges` or `seccomp=/path/profile.json`.'),
      socket: str('Name of the Podman socket to use, from the `socket` blocks of the client\'s plugin config.', { default: '"default"' }),
      sysctl: configMap(STRING, 'Namespaced kernel parameters for the container, e.g. `"net.core.somaxconn" = "16384"`.'),
      tmpfs: strList('Paths inside the container to mount a tmpfs on.'),
      tty: bool('Give the container a pseudo terminal.', { default: 'false' }),
      ulimit: configMap(STRING, 'Resource limits per name, as `"soft"` or `"soft:hard"`, e.g. `nofile = "65536:65536"`.'),
      volumes: strList('Bind mounts as `"host_path:container_path[:options]"`; named volumes are not supported.'),
      force_pull: bool('Pull the image on every start even when a copy is present.', { default: 'false' }),
      readonly_rootfs: bool('Mount the image\'s root file system read-only.', { default: 'false' }),
      userns: str('User namespace mode, e.g. `keep-id`, `auto`, `host` or `nomap` (as `podman run --userns`).'),
      shm_size: str('Size of /dev/shm with a unit suffix, e.g. `"64m"`; needs a private or shareable IPC namespace.'),
    },
    {
      auth: configBlock('Credentials for the image\'s registry.', body({
        username: str('Registry user name.'),
        password: str('Registry password or token; prefer a template reading it from Vault or Nomad variables.'),
        tls_verify: bool('Verify the registry\'s TLS certificate; turn off only for a registry you trust on a private network.', { default: 'true' }),
      }), { maxItems: 1 }),
      logging: configBlock('Where the container\'s output goes.', body({
        driver: oneOf('Log driver of the container.', [
          ['nomad', 'Nomad collects the output into the task\'s log files (the default).'],
          ['journald', 'Podman writes the output to the systemd journal; Nomad streams it from there.'],
        ], { default: '"nomad"' }),
        options: configMap(STRING, 'Options of the log driver (e.g. journald `tag`).'),
      }), { maxItems: 1 }),
    },
  ),
};
