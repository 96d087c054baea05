// One task's part of the launch plan: environment, interpolated command and args, command lookup, user,
// capabilities, namespaces, kill signal and timeout, resources, logs, lifecycle, artifacts and templates.
// Problems are thrown as PlanProblem (or FilePlanError) with a message naming the task and the field.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEvaluator } from '../../server/src/model/evaluate';
import { Unknown } from '../../server/src/model/value';
import { HOST_NAMESPACES_SETTING, RAW_EXEC_SETTING, userDeniedMessage, type EffectiveSettings } from '../../server/src/settings';
import { computeTaskCapabilities, nearestCapability } from '../../server/src/schema/capabilities';
import type { Group, Job, Range, Task } from '../../server/src/model/types';
import { stagedSecretsDirOf, taskDirsOf } from './allocDir';
import { buildTaskEnv } from './env';
import { interpolateSimple } from './interpolate';
import { lookupBinds, lookupCommand, lookupRawExecCommand } from './lookup';
import { planVolumeMounts } from './volumes';
import { attributeOf, blocksOf, durationMs, evalAttr, readStringMap, valueText, type Body, type Evaluator, type JobFile, type Value } from './model';
import type { LocalNode } from './node';
import { configResolver, explainMissingName, missingFiles, unresolvedReferences } from './runtimeNames';
import { planArtifacts, planTemplates } from './planFiles';
import { isInside } from './safeFs';
import { nodeSignal } from './signals';
import type { LifecycleHook, PortPlan, TaskPlan } from './types';

/** Nomad's client max_kill_timeout default. */
const MAX_KILL_TIMEOUT_MS = 30_000;

/** Where a plan problem is in the job file, and what the editor knows about it. */
export interface ProblemPlace {
  range: Range;
  /** The code of the editor diagnostic for the same problem. */
  code?: string;
  hint?: string;
}

export class PlanProblem extends Error {
  constructor(
    message: string,
    /** Set where the problem is one place in the file; plan.ts falls back to the task's block. */
    public place?: ProblemPlace,
  ) {
    super(message);
  }
}

type Fail = (message: string, place?: ProblemPlace) => never;

/** The place of an attribute's value, when the attribute is written. */
function valueOf(body: Body | undefined, name: string, code?: string): ProblemPlace | undefined {
  const attribute = body ? attributeOf(body, name) : undefined;
  return attribute ? { range: attribute.value.range, ...(code ? { code } : {}) } : undefined;
}

export interface JobInfo {
  id: string;
  name: string;
  region: string;
  namespace: string;
  datacenter: string;
  meta: Record<string, string>;
}

export interface TaskContext {
  task: Task;
  group: Group;
  job: Job;
  jobspec: Evaluator;
  file: JobFile;
  settings: EffectiveSettings;
  node: LocalNode;
  names: Record<string, string>;
  ports: PortPlan[];
  allocId: string;
  allocDir: string;
  sharedDir: string;
  hostEnv: Record<string, string | undefined>;
  variables: Record<string, Value>;
  baseDir: string;
  jobInfo: JobInfo;
}

/** The launcher looks the task user up in the host's /etc/passwd, as the executor does. */
function userExists(user: string): boolean {
  try {
    return fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.split(':')[0] === user);
  } catch {
    return true; // cannot tell; the launcher will say
  }
}

/** What a Nomad client would do for the task that a local run leaves out, said once per run. */
export function localDifferences(task: Task): string[] {
  const body = taskBody(task);
  const out: string[] = [];
  if (task.driverName === 'raw_exec' && blocksOf(body, 'volume_mount').length > 0) out.push(`task "${task.name}": raw_exec does not mount volumes; its volume_mount is left out`);
  if (blocksOf(body, 'service').length > 0) out.push(`task "${task.name}": its services are not registered in a local run`);
  if (blocksOf(body, 'vault').length > 0) out.push(`task "${task.name}": no Vault token is given in a local run`);
  return out;
}

