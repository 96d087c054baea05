// Task drivers: the driver -> config schema table. exec follows reference sections 1 and 2; the others
// follow each driver's own hclspec (names, types, required) and start-time checks (allowed values), from
// hashicorp/nomad drivers/* and the hashicorp exec2 and podman plugins. A driver not in the table, and a
// driver whose name is not a known literal, gets a free-form `config` so that nothing in it is reported.
import { FREE_FORM, INTEGER, STRING, body, bool, configMap, int, oneOf, str, strList, attr, STRING_LIST } from './build';
import { DOCKER } from './docker';
import { PODMAN } from './podman';
import type { BodySchema, DriverSchema, EnumValue } from './types';

const NAMESPACE_MODES: Array<[string, string]> = [
  ['private', 'A namespace of its own: the task sees only its own processes (pid) or IPC objects (ipc).'],
  ['host', 'The host\'s namespace: the task sees every process (pid) or shares System V/POSIX IPC (ipc) with the host. Other processes of the same user can read its process details, environment included.'],
  ['', 'Empty: use the client\'s plugin default (default_pid_mode / default_ipc_mode, normally private).'],
];

export const EXEC: DriverSchema = {
  name: 'exec',
  doc: 'Runs a program directly on the client, isolated: chrooted into the task directory, in its own mount and PID namespaces, limited by cgroups, as `nobody` unless `user` says otherwise. Linux only, needs a root agent.',
  docPath: 'drivers/exec',
  config: body({
    command: str('The program to run, without a shell. Looked up in the task directory (local/ first), in volume mounts, then usr/local/bin, usr/bin and bin of the chroot; the agent\'s PATH is never used.', { required: true }),
    args: strList('Arguments passed to the command, one list element per argument; runtime interpolation such as `${NOMAD_TASK_DIR}` works.'),
    pid_mode: oneOf('PID namespace of the task.', NAMESPACE_MODES, { default: '"" (client default, normally private)' }),
    ipc_mode: oneOf('IPC namespace of the task.', NAMESPACE_MODES, { default: '"" (client default, normally private)' }),
    cap_add: attr(STRING_LIST, 'Linux capabilities to grant on top of the defaults. Each must be in the client\'s allow_caps, otherwise the task fails to start. `all` grants everything.', { completion: 'capability' }),
    cap_drop: attr(STRING_LIST, 'Linux capabilities to remove from the defaults; `all` removes every one (cap_add entries are then added back).', { completion: 'capability' }),
    work_dir: str('Absolute path inside the task where the command starts.', { default: '"/"' }),
  }),
  pluginConfig: body({
    allow_caps: attr(STRING_LIST, 'Capabilities tasks may ask for with cap_add, and the ceiling of the default set.', { completion: 'capability', default: 'Docker\'s defaults without net_raw (13 names)' }),
    default_pid_mode: oneOf('PID namespace for tasks that do not set pid_mode.', NAMESPACE_MODES.slice(0, 2), { default: '"private"' }),
    default_ipc_mode: oneOf('IPC namespace for tasks that do not set ipc_mode.', NAMESPACE_MODES.slice(0, 2), { default: '"private"' }),
    no_pivot_root: bool('Use chroot instead of pivot_root to enter the task directory (for ramdisk root file systems).', { default: 'false' }),
    denied_host_uids: str('Host user IDs tasks may not run as: comma list of IDs or `lo-hi` ranges.'),
    denied_host_gids: str('Host group IDs tasks may not run as: comma list of IDs or `lo-hi` ranges.'),
  }),
};

