// The docker driver's task `config`, from the hclspec in hashicorp/nomad drivers/docker/config.go (names,
// types, required) and the checks the driver makes when it builds the container (allowed values). Docs are
// our own words. Blocks and map attributes accept every form Nomad reads (see types.ts, driver configs).
import { INTEGER, STRING, body, bool, configBlock, configMap, dur, int, oneOf, single, str, strList } from './build';
import type { DriverSchema } from './types';

const DOCS = 'drivers/docker';

const MOUNT_OPTIONS = {
  bind_options: single('Options of a `bind` mount.', body({
    propagation: oneOf('How mounts made later under the source or the target show up on the other side.', [
      ['rprivate', 'No propagation, recursively (Docker\'s default).'],
      ['private', 'No propagation for this mount point.'],
      ['rshared', 'Mounts propagate both ways, recursively.'],
      ['shared', 'Mounts propagate both ways.'],
      ['rslave', 'Host mounts propagate into the container, not back, recursively.'],
      ['slave', 'Host mounts propagate into the container, not back.'],
    ]),
  }), { alsoAttribute: true, objectList: true }),
  tmpfs_options: single('Options of a `tmpfs` mount.', body({
    size: int('Size limit of the tmpfs in bytes; unlimited when not set.', { min: 0 }),
    mode: int('Permission bits of the tmpfs root, as a number (e.g. `0o1777` written as `1023`).', { min: 0 }),
  }), { alsoAttribute: true, objectList: true }),
  volume_options: single('Options of a `volume` mount.', body(
    {
      no_copy: bool('Do not copy the image\'s files at the target into a new, empty volume.', { default: 'false' }),
      labels: configMap(STRING, 'Labels to set on the volume when Docker creates it.'),
    },
    {
      driver_config: single('The volume driver that provides the volume, and its options.', body({
        name: str('Name of the Docker volume driver (e.g. `local`, or a plugin\'s name).'),
        options: configMap(STRING, 'Driver-specific options passed to the volume driver.'),
      }), { alsoAttribute: true, objectList: true }),
    },
  ), { alsoAttribute: true, objectList: true }),
};

const MOUNT_BODY = body(
  {
    type: oneOf('The kind of mount.', [
      ['volume', 'A Docker volume (named or anonymous); `source` is the volume name.'],
      ['bind', 'A path of the host; `source` is the host path (relative paths are under the task directory). Needs volumes enabled in the plugin config when outside the alloc dir.'],
      ['tmpfs', 'A memory-backed file system; `source` must be left empty.'],
    ], { default: '"volume"' }),
    target: str('Path inside the container where the mount appears.'),
    source: str('What is mounted: a volume name, a host path for `bind`, nothing for `tmpfs`.'),
    readonly: bool('Mount read-only.', { default: 'false' }),
  },
  MOUNT_OPTIONS,
);

const NAMESPACE_NOTE = 'The client\'s plugin config (`allowed_modes`) decides which modes tasks may ask for.';