function taskBody(task: Task): Body {
  return task.dynamic && task.block.dynamic?.content ? task.block.dynamic.content : task.block.body;
}

/**
 * A host PID or IPC namespace lets the task see, signal or outlive the developer's own processes: a local
 * run shares them only when the developer said so on this machine, never because a job (or its default
 * modes, which a workspace may set) asks.
 */
function refuseHostNamespaces(pidMode: 'private' | 'host', ipcMode: 'private' | 'host', settings: EffectiveSettings, fail: Fail): void {
  if (settings.allowHostNamespaces) return;
  const shared = [pidMode === 'host' ? 'PID' : undefined, ipcMode === 'host' ? 'IPC' : undefined].filter(Boolean);
  if (shared.length === 0) return;
  fail(
    `would share this machine's ${shared.join(' and ')} namespace${shared.length > 1 ? 's' : ''} (${[pidMode === 'host' ? 'pid_mode' : '', ipcMode === 'host' ? 'ipc_mode' : ''].filter(Boolean).join(', ')} "host"), ` +
      `which a local run refuses unless you allow it: set ${HOST_NAMESPACES_SETTING} to true in your user settings, or pass --allow-host-namespaces to nomad-exec run`,
  );
}

/** The task's environment (section 6 precedence): host env, NOMAD_*, meta, the task's env block. */
function planEnv(ctx: TaskContext, body: Body, user: string, res: TaskPlan['resources'], fail: Fail, dirValues?: Record<string, string>): Record<string, string> {
  const { jobspec, task } = ctx;
  const problems: string[] = [];
  const meta = [ctx.jobInfo.meta, readStringMap(ctx.group.block.body, 'meta', jobspec, problems), readStringMap(body, 'meta', jobspec, problems)];
  const taskEnv = readStringMap(body, 'env', jobspec, problems);
  if (problems.length > 0) fail(problems.join('; '));
  return buildTaskEnv({
    hostEnv: ctx.hostEnv,
    user,
    allocId: ctx.allocId,
    allocIndex: 0,
    jobId: ctx.jobInfo.id,
    jobName: ctx.jobInfo.name,
    group: ctx.group.name,
    task: task.name,
    datacenter: ctx.jobInfo.datacenter,
    region: ctx.jobInfo.region,
    namespace: ctx.jobInfo.namespace,
    resources: res,
    ports: ctx.ports,
    meta,
    taskEnv,
    nodeNames: ctx.names,
    dirValues,
  });
}

/** Who runs this process: a raw_exec task runs as the developer, whatever its `user` says. */
function invokingUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * A raw_exec task: no isolation at all, exactly as the raw_exec driver runs it: as the invoking user, in its
 * task dir, with the task environment (its dirs as host paths). Refused unless the developer allowed it on
 * this machine, as a Nomad client must enable the raw_exec plugin.
 */