export const RAW_EXEC: DriverSchema = {
  name: 'raw_exec',
  doc: 'Runs a program directly on the client without any isolation, as the user the agent runs as (often root). Clients refuse it unless the raw_exec plugin is enabled.',
  docPath: 'drivers/raw_exec',
  config: body({
    command: str('The program to run, without a shell: an absolute path, or a name looked up in the task directory and then the agent\'s PATH.', { required: true }),
    args: strList('Arguments passed to the command, one list element per argument; runtime interpolation such as `${NOMAD_TASK_DIR}` works.'),
    cgroup_v2_override: str('Put the task into this existing cgroup (v2, path under /sys/fs/cgroup) instead of one Nomad manages; Nomad then cannot enforce the task\'s resources.'),
    cgroup_v1_override: configMap(STRING, 'Per controller (`pids`, `memory`, `cpuset`...), an existing cgroup v1 path to put the task into instead of Nomad\'s; Nomad then cannot enforce the task\'s resources.'),
    oom_score_adj: int('How likely the kernel\'s OOM killer picks this task: higher is likelier.', { default: '0', min: -1000, max: 1000 }),
    work_dir: str('Directory (on the host) where the command starts.', { default: 'the task directory' }),
    denied_envvars: strList('Environment variables to remove from the task\'s environment; `*` matches any run of characters (e.g. `AWS_*`).'),
  }),
};

export const JAVA: DriverSchema = {
  name: 'java',
  doc: 'Runs a Java application (a jar, or a class on a class path) in a JVM found on the client, isolated like exec: chroot, namespaces and cgroups.',
  docPath: 'drivers/java',
  config: body(
    {
      jar_path: str('Path of the jar to run (`java -jar`), usually relative to the task directory where an `artifact` put it. Set this or `class`.'),
      class: str('Fully qualified name of the class whose main method runs. Set this or `jar_path`.'),
      class_path: str('Class path for `class` (`java -cp`), entries separated by `:`.'),
      jvm_options: strList('Options for the JVM itself, before the jar or class (e.g. `-Xmx512m`).'),
      args: strList('Arguments passed to the application\'s main method.'),
      pid_mode: oneOf('PID namespace of the task.', NAMESPACE_MODES, { default: '"" (client default, normally private)' }),
      ipc_mode: oneOf('IPC namespace of the task.', NAMESPACE_MODES, { default: '"" (client default, normally private)' }),
      cap_add: strList('Linux capabilities to grant on top of the defaults; each must be in the java plugin\'s allow_caps.'),
      cap_drop: strList('Linux capabilities to remove from the defaults; `all` removes every one.'),
      work_dir: str('Absolute path inside the task where the JVM starts.', { default: '"/"' }),
    },
    {},
    { requireOneOf: [['jar_path', 'class']] },
  ),
};

export const QEMU: DriverSchema = {
  name: 'qemu',
  doc: 'Boots a virtual machine image with QEMU on the client; the task\'s memory becomes the VM\'s memory.',
  docPath: 'drivers/qemu',
  config: body({
    image_path: str('Path of the disk image to boot, usually relative to the task directory where an `artifact` put it; must be in the plugin\'s `image_paths` when outside the alloc dir.', { required: true }),
    emulator: str('QEMU system emulator, by architecture (`x86_64`, `aarch64`...); `qemu-system-` is added in front.', { default: '"x86_64"' }),
    machine_type: str('QEMU machine type (`-machine type=`), e.g. `pc`, `q35`, `virt`.', { default: '"pc"' }),
    drive_interface: oneOf('How the disk image is attached to the VM.', [
      ['ide', 'IDE disk (the default).'],
      ['scsi', 'SCSI disk.'],
      ['sd', 'SD card.'],
      ['mtd', 'Memory technology device (flash).'],
      ['floppy', 'Floppy disk.'],
      ['pflash', 'Parallel flash (firmware images).'],
      ['virtio', 'Paravirtualised virtio disk: fastest, needs guest drivers.'],
      ['none', 'Not attached to a bus; attach it yourself with `args` (drive id `image0`).'],
    ], { default: '"ide"' }),
    accelerator: str('QEMU accelerator, e.g. `kvm` (hardware virtualisation, needs /dev/kvm) or `tcg` (software emulation).', { default: '"tcg"' }),
    graceful_shutdown: bool('Ask the guest to shut down (ACPI power button over the monitor socket) before killing QEMU. Not on Windows clients.', { default: 'false' }),
    guest_agent: bool('Open a socket for the QEMU guest agent in the task directory. Not on Windows clients.', { default: 'false' }),
    args: strList('Extra arguments passed to QEMU as they are; the plugin\'s `args_allowlist` may restrict them.'),
    port_map: configMap(INTEGER, 'Forwards a task network port label to a port inside the VM, e.g. `ssh = 22`.'),
  }),
};

