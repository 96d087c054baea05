// The task environment as a Nomad client builds it (reference section 6), lowest precedence first:
// the agent's environment less env.denylist (PATH arrives this way), USER/LOGNAME/HOME of the task user,
// the NOMAD_* variables (dirs, limits, ids, ports, meta), the task `env` block (simple `${name}`
// interpolation), and last the output of `env = true` templates (added by runGroup.ts at start).
import * as fs from 'fs';
import { FIXED_EXEC_VALUES } from '../../server/src/schema/runtimeNames';
import { interpolateSimple } from './interpolate';
import type { PortPlan } from './types';

/** env.denylist default: secrets of the agent that must never reach a task. */
export const ENV_DENYLIST: readonly string[] = [
  'CONSUL_TOKEN', 'CONSUL_HTTP_TOKEN', 'CONSUL_HTTP_TOKEN_FILE', 'NOMAD_TOKEN', 'VAULT_TOKEN',
  'CONSUL_LICENSE', 'CONSUL_LICENSE_PATH', 'NOMAD_LICENSE', 'NOMAD_LICENSE_PATH', 'VAULT_LICENSE', 'VAULT_LICENSE_PATH',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_METADATA_URL',
  'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_OAUTH_ACCESS_TOKEN',
];

export interface EnvInput {
  hostEnv: Record<string, string | undefined>;
  user: string;
  allocId: string;
  allocIndex: number;
  jobId: string;
  jobName: string;
  parentId?: string;
  group: string;
  task: string;
  datacenter: string;
  region: string;
  namespace: string;
  resources: { cpu: number; cores?: number; memoryMB: number; memoryMaxMB: number };
  ports: PortPlan[];
  /** NOMAD_ALLOC_DIR, NOMAD_TASK_DIR, NOMAD_SECRETS_DIR when they are not the chroot's (raw_exec: host paths). */
  dirValues?: Record<string, string>;
  /** Meta of job, group and task (each may override the previous), values already HCL-evaluated. */
  meta: Record<string, string>[];
  /** The task `env` block, values already HCL-evaluated (runtime names still as `${...}` text). */
  taskEnv: Record<string, string>;
  /** `node.*`, `attr.*`, `meta.*` for simple interpolation. */
  nodeNames: Record<string, string>;
}

/** Environment variable names keep only letters, digits and underscores (Nomad's cleanup of labels/keys). */
export function cleanName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

export function buildTaskEnv(input: EnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  const deny = new Set(ENV_DENYLIST);
  for (const [key, value] of Object.entries(input.hostEnv)) {
    if (value !== undefined && !deny.has(key)) env[key] = value;
  }
  const account = passwdEntry(input.user);
  env.USER = input.user;
  env.LOGNAME = input.user;
  env.HOME = account?.home ?? '/';
  Object.assign(env, nomadVariables(input), input.dirValues ?? {});
  // The task env block: simple interpolation against everything so far, in the order written.
  for (const [key, value] of Object.entries(input.taskEnv)) {
    env[key] = interpolateSimple(value, env, input.nodeNames);
  }
  return env;
}

/** Every NOMAD_* variable that applies to the task. */
export function nomadVariables(input: EnvInput): Record<string, string> {
  const v: Record<string, string> = {
    // The task dirs and the Task API socket path (nothing listens there in a local run).
    ...FIXED_EXEC_VALUES,
    NOMAD_MEMORY_LIMIT: String(input.resources.memoryMB),
    NOMAD_CPU_LIMIT: String(input.resources.cpu),
    NOMAD_ALLOC_ID: input.allocId,
    NOMAD_SHORT_ALLOC_ID: input.allocId.slice(0, 8),
    NOMAD_ALLOC_NAME: `${input.jobId}.${input.group}[${input.allocIndex}]`,
    NOMAD_ALLOC_INDEX: String(input.allocIndex),
    NOMAD_GROUP_NAME: input.group,
    NOMAD_TASK_NAME: input.task,
    NOMAD_JOB_ID: input.jobId,
    NOMAD_JOB_NAME: input.jobName,
    NOMAD_DC: input.datacenter,
    NOMAD_REGION: input.region,
    NOMAD_NAMESPACE: input.namespace,
    // The client's cgroup_parent default.
    NOMAD_PARENT_CGROUP: 'nomad.slice',
  };
  if (input.resources.memoryMaxMB > 0) v.NOMAD_MEMORY_MAX_LIMIT = String(input.resources.memoryMaxMB);
  // A cpuset list. The launcher replaces it with the cores it pinned the task to; unpinned (it warns why),
  // the first N cores, which is what Nomad would name on an idle node.
  if (input.resources.cores) v.NOMAD_CPU_CORES = input.resources.cores === 1 ? '0' : `0-${input.resources.cores - 1}`;
  if (input.parentId) v.NOMAD_JOB_PARENT_ID = input.parentId;
  for (const port of input.ports) {
    const label = cleanName(port.label);
    const taskPort = port.to > 0 ? port.to : port.value;
    v[`NOMAD_IP_${label}`] = port.ip;
    v[`NOMAD_PORT_${label}`] = String(taskPort);
    v[`NOMAD_ADDR_${label}`] = `${port.ip}:${taskPort}`;
    v[`NOMAD_HOST_IP_${label}`] = port.ip;
    v[`NOMAD_HOST_PORT_${label}`] = String(port.value);
    v[`NOMAD_HOST_ADDR_${label}`] = `${port.ip}:${port.value}`;
    v[`NOMAD_ALLOC_PORT_${label}`] = String(taskPort);
  }
  // Meta: job < group < task; both the upper-cased and the as-written key.
  const meta: Record<string, string> = {};
  for (const level of input.meta) Object.assign(meta, level);
  for (const [key, value] of Object.entries(meta)) {
    const text = interpolateSimple(value, v, input.nodeNames);
    v[`NOMAD_META_${cleanName(key).toUpperCase()}`] = text;
    v[`NOMAD_META_${cleanName(key)}`] = text;
  }
  return v;
}

/** The host user database entry (home dir), as the executor reads it. */
function passwdEntry(user: string): { uid: number; home: string } | undefined {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === user) return { uid: Number(fields[2]), home: fields[5] };
    }
  } catch {
    // no passwd: leave HOME as /
  }
  return undefined;
}
