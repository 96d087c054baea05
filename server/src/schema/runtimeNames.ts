// The names a Nomad client provides to a task at start, as data with our own documentation: the NOMAD_*
// environment variables of an exec task, the per-port and per-meta-key families, node attributes and the
// functions the client accepts inside a driver `config` interpolation. Which of them a given task really
// gets is decided by runtimeScopeFor (runtime.ts); this file only describes them.

/** When a variable is set. Undefined means every exec task gets it. */
export type RuntimeCondition =
  /** `resources { cores = N }` */
  | 'cores'
  /** `resources { memory_max = N }` with N != 0 */
  | 'memoryMax'
  /** the job is a child of a periodic or parameterized job */
  | 'parentJob'
  /** a `vault` block applies to the task (and its `env` is not false) */
  | 'vault'
  /** a `vault` block with a `namespace` */
  | 'vaultNamespace'
  /** the default workload identity has `env = true` */
  | 'identityEnv'
  /** a `consul` block applies to the task (job, group or task level) */
  | 'consul';

export interface RuntimeVariableDoc {
  name: string;
  /** Markdown, our own words. */
  doc: string;
  /** What it holds inside an exec task when Nomad fixes it, e.g. `/local`. */
  execValue?: string;
  /** An illustrative value when it varies. */
  example?: string;
  when?: RuntimeCondition;
}

export const NOMAD_VARIABLES: readonly RuntimeVariableDoc[] = [
  { name: 'NOMAD_ALLOC_DIR', execValue: '/alloc', doc: 'The allocation directory shared by every task of the group, as the task sees it. Holds `data/`, `logs/` and `tmp/`.' },
  { name: 'NOMAD_TASK_DIR', execValue: '/local', doc: 'This task\'s private scratch directory; artifacts and templates land here by default.' },
  { name: 'NOMAD_SECRETS_DIR', execValue: '/secrets', doc: 'A small in-memory directory for secrets (tokens, rendered credentials); files here cannot be executed.' },
  { name: 'NOMAD_CPU_LIMIT', example: '500', doc: 'The CPU given to the task in MHz (`resources.cpu`, or derived from `cores`).' },
  { name: 'NOMAD_CPU_CORES', example: '0-1', when: 'cores', doc: 'The CPU cores reserved for the task, as a cpuset list. Only set when the task asks for `cores`.' },
  { name: 'NOMAD_MEMORY_LIMIT', example: '300', doc: 'The memory reserved for the task in MB (`resources.memory`).' },
  { name: 'NOMAD_MEMORY_MAX_LIMIT', example: '1024', when: 'memoryMax', doc: 'The hard memory ceiling in MB. Only set when `resources.memory_max` is given.' },
  { name: 'NOMAD_ALLOC_ID', example: 'a1b2c3d4-5e6f-...', doc: 'The allocation\'s UUID.' },
  { name: 'NOMAD_SHORT_ALLOC_ID', example: 'a1b2c3d4', doc: 'The first eight characters of the allocation ID.' },
  { name: 'NOMAD_ALLOC_NAME', example: 'web.app[0]', doc: 'The allocation name, `<job>.<group>[<index>]`.' },
  { name: 'NOMAD_ALLOC_INDEX', example: '0', doc: 'The allocation\'s index within the group, from 0 to `count - 1`; stable across replacements.' },
  { name: 'NOMAD_GROUP_NAME', doc: 'The name of the task group.' },
  { name: 'NOMAD_TASK_NAME', doc: 'The name of the task.' },
  { name: 'NOMAD_JOB_ID', doc: 'The job ID (for a dispatched or periodic child, the child\'s own ID).' },
  { name: 'NOMAD_JOB_NAME', doc: 'The job name as submitted (the `name` attribute, else the job label).' },
  { name: 'NOMAD_JOB_PARENT_ID', when: 'parentJob', doc: 'The ID of the parent job. Only set for children launched by a `periodic` schedule or a `parameterized` dispatch.' },
  { name: 'NOMAD_DC', example: 'dc1', doc: 'The datacenter of the client node running the task.' },
  { name: 'NOMAD_REGION', example: 'global', doc: 'The region the job runs in.' },
  { name: 'NOMAD_NAMESPACE', example: 'default', doc: 'The namespace of the job.' },
  { name: 'NOMAD_PARENT_CGROUP', example: 'nomad.slice', doc: 'The cgroup under which the client places task cgroups.' },
  { name: 'NOMAD_UNIX_ADDR', execValue: 'unix:///secrets/api.sock', doc: 'Address of the Task API socket in the secrets directory; use it with a workload identity token.' },
  { name: 'NOMAD_TOKEN', when: 'identityEnv', doc: 'The task\'s workload identity token. Only set when the task\'s `identity` block has `env = true`.' },
  { name: 'VAULT_TOKEN', when: 'vault', doc: 'The Vault token obtained for the task. Set when a `vault` block applies and its `env` is not false.' },
  { name: 'CONSUL_TOKEN', when: 'consul', doc: 'The Consul token obtained through the task\'s workload identity, when a `consul` block applies and the cluster uses identities for Consul.' },
  { name: 'VAULT_NAMESPACE', when: 'vaultNamespace', doc: 'The Vault namespace of the task\'s `vault` block, when one is given.' },
];