function planRawExecTask(ctx: TaskContext): TaskPlan {
  const { task, jobspec, settings } = ctx;
  const where = `task "${task.name}"`;
  const body = taskBody(task);
  const fail: Fail = (message, place) => {
    throw new PlanProblem(`${where}: ${message}`, place);
  };
  if (!settings.allowRawExec) {
    fail(
      'uses the raw_exec driver, which runs its command with no isolation, as you, and a local run refuses unless you allow it: ' +
        `set ${RAW_EXEC_SETTING} to true in your user settings, or pass --allow-raw-exec to nomad-exec run`,
      valueOf(body, 'driver'),
    );
  }
  const user = invokingUser();
  const denied = userDeniedMessage(user, 'raw_exec', settings);
  if (denied) fail(denied, valueOf(body, 'user', 'user-denied'));
  const config = task.config?.body;
  if (!config) fail('has no config block, so no command to run', { range: task.block.typeRange, code: 'missing-required' });
  const { resources: res, logs } = planResources(body, jobspec, fail);
  const { taskDir, dirs } = taskDirsOf(ctx.allocDir, ctx.sharedDir, task.name);
  const env = planEnv(ctx, body, user, res, fail, { NOMAD_ALLOC_DIR: dirs.alloc, NOMAD_TASK_DIR: dirs.local, NOMAD_SECRETS_DIR: dirs.secrets });
  const { command, args } = planCommand(ctx, config!, env, fail);
  const { killSignal, killTimeoutMs } = planKill(body, jobspec, fail);
  if (nodeSignal(killSignal) === undefined) fail(`kill_signal ${killSignal} is not a signal this machine knows`, valueOf(body, 'kill_signal'));
  const files = planTaskFiles(ctx, body, env, where);
  env.NOMAD_SECRETS_DIR = files.dirs.secrets;
  const lookup = lookupRawExecCommand(command, taskDir, env.PATH);
  if (lookup.state === 'pending' && files.artifacts.length === 0 && files.templates.length === 0) fail(lookup.reason, valueOf(config, 'command', 'command-location'));
  if (lookup.state === 'pending') lookup.reason += '; looked up again after the artifacts and templates are in place';
  return {
    name: task.name,
    driver: 'raw_exec',
    lifecycle: planLifecycle(body, jobspec),
    leader: evalAttr(body, 'leader', jobspec) === true,
    ...files,
    chrootBinds: [],
    chrootOrigin: 'none (raw_exec)',
    volumeMounts: [],
    places: placesOf(task, config!),
    env,
    command,
    args,
    lookup,
    workDir: taskDir,
    user,
    capabilities: [],
    pidMode: 'host',
    ipcMode: 'host',
    noPivotRoot: false,
    killSignal,
    killTimeoutMs,
    resources: res,
    logs,
  };
}

/** `command` and `args` evaluated as HCL2 with the task's environment as top-level names. */
function planCommand(ctx: TaskContext, config: Body, env: Record<string, string>, fail: Fail): { evalConfig: (name: string) => Value | undefined; command: string; args: string[] } {
  const resolver = configResolver(env, ctx.node);
  const configEval = createEvaluator(ctx.file, { variables: ctx.variables, baseDir: ctx.baseDir, runtime: resolver });
  const evalConfig = configEvaluator(config, configEval, resolver, ctx, fail);
  const commandValue = evalConfig('command');
  if (typeof commandValue !== 'string' || commandValue === '') fail('config has no command', valueOf(config, 'command') ?? { range: config.range, code: 'missing-required' });
  const argsValue = evalConfig('args');
  const args = argsValue === undefined || argsValue === null ? [] : Array.isArray(argsValue) ? argsValue.map((a) => valueText(a)) : fail('config args must be a list of strings', valueOf(config, 'args'));
  return { evalConfig, command: commandValue as string, args };
}

/** Evaluates one config attribute with the task's environment; unresolved names fail naming them. */
function configEvaluator(config: Body, configEval: Evaluator, resolver: ReturnType<typeof configResolver>, ctx: TaskContext, fail: Fail): (name: string) => Value | undefined {
  return (name) => {
    const attr = attributeOf(config, name);
    if (!attr) return undefined;
    const value = configEval.evaluate(attr.value);
    if (value instanceof Unknown || (Array.isArray(value) && value.some((v) => v instanceof Unknown))) {
      const unknown = unresolvedReferences(attr.value, resolver, (local) => ctx.file.locals.get(local)?.value);
      fail(
        unknown.length > 0
          ? `config ${name} (line ${attr.range.start.line + 1}) names ${unknown.map(explainMissingName).join(', ')}, which the task's environment and this machine's node attributes do not have`
          : `config ${name} (line ${attr.range.start.line + 1}) cannot be evaluated (failed to parse config)${missingFiles(attr.value, ctx.baseDir).map((m) => `: ${m}`).join('')}`,
        { range: attr.value.range },
      );
    }
    return value;
  };
}

