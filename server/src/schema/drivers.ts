// Task drivers. Only exec has a schema here (reference sections 1 and 2); every other driver, and a driver
// whose name is not a known literal, gets a free-form `config` so that nothing in it is reported.
import { FREE_FORM, body, bool, oneOf, str, strList, attr, STRING_LIST } from './build';
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

/** Drivers with a schema here. */
export const DRIVERS: Readonly<Record<string, DriverSchema>> = { exec: EXEC };

/** Driver names offered in completion, each with a one-line summary; their `config` is free-form here. */
export const KNOWN_DRIVERS: readonly EnumValue[] = [
  { value: 'exec', doc: EXEC.doc },
  { value: 'raw_exec', doc: 'Runs a program on the client without isolation, as the agent\'s user. Disabled on clients by default.' },
  { value: 'docker', doc: 'Runs a Docker container.' },
  { value: 'podman', doc: 'Runs a Podman container (external plugin).' },
  { value: 'java', doc: 'Runs a Java jar or class in a JVM, isolated like exec.' },
  { value: 'qemu', doc: 'Runs a virtual machine image with QEMU.' },
  { value: 'exec2', doc: 'The newer isolated process driver using Landlock (external plugin).' },
  { value: 'containerd-driver', doc: 'Runs a container through containerd (external plugin).' },
];

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