/** The variables whose value is the same in every exec task (the task dirs, the Task API socket). */
export const FIXED_EXEC_VALUES: Readonly<Record<string, string>> = Object.fromEntries(
  NOMAD_VARIABLES.flatMap((v) => (v.execValue === undefined ? [] : [[v.name, v.execValue]])),
);

/** A family of variables Nomad sets once per port label of the group (or task) network. */
export interface PortFamily {
  prefix: string;
  /** For docs and completion, e.g. `NOMAD_PORT_<label>`. */
  pattern: string;
  doc: string;
}

export const PORT_FAMILIES: readonly PortFamily[] = [
  { prefix: 'NOMAD_PORT_', pattern: 'NOMAD_PORT_<label>', doc: 'The port the task should listen on: the port\'s `to` value when mapped, else the host port.' },
  { prefix: 'NOMAD_IP_', pattern: 'NOMAD_IP_<label>', doc: 'The host IP address the port is bound to.' },
  { prefix: 'NOMAD_ADDR_', pattern: 'NOMAD_ADDR_<label>', doc: 'The host `ip:port` pair for the port.' },
  { prefix: 'NOMAD_HOST_PORT_', pattern: 'NOMAD_HOST_PORT_<label>', doc: 'The port number on the host (static or dynamically chosen).' },
  { prefix: 'NOMAD_HOST_IP_', pattern: 'NOMAD_HOST_IP_<label>', doc: 'The host IP address of the port.' },
  { prefix: 'NOMAD_HOST_ADDR_', pattern: 'NOMAD_HOST_ADDR_<label>', doc: 'The host `ip:port` of the port.' },
  { prefix: 'NOMAD_ALLOC_PORT_', pattern: 'NOMAD_ALLOC_PORT_<label>', doc: 'The port inside the allocation\'s network namespace (`to`, else the host port).' },
  { prefix: 'NOMAD_IPv4_', pattern: 'NOMAD_IPv4_<label>', doc: 'The host IPv4 address of the port, when it is IPv4 (task-level networks).' },
  { prefix: 'NOMAD_IPv6_', pattern: 'NOMAD_IPv6_<label>', doc: 'The host IPv6 address of the port, when it is IPv6 (task-level networks).' },
  { prefix: 'NOMAD_ALLOC_IP_', pattern: 'NOMAD_ALLOC_IP_<label>', doc: 'The allocation\'s own IP in bridge or CNI networking.' },
  { prefix: 'NOMAD_ALLOC_ADDR_', pattern: 'NOMAD_ALLOC_ADDR_<label>', doc: 'The allocation\'s own `ip:port` in bridge or CNI networking.' },
  { prefix: 'NOMAD_ALLOC_INTERFACE_', pattern: 'NOMAD_ALLOC_INTERFACE_<label>', doc: 'The network interface of the allocation in bridge or CNI networking.' },
];

/** Variables describing another task's ports (task-level `resources { network { ... } }`, an older form). */
export const OTHER_TASK_PORT_FAMILIES: readonly PortFamily[] = [
  { prefix: 'NOMAD_ADDR_', pattern: 'NOMAD_ADDR_<task>_<label>', doc: 'Another task\'s host `ip:port` for one of its ports.' },
  { prefix: 'NOMAD_IP_', pattern: 'NOMAD_IP_<task>_<label>', doc: 'Another task\'s host IP for one of its ports.' },
  { prefix: 'NOMAD_PORT_', pattern: 'NOMAD_PORT_<task>_<label>', doc: 'Another task\'s host port number.' },
];

/** Consul Connect upstreams of the group's sidecar services. */
export const UPSTREAM_FAMILIES: readonly PortFamily[] = [
  { prefix: 'NOMAD_UPSTREAM_ADDR_', pattern: 'NOMAD_UPSTREAM_ADDR_<service>', doc: 'The local `127.0.0.1:port` the sidecar proxy listens on for this upstream service.' },
  { prefix: 'NOMAD_UPSTREAM_IP_', pattern: 'NOMAD_UPSTREAM_IP_<service>', doc: 'Always `127.0.0.1`: the sidecar binds upstreams to localhost.' },
  { prefix: 'NOMAD_UPSTREAM_PORT_', pattern: 'NOMAD_UPSTREAM_PORT_<service>', doc: 'The upstream\'s `local_bind_port`.' },
];

export const META_PREFIX = 'NOMAD_META_';
export const META_DOC =
  'A `meta` value of the job, group or task (the task\'s wins). Each key is available as written and upper-cased.';

export const WORKLOAD_TOKEN_PREFIX = 'NOMAD_TOKEN_';

/** Set by the exec driver's executor from the host user database, for the task's `user` (default `nobody`). */
export const USER_VARIABLES: readonly RuntimeVariableDoc[] = [
  { name: 'USER', example: 'nobody', doc: 'The user the task runs as (`user`, default `nobody`).' },
  { name: 'LOGNAME', example: 'nobody', doc: 'Same as `USER`.' },
  { name: 'HOME', example: '/nonexistent', doc: 'The home directory of the task\'s user on the host; usually not inside the chroot.' },
];