export function planTask(ctx: TaskContext): TaskPlan {
  if (ctx.task.driverName === 'raw_exec') return planRawExecTask(ctx);
  const { task, jobspec, settings } = ctx;
  const where = `task "${task.name}"`;
  const body = taskBody(task);
  const fail: Fail = (message, place) => {
    throw new PlanProblem(`${where}: ${message}`, place);
  };

  const userValue = evalAttr(body, 'user', jobspec);
  const user = typeof userValue === 'string' && userValue !== '' ? userValue : 'nobody';
  // The client's user.denylist is enforced, not only reported: same text as the editor's diagnostic.
  const denied = userDeniedMessage(user, task.driverName ?? 'exec', settings);
  if (denied) fail(denied, valueOf(body, 'user', 'user-denied'));

  if (!userExists(user)) fail(`user "${user}" does not exist on this machine (not in /etc/passwd), so the task cannot run as it`, valueOf(body, 'user'));

  const config = task.config?.body;
  if (!config) fail('has no config block, so no command to run', { range: task.block.typeRange, code: 'missing-required' });

  const { resources: res, logs } = planResources(body, jobspec, fail);
  const env = planEnv(ctx, body, user, res, fail);

  // command and args: HCL2 with the env as top-level names.
  const { evalConfig, command, args } = planCommand(ctx, config!, env, fail);
  const mode = (name: 'pid_mode' | 'ipc_mode', fallback: 'private' | 'host'): 'private' | 'host' => {
    const value = evalConfig(name);
    if (value === undefined || value === '' || value === null) return fallback;
    if (value === 'private' || value === 'host') return value;
    return fail(`config ${name} must be "private" or "host", not ${JSON.stringify(value)}`, valueOf(config, name));
  };
  const pidMode = mode('pid_mode', settings.defaultPidMode);
  const ipcMode = mode('ipc_mode', settings.defaultIpcMode);
  refuseHostNamespaces(pidMode, ipcMode, settings, (message) => fail(message, valueOf(config, pidMode === 'host' ? 'pid_mode' : 'ipc_mode', 'host-namespace')));
  const capabilities = planCapabilities(config!, evalConfig, settings, user, fail);
  const workDirValue = evalConfig('work_dir');
  const workDir = typeof workDirValue === 'string' && workDirValue !== '' ? workDirValue : '/';
  if (!workDir.startsWith('/')) fail(`config work_dir must be an absolute path inside the task, not ${JSON.stringify(workDir)}`, valueOf(config, 'work_dir', 'relative-work-dir'));

  const { killSignal, killTimeoutMs } = planKill(body, jobspec, fail);
  const { taskDir, dirs, artifacts, templates } = planTaskFiles(ctx, body, env, where);
  const chrootBinds = Object.entries(settings.chrootEnv)
    .filter(([host]) => fs.existsSync(host))
    .map(([host, taskPath]) => ({ host, task: taskPath }));

  const volumeMounts = planVolumeMounts(body, ctx.group, jobspec, settings, fail);
  const lookup = lookupCommand({ command, taskDir, binds: lookupBinds({ chrootBinds, volumeMounts }) });
  if (lookup.state === 'pending' && artifacts.length === 0 && templates.length === 0) fail(lookup.reason, valueOf(config, 'command', 'command-location'));
  if (lookup.state === 'pending') {
    lookup.reason += '; looked up again after the artifacts and templates are in place';
  }

  return {
    name: task.name,
    driver: task.driverName ?? 'exec',
    lifecycle: planLifecycle(body, jobspec),
    leader: evalAttr(body, 'leader', jobspec) === true,
    taskDir,
    dirs,
    chrootBinds,
    chrootOrigin: settings.origin.chrootEnv,
    volumeMounts,
    env,
    command,
    args,
    lookup,
    workDir,
    user,
    capabilities,
    pidMode,
    ipcMode,
    noPivotRoot: settings.noPivotRoot,
    killSignal,
    killTimeoutMs,
    resources: res,
    logs,
    artifacts,
    templates,
    places: placesOf(task, config!),
  };
}