export const EXEC2: DriverSchema = {
  name: 'exec2',
  doc: 'Runs a program isolated with Landlock (file system access only to what is unveiled), cgroups and, optionally, a dynamic user, without a chroot. An external plugin the client must have installed.',
  docPath: 'drivers/exec2',
  config: body({
    command: str('The program to run, without a shell; it must be in an unveiled path (the task directory, or a system path the plugin unveils).', { required: true }),
    args: strList('Arguments passed to the command, one list element per argument.'),
    unveil: strList('Extra file system paths the task may use, each `"<mode>:<path>"` with mode letters r (read), w (write), x (execute), c (create), e.g. `"r:/etc/ssl"`. The plugin must allow it (`unveil_by_task`).'),
    oom_score_adj: int('How likely the kernel\'s OOM killer picks this task: higher is likelier.', { default: '0', min: -1000, max: 1000 }),
  }),
};

/** The driver -> config schema table. */
export const DRIVERS: Readonly<Record<string, DriverSchema>> = {
  exec: EXEC,
  raw_exec: RAW_EXEC,
  docker: DOCKER,
  java: JAVA,
  qemu: QEMU,
  exec2: EXEC2,
  podman: PODMAN,
};

/** Driver names offered in completion, each with a one-line summary; drivers outside DRIVERS have a free-form `config`. */
export const KNOWN_DRIVERS: readonly EnumValue[] = [
  ...Object.values(DRIVERS).map((d) => ({ value: d.name, doc: d.doc })),
  { value: 'containerd-driver', doc: 'Runs a container through containerd (external plugin).' },
];

/** The drivers (other than `driverName`) whose config accepts `key`, for "it belongs to ..." hints. */
export function driversWithConfigKey(key: string, driverName: string): string[] {
  return Object.values(DRIVERS)
    .filter((d) => d.name !== driverName && (key in d.config.attributes || key in d.config.blocks))
    .map((d) => d.name);
}

/** Config keys an exec task sometimes carries by mistake, and the driver they belong to. */
export const FOREIGN_EXEC_KEYS: Readonly<Record<string, string>> = {
  image: 'docker or podman (exec runs a program from the host, not an image)',
  ports: 'docker or podman (declare ports in the group network; exec tasks use them directly)',
  port_map: 'old docker configs',
  network_mode: 'docker',
  volumes: 'docker (use a group volume with volume_mount for exec)',
  entrypoint: 'docker',
  privileged: 'docker',
  mount: 'docker',
  mounts: 'docker',
  labels: 'docker',
  oom_score_adj: 'raw_exec',
  cgroup_v1_override: 'raw_exec',
  cgroup_v2_override: 'raw_exec',
  denied_envvars: 'raw_exec',
  jar_path: 'java',
  jvm_options: 'java',
  class: 'java',
  class_path: 'java',
  image_path: 'qemu',
  accelerator: 'qemu',
  unveil: 'exec2',
};

/** The `config` body for a driver name; undefined or unknown names get a free-form body. */
export function configBodyFor(driverName: string | undefined): BodySchema {
  if (driverName === undefined) return FREE_FORM;
  return DRIVERS[driverName]?.config ?? FREE_FORM;
}

export function driverSchema(driverName: string | undefined): DriverSchema | undefined {
  return driverName === undefined ? undefined : DRIVERS[driverName];
}