/**
 * Agent environment variables that reach the task (everything the agent has, minus `env.denylist`).
 * Only the ones every service manager provides are listed; others depend on how the agent was started.
 */
export const AGENT_VARIABLES: readonly RuntimeVariableDoc[] = [
  { name: 'PATH', example: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', doc: 'Inherited from the Nomad agent\'s environment. The exec driver does not use it to find `command`.' },
  { name: 'LANG', example: 'C.UTF-8', doc: 'Inherited from the agent\'s environment when set there.' },
  { name: 'TZ', doc: 'Inherited from the agent\'s environment when set there.' },
];

/** Node names usable in a driver `config` interpolation and in constraints. */
export const NODE_NAMES: ReadonlyArray<{ name: string; doc: string }> = [
  { name: 'node.unique.id', doc: 'The client node\'s UUID.' },
  { name: 'node.unique.name', doc: 'The client node\'s name (its hostname unless configured).' },
  { name: 'node.datacenter', doc: 'The datacenter of the client node.' },
  { name: 'node.region', doc: 'The region of the client node.' },
  { name: 'node.class', doc: 'The `node_class` of the client, empty when none.' },
  { name: 'node.pool', doc: 'The node pool the client belongs to.' },
];

/** Common fingerprinted node attributes; any `attr.*` name is accepted since plugins add their own. */
export const COMMON_ATTRIBUTES: ReadonlyArray<{ name: string; doc: string }> = [
  { name: 'attr.kernel.name', doc: 'The kernel name, e.g. `linux`.' },
  { name: 'attr.kernel.version', doc: 'The kernel release, e.g. `6.1.0-18-amd64`.' },
  { name: 'attr.kernel.arch', doc: 'The kernel\'s machine architecture, e.g. `x86_64`.' },
  { name: 'attr.cpu.arch', doc: 'The CPU architecture in Go terms, e.g. `amd64` or `arm64`.' },
  { name: 'attr.cpu.numcores', doc: 'The number of CPU cores.' },
  { name: 'attr.cpu.totalcompute', doc: 'Total CPU in MHz across all cores.' },
  { name: 'attr.memory.totalbytes', doc: 'Total memory of the node in bytes.' },
  { name: 'attr.os.name', doc: 'The operating system distribution, e.g. `ubuntu`.' },
  { name: 'attr.os.version', doc: 'The distribution version, e.g. `22.04`.' },
  { name: 'attr.unique.hostname', doc: 'The node\'s hostname.' },
  { name: 'attr.unique.network.ip-address', doc: 'The node\'s primary IP address.' },
  { name: 'attr.nomad.version', doc: 'The Nomad version of the client.' },
  { name: 'attr.driver.exec', doc: 'Set to `1` when the exec driver is healthy on the node.' },
  { name: 'attr.unique.platform.aws.instance-id', doc: 'The EC2 instance ID, on AWS.' },
];

export interface ConfigFunctionDoc {
  name: string;
  signature: string;
  doc: string;
}

/** Functions a Nomad client accepts when it evaluates a driver `config` interpolation. */
export const CONFIG_FUNCTIONS: readonly ConfigFunctionDoc[] = [
  { name: 'abs', signature: 'abs(number)', doc: 'The absolute value of a number.' },
  { name: 'coalesce', signature: 'coalesce(values...)', doc: 'The first argument that is neither null nor an empty string.' },
  { name: 'concat', signature: 'concat(lists...)', doc: 'Joins several lists into one.' },
  { name: 'hasindex', signature: 'hasindex(collection, key)', doc: 'True when the list or map has that index or key.' },
  { name: 'int', signature: 'int(number)', doc: 'Drops the fractional part of a number.' },
  { name: 'jsondecode', signature: 'jsondecode(string)', doc: 'Parses a JSON string into a value.' },
  { name: 'jsonencode', signature: 'jsonencode(value)', doc: 'Writes a value as a JSON string.' },
  { name: 'length', signature: 'length(value)', doc: 'The number of items in a list or map, or characters in a string.' },
  { name: 'lower', signature: 'lower(string)', doc: 'The string in lower case.' },
  { name: 'max', signature: 'max(numbers...)', doc: 'The largest of the numbers.' },
  { name: 'min', signature: 'min(numbers...)', doc: 'The smallest of the numbers.' },
  { name: 'reverse', signature: 'reverse(list)', doc: 'The list in reverse order.' },
  { name: 'strlen', signature: 'strlen(string)', doc: 'The number of characters in a string.' },
  { name: 'substr', signature: 'substr(string, offset, length)', doc: 'Part of a string; a length of -1 means to the end.' },
  { name: 'upper', signature: 'upper(string)', doc: 'The string in upper case.' },
];

export const CONFIG_FUNCTION_NAMES: ReadonlySet<string> = new Set(CONFIG_FUNCTIONS.map((f) => f.name));

/** Nomad turns characters that are not valid in an environment variable name into `_` for these families. */
export function cleanEnvName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, '_');
}