function placesOf(task: Task, config: Body): NonNullable<TaskPlan['places']> {
  const command = attributeOf(config, 'command');
  return command ? { task: task.block.typeRange, command: command.value.range } : { task: task.block.typeRange };
}

/**
 * cap_add and cap_drop against the client's allow_caps. A refusal points at the first offending entry of the
 * list, with the nearest real name for a misspelt one (the editor's diagnostic offers the same fix).
 */
function planCapabilities(config: Body, evalConfig: (name: string) => Value | undefined, settings: EffectiveSettings, user: string, fail: Fail): string[] {
  const strList = (name: string): string[] | undefined => {
    const value = evalConfig(name);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return fail(`config ${name} must be a list of strings`, valueOf(config, name));
    return value as string[];
  };
  const capAdd = strList('cap_add');
  const capDrop = strList('cap_drop');
  const caps = computeTaskCapabilities({ capAdd, capDrop, allowCaps: settings.allowCaps, user });
  if (caps.ok) return caps.capabilities;
  const parts: string[] = [];
  if (caps.unknown.length > 0) parts.push(`unknown capabilit${caps.unknown.length > 1 ? 'ies' : 'y'} ${caps.unknown.join(', ')}`);
  if (caps.refused.length > 0) parts.push(`the driver does not allow ${caps.refused.join(', ')} (allow_caps from ${settings.origin.allowCaps})`);
  const [entry, code] = caps.unknown.length > 0 ? [caps.unknown[0], 'unknown-capability'] : [caps.refused[0], 'capability-not-allowed'];
  const nearest = code === 'unknown-capability' ? nearestCapability(entry) : undefined;
  const inAdd = capAdd?.includes(entry) === true;
  const place = entryPlace(config, inAdd ? 'cap_add' : 'cap_drop', inAdd ? capAdd : capDrop, entry, code);
  if (place && nearest) place.hint = `did you mean "${nearest}"?`;
  return fail(parts.join('; '), place);
}

/** The place of one entry of a list attribute written as a literal list (else of the whole value). */
function entryPlace(body: Body, name: string, values: string[] | undefined, entry: string, code: string): ProblemPlace | undefined {
  const attribute = attributeOf(body, name);
  if (!attribute) return undefined;
  const items = attribute.value.kind === 'tuple' ? attribute.value.items : [];
  const index = values?.indexOf(entry) ?? -1;
  const item = items.length === values?.length && index >= 0 ? items[index] : undefined;
  return { range: (item ?? attribute.value).range, code };
}

/** The resources block (Nomad's defaults: 100 MHz, 300 MB) and the logs block (10 files of 10 MB). */
function planResources(body: Body, jobspec: Evaluator, fail: (message: string) => never): Pick<TaskPlan, 'resources' | 'logs'> {
  const resources = blocksOf(body, 'resources')[0]?.body;
  const num = (b: Body | undefined, name: string, fallback: number): number => {
    const v = b ? evalAttr(b, name, jobspec) : undefined;
    return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : fallback;
  };
  const cores = num(resources, 'cores', 0);
  // Nomad places such a task only on a node with that many free cores; this machine is the only node.
  const cpus = cores > 0 ? os.cpus().length : 0; // reads /proc/cpuinfo: only when asked
  if (cores > cpus) fail(`resources.cores = ${cores}, but this machine has ${cpus} CPU${cpus === 1 ? '' : 's'}: Nomad would find no node to place the task on, so it is not run (ask for at most ${cpus})`);
  if (cores > 0 && !Number.isInteger(cores)) fail(`resources.cores must be a whole number of cores, not ${cores}`);
  const logsBody = blocksOf(body, 'logs')[0]?.body;
  const disabledValue = logsBody ? evalAttr(logsBody, 'disabled', jobspec) : undefined;
  const enabledValue = logsBody ? evalAttr(logsBody, 'enabled', jobspec) : undefined;
  return {
    resources: { cpu: num(resources, 'cpu', 100), memoryMB: num(resources, 'memory', 300), memoryMaxMB: num(resources, 'memory_max', 0), ...(cores > 0 ? { cores } : {}) },
    logs: {
      disabled: disabledValue === true || enabledValue === false,
      maxFiles: Math.max(1, num(logsBody, 'max_files', 10)),
      maxFileSizeMB: Math.max(1, num(logsBody, 'max_file_size', 10)),
    },
  };
}