export const DOCKER: DriverSchema = {
  name: 'docker',
  doc: 'Runs the task as a Docker container from an image, through the Docker daemon on the client.',
  docPath: DOCS,
  config: body(
    {
      image: str('The image to run, e.g. `redis:7` or `registry.example.com/team/app@sha256:...`. Pulled unless already present or `load` provides it.', { required: true }),
      advertise_ipv6_address: bool('Advertise the container\'s IPv6 address (not the host\'s) for services, when the network gives it one.', { default: 'false' }),
      args: strList('Arguments passed to the image\'s command (or to `command`), one per element; runtime interpolation works.'),
      auth_soft_fail: bool('Carry on without credentials when the configured registry authentication fails (public images still pull).', { default: 'false' }),
      cap_add: strList('Linux capabilities to add to Docker\'s default set; each must be allowed by the plugin\'s `allow_caps`.'),
      cap_drop: strList('Linux capabilities to remove from the container; `ALL` drops every one.'),
      cgroupns: oneOf('The cgroup namespace of the container.', [
        ['host', 'Share the host\'s cgroup namespace.'],
        ['private', 'A cgroup namespace of its own.'],
      ], { default: 'Docker daemon default' }),
      command: str('The program to run in place of the image\'s default command (its arguments go in `args`).'),
      cpuset_cpus: str('Ignored: CPU pinning comes from `resources.cores`.', { deprecated: 'Ignored by the docker driver since Nomad 0.12; reserve CPUs with resources { cores = N } instead.', ignored: true }),
      cpu_hard_limit: bool('Enforce `resources.cpu` as a hard ceiling (CFS quota) instead of a relative share.', { default: 'false' }),
      cpu_cfs_period: int('CFS period in microseconds used with `cpu_hard_limit`.', { default: '100000', min: 0, max: 1000000 }),
      container_exists_attempts: int('How many times to try removing a leftover container of the same name before giving up.', { default: 'plugin setting (5)', min: 0 }),
      dns_search_domains: strList('DNS search domains written into the container\'s resolv.conf.'),
      dns_options: strList('DNS resolver options written into the container\'s resolv.conf (e.g. `ndots:2`).'),
      dns_servers: strList('DNS server addresses for the container, in place of the host\'s.'),
      entrypoint: strList('Replaces the image\'s entrypoint: the program and its first arguments, one per element.'),
      extra_hosts: strList('Extra `/etc/hosts` entries, each `"name:address"`.'),
      force_pull: bool('Pull the image on every start even when a copy is present (useful with moving tags).', { default: 'false' }),
      group_add: strList('Extra groups (names or IDs) for the user the container runs as.'),
      hostname: str('Hostname inside the container; every instance of the task gets the same one.'),
      init: bool('Run a tiny init as PID 1 that forwards signals and reaps zombies.', { default: 'false' }),
      interactive: bool('Keep the container\'s stdin open.', { default: 'false' }),
      ipc_mode: oneOf(`IPC namespace of the container. ${NAMESPACE_NOTE}`, [
        ['host', 'Share the host\'s System V and POSIX IPC.'],
        ['private', 'An IPC namespace of its own that others cannot join.'],
        ['shareable', 'An IPC namespace of its own that other containers may join.'],
        ['none', 'Its own IPC namespace without /dev/shm.'],
      ], { valuePattern: { regex: '^container:.+$', description: '"container:<name or id>"' } }),
      ipv4_address: str('Fixed IPv4 address on a user-defined Docker network (`network_mode`).'),
      ipv6_address: str('Fixed IPv6 address on a user-defined Docker network (`network_mode`).'),
      isolation: oneOf('Windows isolation technology; must not be set on Linux.', [
        ['process', 'Windows process isolation, sharing the host kernel.'],
        ['hyperv', 'Hyper-V isolation in a utility VM (the Windows default).'],
      ]),
      labels: configMap(STRING, 'Docker labels set on the container, besides the ones the client adds.'),
      load: str('Path (relative to the task directory) of an image archive, e.g. fetched by an `artifact`, to load instead of pulling.'),
      mac_address: str('MAC address of the container\'s network interface.'),
      memory_hard_limit: int('Hard memory limit in MB; `resources.memory` then becomes the soft reservation. Prefer `resources.memory_max`.', { min: 0 }),
      network_aliases: strList('Extra DNS names of the container on a user-defined Docker network.'),
      network_mode: str('Docker network mode: `bridge`, `host`, `none`, `container:<name>`, or the name of a user-defined network. Defaults to bridge, or to the group\'s network namespace when the group has one.'),
      oom_score_adj: int('How likely the kernel\'s OOM killer picks this container: higher is likelier.', { default: '0', min: -1000, max: 1000 }),
      runtime: str('OCI runtime for the container (e.g. `runc`, `runsc`); must be in the plugin\'s `allow_runtimes`.'),
      pids_limit: int('Most processes the container may have; cannot exceed the plugin\'s pids_limit.', { min: 0 }),
      pid_mode: oneOf(`PID namespace of the container. ${NAMESPACE_NOTE}`, [
        ['host', 'See and signal every process of the host.'],
      ], { valuePattern: { regex: '^container:.+$', description: '"container:<name or id>"' } }),
      ports: strList('Labels of group network ports to publish from this container (`network { port "http" { to = 8080 } }`).'),
      privileged: bool('Run with nearly every capability and device of the host; the plugin must allow it (`allow_privileged`).', { default: 'false' }),
      image_pull_timeout: dur('Longest time a pull may take before the task fails.', { default: '"5m"' }),
      readonly_rootfs: bool('Mount the image\'s root file system read-only.', { default: 'false' }),
      security_opt: strList('Docker security options, e.g. `no-new-privileges` or `seccomp=/path/profile.json`.'),
      shm_size: int('Size of /dev/shm in bytes.', { min: 0 }),
      storage_opt: configMap(STRING, 'Storage driver options per container, e.g. `size = "10G"`.'),
      sysctl: configMap(STRING, 'Namespaced kernel parameters for the container, e.g. `"net.core.somaxconn" = "16384"`.'),
      tty: bool('Give the container a pseudo terminal.', { default: 'false' }),
      ulimit: configMap(STRING, 'Resource limits (`ulimit`) per name, as `"soft"` or `"soft:hard"`, e.g. `nofile = "65536:65536"`.'),
      uts_mode: str(`UTS namespace (hostname) of the container: \`host\` shares the host's. ${NAMESPACE_NOTE}`),
      userns_mode: str(`User namespace of the container: \`host\` turns off Docker's user namespace remapping. ${NAMESPACE_NOTE}`),
      volumes: strList('Bind mounts as `"source:target[:options]"`; relative sources are under the task directory, absolute ones need volumes enabled in the plugin config.'),
      volume_driver: str('Docker volume driver for the named volumes in `volumes`.'),
      work_dir: str('Working directory of the command inside the container, in place of the image\'s.'),
      port_map: configMap(INTEGER, 'Maps a task network port label to the port the container listens on, e.g. `http = 8080`.', {
        deprecated: 'Works only with ports of a task-level network (`resources { network { ... } }`), itself deprecated; declare ports in the group network with `to` and list their labels in `ports`.',
      }),
    },
    {
      auth: configBlock('Credentials for the image\'s registry; otherwise the plugin\'s auth config or helper is used.', body({
        username: str('Registry user name.'),
        password: str('Registry password or token; prefer a template reading it from Vault or Nomad variables.'),
        email: str('E-mail address of the registry account (old registries only).'),
        server_address: str('Registry address the credentials are for.'),
      }), { maxItems: 1 }),
      devices: configBlock('A host device to expose in the container.', body({
        host_path: str('Path of the device on the host, e.g. `/dev/sda`.', { required: true }),
        container_path: str('Path of the device inside the container.', { default: 'the host path' }),
        cgroup_permissions: cgroupPermissions('What the container may do with the device: any of `r` (read), `w` (write), `m` (mknod).'),
      })),
      healthchecks: configBlock('What to do with the image\'s own HEALTHCHECK.', body({
        disable: bool('Turn the image\'s health check off.', { default: 'false' }),
      }), { maxItems: 1 }),
      logging: configBlock('Docker logging driver of the container. Nomad reads the output back through Docker, so with a driver Docker cannot read from (e.g. syslog, gelf) `nomad alloc logs` stays empty.', body({
        type: str('Docker logging driver name, e.g. `json-file`, `journald`, `syslog`, `fluentd`, `gelf`, `awslogs`.', { default: '"json-file" (from the plugin config)' }),
        driver: str('Older name of `type`; use `type`.'),
        config: configMap(STRING, 'Options of the logging driver, e.g. `max-size = "10m"`.'),
      }), { maxItems: 1 }),
      mount: configBlock('A volume, bind or tmpfs mount; may repeat.', MOUNT_BODY),
      mounts: configBlock('Pre-1.0 spelling of `mount`, usually as `mounts = [{ ... }]`; same fields.', MOUNT_BODY),
    },
  ),
};

/** `cgroup_permissions`: any combination of r, w and m. */
function cgroupPermissions(doc: string) {
  return oneOf(doc, [['rwm', 'Read, write and mknod (the default).']], {
    default: '"rwm"',
    valuePattern: { regex: '^[rwm]+$', description: 'any combination of r, w and m' },
  });
}