/** kill_signal (SIGINT by default) and kill_timeout, capped by the client's max_kill_timeout. */
function planKill(body: Body, jobspec: Evaluator, fail: Fail): Pick<TaskPlan, 'killSignal' | 'killTimeoutMs'> {
  const killSignalValue = evalAttr(body, 'kill_signal', jobspec);
  const killSignal = typeof killSignalValue === 'string' && killSignalValue !== '' ? killSignalValue.toUpperCase() : 'SIGINT';
  const killTimeoutRaw = evalAttr(body, 'kill_timeout', jobspec);
  const killTimeoutMs = killTimeoutRaw === undefined ? 5000 : durationMs(killTimeoutRaw);
  if (killTimeoutMs === undefined) return fail(`kill_timeout ${JSON.stringify(killTimeoutRaw)} is not a duration`, valueOf(body, 'kill_timeout', 'invalid-duration'));
  return { killSignal, killTimeoutMs: Math.min(killTimeoutMs, MAX_KILL_TIMEOUT_MS) };
}

function planLifecycle(body: Body, jobspec: Evaluator): TaskPlan['lifecycle'] {
  const lifecycle = blocksOf(body, 'lifecycle')[0]?.body;
  const hookValue = lifecycle ? evalAttr(lifecycle, 'hook', jobspec) : undefined;
  const hook: LifecycleHook = hookValue === 'prestart' || hookValue === 'poststart' || hookValue === 'poststop' ? hookValue : 'main';
  return { hook, sidecar: lifecycle ? evalAttr(lifecycle, 'sidecar', jobspec) === true : false };
}

/** The task dir layout, artifacts and templates (their destinations mapped to host paths in the alloc dir). */
function planTaskFiles(ctx: TaskContext, body: Body, env: Record<string, string>, where: string): Pick<TaskPlan, 'taskDir' | 'dirs' | 'artifacts' | 'templates'> {
  const { taskDir, dirs } = taskDirsOf(ctx.allocDir, ctx.sharedDir, ctx.task.name);
  const simple = (text: string): string => interpolateSimple(text, env, ctx.names);
  const fileCtx = { jobspec: ctx.jobspec, simple, taskDir, sharedDir: ctx.sharedDir, secretsDir: dirs.secrets, baseDir: ctx.baseDir, where };
  const artifacts = planArtifacts(body, fileCtx);
  const templates = planTemplates(body, fileCtx);
  // Templates or artifacts writing into secrets/: the launcher's tmpfs would hide them, so that task's
  // secrets live in a host dir outside the task root (the runner's folder), bound at /secrets (prepare.ts).
  const usesSecrets = [...artifacts, ...templates].some((item) => isInside(dirs.secrets, item.destination));
  if (usesSecrets) {
    const staged = stagedSecretsDirOf(ctx.allocDir, ctx.task.name);
    for (const item of [...artifacts, ...templates]) {
      if (isInside(dirs.secrets, item.destination)) item.destination = path.join(staged, path.relative(dirs.secrets, item.destination));
    }
    dirs.secrets = staged;
  }
  return { taskDir, dirs, artifacts, templates };
}
