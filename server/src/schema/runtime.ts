// What a task can name at start: the environment Nomad builds for it (NOMAD_* variables, one family per port
// label and per meta key, the task's `env`, template env files, the executor's USER/LOGNAME/HOME, the agent's
// PATH) and the node names (`node.*`, `attr.*`, `meta.*`). Checks, hover, completion and the local runner all
// ask runtimeScopeFor(task, file) instead of knowing these rules themselves. The data lives in runtimeNames.ts.
import type { Body, Expr, Group, JobFile, Range, Task } from '../model/types';
import type { Evaluator } from '../model/eval';
import { nearestName } from './capabilities';
import {
  AGENT_VARIABLES,
  COMMON_ATTRIBUTES,
  CONFIG_FUNCTIONS,
  META_DOC,
  META_PREFIX,
  NODE_NAMES,
  NOMAD_VARIABLES,
  OTHER_TASK_PORT_FAMILIES,
  PORT_FAMILIES,
  UPSTREAM_FAMILIES,
  USER_VARIABLES,
  WORKLOAD_TOKEN_PREFIX,
  cleanEnvName,
  type RuntimeCondition,
} from './runtimeNames';
import { findAttribute, findBlocks, groupBody, knownString, knownStringList, mapEntries, taskBody } from './runtimeQuery';
import { specimen } from '../specimens';

export * from './runtimeNames';

export type ScopeNameKind =
  | 'nomad' // a fixed NOMAD_* (or VAULT_*) variable
  | 'port' // one of the per-port-label families
  | 'upstream' // a Consul Connect upstream
  | 'meta' // NOMAD_META_<key>
  | 'token' // NOMAD_TOKEN_<identity>
  | 'taskEnv' // the task's `env` block
  | 'templateEnv' // a template with `env = true`
  | 'user' // USER, LOGNAME, HOME from the executor
  | 'agentEnv'; // inherited from the agent's environment

/** One environment variable the task has at start. */
export interface ScopeName {
  name: string;
  kind: ScopeNameKind;
  /** Markdown, our own words. */
  doc: string;
  /** The value inside an exec task when it is known before the task runs (`/local`, a static port, a name). */
  value?: string;
  /** For `env` and `meta` entries: the expression giving the value (the runner evaluates it). */
  expr?: Expr;
  /** Where the name is declared in the file (port label, meta key, env key, identity block). */
  declaredAt?: Range;
}

export interface PortLabel {
  label: string;
  range: Range;
  /** Task name when the port comes from a task-level `resources { network { ... } }` (older form). */
  task?: string;
  /** `static` when known. */
  static?: number;
  /** `to` when known. */
  to?: number;
}

/** A node name usable in driver config interpolation: `node.unique.id`, `attr.kernel.name`, `meta.rack`. */
export interface NodeNameDoc {
  name: string;
  doc: string;
}

export interface RuntimeScope {
  task: Task;
  /** Every environment variable known to exist at task start, by name (top-level names in `config`). */
  env: ReadonlyMap<string, ScopeName>;
  /** Port labels of the group network (and of task-level networks). */
  ports: readonly PortLabel[];
  /** Meta keys of job, group and task, and the keys a dispatch may add (`meta_required`, `meta_optional`). */
  metaKeys: readonly string[];
  /** Destination names of the group's Connect upstreams. */
  upstreams: readonly string[];
  /**
   * Why some environment names cannot all be listed while editing, if so: e.g. a template with `env = true`
   * whose keys are computed, a `dynamic "port"` block, `meta = var.meta` of unknown value. When this is
   * non-empty, an unlisted name may still exist and must not be reported.
   */
  open: { env: boolean; ports: boolean; meta: boolean; upstreams: boolean; reasons: string[] };
  /** `node.*` names with docs (fixed), plus common `attr.*` names (any `attr.*` and `meta.*` is accepted). */
  nodeNames: readonly NodeNameDoc[];
  /** Functions accepted in a client-side `config` interpolation. */
  functions: typeof CONFIG_FUNCTIONS;
  /** True when `name` (a top-level name or a dotted env name) is an environment variable the task has. */
  hasEnv(name: string): boolean;
  /** True when the name might exist: listed, or in a family whose members cannot all be listed. */
  mayHaveEnv(name: string): boolean;
  /** Documentation for a reference such as `NOMAD_TASK_DIR`, `node.unique.id`, `attr.cpu.arch`, `meta.rack`. */
  describe(name: string): { name: string; doc: string; value?: string } | undefined;
  /** The nearest known name to a misspelled one (env names, node names, common attrs), when plausible. */
  nearest(name: string): string | undefined;
}

export interface RuntimeScopeOptions {
  /** Used to read values that come from variables (e.g. `meta = var.meta`, `cores = var.cores`). */
  evaluator?: Evaluator;
}

const TASK_DIR_NAMES = new Set(['NOMAD_ALLOC_DIR', 'NOMAD_TASK_DIR', 'NOMAD_SECRETS_DIR', 'NOMAD_UNIX_ADDR']);

/**
 * Documentation for a runtime name without a task at hand (hover over a name in any file): the fixed
 * variables, the per-label families (`NOMAD_PORT_http`), meta, upstreams, node names and config functions.
 */
export function runtimeNameDoc(name: string): { name: string; doc: string; pattern?: string; execValue?: string } | undefined {
  const fixed = [...NOMAD_VARIABLES, ...USER_VARIABLES, ...AGENT_VARIABLES].find((v) => v.name === name);
  if (fixed) return { name, doc: fixed.doc, execValue: fixed.execValue };
  if (name.startsWith(META_PREFIX)) return { name, doc: META_DOC, pattern: 'NOMAD_META_<key>' };
  if (name.startsWith(WORKLOAD_TOKEN_PREFIX)) return { name, doc: 'The token of a named workload identity with `env = true`.', pattern: 'NOMAD_TOKEN_<identity>' };
  // The longest prefix wins: NOMAD_HOST_PORT_ before NOMAD_PORT_... (they do not overlap) and ALLOC_PORT.
  const families = [...UPSTREAM_FAMILIES, ...PORT_FAMILIES].filter((f) => name.startsWith(f.prefix) && name.length > f.prefix.length);
  families.sort((a, b) => b.prefix.length - a.prefix.length);
  if (families[0]) return { name, doc: families[0].doc, pattern: families[0].pattern };
  const node = [...NODE_NAMES, ...COMMON_ATTRIBUTES].find((n) => n.name === name);
  if (node) return { name, doc: node.doc };
  if (name.startsWith('attr.') || name.startsWith('node.attr.')) return { name, doc: 'A node attribute fingerprinted by the client (or set by a plugin).' };
  if (name.startsWith('meta.') || name.startsWith('node.meta.')) return { name, doc: 'A `meta` value of the client node (from its agent config).' };
  const fn = CONFIG_FUNCTIONS.find((f) => f.name === name);
  if (fn) return { name, doc: `\`${fn.signature}\`: ${fn.doc}` };
  return undefined;
}

/** The names available to `task` when it starts on a client, computed from the file alone. */
export function runtimeScopeFor(task: Task, file: JobFile, options: RuntimeScopeOptions = {}): RuntimeScope {
  // The file is part of the key because variables and locals (file-level) feed values; the evaluator built
  // from that file carries them. Every build of the model is a new JobFile, so a scope is shared by the
  // checks and features of one analysis (each used to build its own) and never outlives it. Scopes are
  // never mutated by their users.
  const evaluator = options.evaluator;
  const known = scopes.get(task);
  if (known && known.file === file && known.evaluator === evaluator) return known.scope;
  const scope = new ScopeBuilder(task, evaluator).build();
  scopes.set(task, { file, evaluator, scope });
  return scope;
}

const scopes = new WeakMap<Task, { file: JobFile; evaluator: Evaluator | undefined; scope: RuntimeScope }>();

/**
 * The job-level attributes behind NOMAD_* values, with the value a task gets when one is not written
 * (undefined: the job's id). Every task's scope reads them, so per-group checks depend on them
 * (checks/memo.ts keeps them in the job token).
 */
export const JOB_VALUE_ATTRIBUTES: readonly { env: string; attribute: string; fallback?: string }[] = [
  { env: 'NOMAD_JOB_NAME', attribute: 'name' },
  { env: 'NOMAD_REGION', attribute: 'region', fallback: 'global' },
  { env: 'NOMAD_NAMESPACE', attribute: 'namespace', fallback: 'default' },
];

/**
 * Names every task has at start whatever its file says: the unconditional NOMAD_* variables, the user's and
 * the agent's. `runtimeScopeFor(task).hasEnv(name)` is true for each of them in every scope, so a check can
 * settle them without building a scope.
 */
export const ALWAYS_IN_ENV: ReadonlySet<string> = new Set([
  ...NOMAD_VARIABLES.filter((v) => v.when === undefined).map((v) => v.name),
  ...USER_VARIABLES.map((v) => v.name),
  ...AGENT_VARIABLES.map((v) => v.name),
]);

/** For things written at group level (services, network): a name is known when some task of the group has it. */
export function runtimeScopesForGroup(group: Group, file: JobFile, options: RuntimeScopeOptions = {}): RuntimeScope[] {
  return group.tasks.map((task) => runtimeScopeFor(task, file, options));
}

/**
 * Each NOMAD_* variable's entry when its value is the fixed one (`execValue`, or none): shared by every scope
 * (never mutated), as addNomadVariables would make it.
 */
const FIXED_NOMAD_NAMES: ReadonlyMap<string, ScopeName> = new Map(
  NOMAD_VARIABLES.map((v): [string, ScopeName] => [v.name, { name: v.name, kind: 'nomad', doc: v.doc, value: v.execValue }]),
);
const USER_NAMES: readonly ScopeName[] = USER_VARIABLES.map((v) => ({ name: v.name, kind: 'user', doc: v.doc }));
const AGENT_NAMES: readonly ScopeName[] = AGENT_VARIABLES.map((v) => ({ name: v.name, kind: 'agentEnv', doc: v.doc }));

class ScopeBuilder {
  private readonly env = new Map<string, ScopeName>();
  private readonly ports: PortLabel[] = [];
  private readonly metaKeys: string[] = [];
  private readonly upstreams: string[] = [];
  private readonly open = { env: false, ports: false, meta: false, upstreams: false, reasons: [] as string[] };
  private readonly group: Group;

  constructor(
    private readonly task: Task,
    private readonly evaluator?: Evaluator,
  ) {
    specimen(this);
    this.group = task.group;
  }

  build(): RuntimeScope {
    this.addNomadVariables();
    this.addPorts();
    this.addUpstreams();
    this.addMeta();
    this.addTokens();
    for (const name of USER_NAMES) this.add(name);
    for (const name of AGENT_NAMES) this.add(name);
    this.addTaskEnv();
    this.addTemplateEnv();
    return makeScope(this.task, this.env, this.ports, this.metaKeys, this.upstreams, this.open);
  }

  private add(name: ScopeName): void {
    if (!this.env.has(name.name)) this.env.set(name.name, name);
  }

  /** Later sources win for values (task env over agent env), as on the client. */
  private set(name: ScopeName): void {
    this.env.set(name.name, name);
  }

  private markOpen(kind: 'env' | 'ports' | 'meta' | 'upstreams', reason: string): void {
    this.open[kind] = true;
    this.open.reasons.push(reason);
  }

  private holds(condition: RuntimeCondition | undefined): boolean {
    if (!condition) return true;
    const resources = findBlocks(taskBody(this.task), 'resources')[0]?.body;
    switch (condition) {
      case 'cores':
        return findAttribute(resources, 'cores') !== undefined;
      case 'memoryMax': {
        const attribute = findAttribute(resources, 'memory_max');
        if (!attribute) return false;
        return knownString(attribute.value, this.evaluator) !== '0';
      }
      case 'parentJob': {
        const job = this.group.job.block.body;
        return findBlocks(job, 'periodic').length > 0 || findBlocks(job, 'parameterized').length > 0;
      }
      case 'vault':
      case 'vaultNamespace': {
        const vault = this.vaultBlock();
        if (!vault) return false;
        if (knownString(findAttribute(vault, 'env')?.value, this.evaluator) === 'false') return false;
        return condition === 'vault' || findAttribute(vault, 'namespace') !== undefined;
      }
      case 'identityEnv':
        return this.identities().some((identity) => identity.name === undefined && identity.env);
      case 'consul':
        return [taskBody(this.task), this.group.implicit ? undefined : groupBody(this.group), this.group.job.block.body].some((body) => findBlocks(body, 'consul').length > 0);
    }
  }

  /** The vault block that applies: the task's, else the group's, else the job's. */
  private vaultBlock() {
    for (const body of [taskBody(this.task), this.group.implicit ? undefined : groupBody(this.group), this.group.job.block.body]) {
      const found = findBlocks(body, 'vault')[0];
      if (found) return found.body;
    }
    return undefined;
  }

  private identities(): Array<{ name?: string; env: boolean; range: Range }> {
    return findBlocks(taskBody(this.task), 'identity').map((found) => {
      const name = found.block.labels[0]?.value ?? knownString(findAttribute(found.body, 'name')?.value, this.evaluator);
      const env = knownString(findAttribute(found.body, 'env')?.value, this.evaluator);
      return { name: name === 'default' ? undefined : name, env: env === 'true' || (found.dynamic && env !== 'false'), range: found.block.typeRange };
    });
  }

  private addNomadVariables(): void {
    const known = this.knownValues();
    for (const v of NOMAD_VARIABLES) {
      if (!this.holds(v.when)) continue;
      const value = TASK_DIR_NAMES.has(v.name) ? v.execValue : v.execValue ?? known.get(v.name);
      // Most have the same entry in every task (made once); only values read from the file differ.
      this.add(value === v.execValue ? FIXED_NOMAD_NAMES.get(v.name)! : { name: v.name, kind: 'nomad', doc: v.doc, value });
    }
  }

  /** Values that follow from the file: names, region, namespace, resources. */
  private knownValues(): Map<string, string> {
    const values = new Map<string, string>();
    const job = this.group.job;
    values.set('NOMAD_TASK_NAME', this.task.name);
    values.set('NOMAD_GROUP_NAME', this.group.name);
    values.set('NOMAD_JOB_ID', job.name);
    for (const { env, attribute, fallback } of JOB_VALUE_ATTRIBUTES) {
      values.set(env, knownString(findAttribute(job.block.body, attribute)?.value, this.evaluator) ?? fallback ?? job.name);
    }
    const resources = findBlocks(taskBody(this.task), 'resources')[0]?.body;
    const cpu = findAttribute(resources, 'cpu');
    const cpuValue = cpu ? knownString(cpu.value, this.evaluator) : '100';
    if (cpuValue !== undefined && !findAttribute(resources, 'cores')) values.set('NOMAD_CPU_LIMIT', cpuValue);
    const memory = findAttribute(resources, 'memory');
    const memoryValue = memory ? knownString(memory.value, this.evaluator) : '300';
    if (memoryValue !== undefined) values.set('NOMAD_MEMORY_LIMIT', memoryValue);
    const memoryMax = knownString(findAttribute(resources, 'memory_max')?.value, this.evaluator);
    if (memoryMax !== undefined) values.set('NOMAD_MEMORY_MAX_LIMIT', memoryMax);
    const vault = this.vaultBlock();
    const namespace = knownString(findAttribute(vault, 'namespace')?.value, this.evaluator);
    if (namespace !== undefined) values.set('VAULT_NAMESPACE', namespace);
    return values;
  }

  private addPorts(): void {
    // The group network's ports, then the older form: ports in a task's `resources { network { ... } }`,
    // which other tasks see by task name. Both are the same for every task of the group (read once).
    const { ports, open } = groupPorts(this.group, this.evaluator);
    for (const reason of open) this.markOpen('ports', reason);
    for (const port of ports) {
      this.ports.push(port);
      for (const name of portNames(port, port.task === undefined || port.task === this.task.name)) this.add(name);
    }
  }

  private addUpstreams(): void {
    if (this.group.implicit) return;
    for (const service of findBlocks(groupBody(this.group), 'service')) {
      for (const connect of findBlocks(service.body, 'connect')) {
        for (const sidecar of findBlocks(connect.body, 'sidecar_service')) {
          for (const proxy of findBlocks(sidecar.body, 'proxy')) {
            for (const upstream of findBlocks(proxy.body, 'upstreams')) {
              const name = knownString(findAttribute(upstream.body, 'destination_name')?.value, this.evaluator);
              if (upstream.dynamic || name === undefined) {
                this.markOpen('upstreams', 'an upstream name is not known while editing');
                continue;
              }
              this.upstreams.push(name);
              const port = knownString(findAttribute(upstream.body, 'local_bind_port')?.value, this.evaluator);
              for (const family of UPSTREAM_FAMILIES) {
                const value = family.prefix.endsWith('IP_') ? '127.0.0.1' : family.prefix.endsWith('PORT_') ? port : port && `127.0.0.1:${port}`;
                for (const n of variants(family.prefix + name)) this.add({ name: n, kind: 'upstream', doc: family.doc, value, declaredAt: upstream.block.typeRange });
              }
            }
          }
        }
      }
    }
  }

  private addMeta(): void {
    const job = this.group.job.block.body;
    const bodies = [job, this.group.implicit ? undefined : groupBody(this.group), taskBody(this.task)];
    // Job first, task last: a later entry overrides the value of an earlier key.
    for (const body of bodies) {
      const meta = mapEntries(body, 'meta', this.evaluator);
      if (meta.open) this.markOpen('meta', 'some meta keys are not known while editing');
      for (const entry of meta.entries) {
        if (!this.metaKeys.includes(entry.key)) this.metaKeys.push(entry.key);
        const value = knownString(entry.value, this.evaluator);
        for (const name of metaNames(entry.key)) this.set({ name, kind: 'meta', doc: META_DOC, value, expr: entry.value, declaredAt: entry.keyRange });
      }
    }
    // A parameterized job's dispatch adds the keys it requires or allows.
    for (const parameterized of findBlocks(job, 'parameterized')) {
      for (const attribute of ['meta_required', 'meta_optional']) {
        const found = findAttribute(parameterized.body, attribute);
        if (!found) continue;
        const list = knownStringList(found.value, this.evaluator);
        if (list.open) this.markOpen('meta', `${attribute} is not known while editing`);
        for (const key of list.items) {
          if (!this.metaKeys.includes(key)) this.metaKeys.push(key);
          for (const name of metaNames(key)) this.add({ name, kind: 'meta', doc: `${META_DOC} Given when the job is dispatched.`, declaredAt: found.nameRange });
        }
      }
    }
  }

  private addTokens(): void {
    for (const identity of this.identities()) {
      if (identity.name === undefined || !identity.env) continue;
      this.add({ name: WORKLOAD_TOKEN_PREFIX + identity.name, kind: 'token', doc: `The token of the workload identity "${identity.name}" (its \`env = true\`).`, declaredAt: identity.range });
    }
  }

  private addTaskEnv(): void {
    // Device plugins add their own variables (e.g. which GPUs are visible); their names are the plugin's.
    const resources = findBlocks(taskBody(this.task), 'resources');
    if (resources.some((r) => findBlocks(r.body, 'device').length > 0)) this.markOpen('env', 'a device plugin adds variables of its own');
    const env = mapEntries(taskBody(this.task), 'env', this.evaluator);
    if (env.open) this.markOpen('env', 'the task env block has keys not known while editing');
    for (const entry of env.entries) {
      this.set({ name: entry.key, kind: 'taskEnv', doc: 'Set by the task\'s `env` block.', value: knownString(entry.value, this.evaluator), expr: entry.value, declaredAt: entry.keyRange });
    }
  }

  /** Templates with `env = true` are read as KEY=value files; their keys join the environment. */
  private addTemplateEnv(): void {
    for (const template of findBlocks(taskBody(this.task), 'template')) {
      const envFlag = findAttribute(template.body, 'env');
      if (!envFlag) continue;
      const flag = knownString(envFlag.value, this.evaluator);
      if (flag === 'false') continue;
      const data = findAttribute(template.body, 'data');
      const keys = data ? envFileKeys(data.value) : undefined;
      if (template.dynamic || !keys) {
        this.markOpen('env', 'a template with env = true sets names that cannot be listed while editing');
        continue;
      }
      for (const key of keys) {
        this.set({ name: key, kind: 'templateEnv', doc: 'Set by a template with `env = true`.', declaredAt: data!.nameRange });
      }
    }
  }
}

/** The port labels declared in a network body, added to `ports`; why some cannot be listed, added to `open`. */
function collectPorts(body: Body | undefined, task: string | undefined, evaluator: Evaluator | undefined, ports: PortLabel[], open: string[]): void {
  for (const port of findBlocks(body, 'port')) {
    const label = port.block.labels[0];
    if (port.dynamic || !label) {
      open.push('a port is declared by a dynamic block');
      continue;
    }
    const number = (name: string): number | undefined => {
      const text = knownString(findAttribute(port.body, name)?.value, evaluator);
      const parsed = text === undefined ? NaN : Number(text);
      return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
    };
    ports.push({ label: label.value, range: label.range, task, static: number('static'), to: number('to') });
  }
}

interface GroupPorts {
  evaluator: Evaluator | undefined;
  ports: readonly PortLabel[];
  open: readonly string[];
}

/**
 * The ports every task of a group sees: its network's, then its tasks' older `resources { network { ... } }`
 * ones. Read once per group and evaluator: every task's scope lists all of them, and reading them for each
 * task made a group of 2,000 tasks cost four million lookups (over half a second to check). Model objects are
 * never mutated (an edit makes a new Group), so the group is the key.
 */
const portsOfGroups = new WeakMap<Group, GroupPorts>();

function groupPorts(group: Group, evaluator: Evaluator | undefined): GroupPorts {
  const known = portsOfGroups.get(group);
  if (known && known.evaluator === evaluator) return known;
  const ports: PortLabel[] = [];
  const open: string[] = [];
  for (const network of group.implicit ? [] : findBlocks(groupBody(group), 'network')) {
    if (network.dynamic) open.push('the group network is a dynamic block');
    collectPorts(network.body, undefined, evaluator, ports, open);
  }
  for (const task of group.tasks) {
    for (const resources of findBlocks(taskBody(task), 'resources')) {
      for (const network of findBlocks(resources.body, 'network')) {
        if (network.dynamic) open.push(`task "${task.name}" has a dynamic network block`);
        collectPorts(network.body, task.name, evaluator, ports, open);
      }
    }
  }
  const found = { evaluator, ports, open };
  portsOfGroups.set(group, found);
  return found;
}

/** Per port: its environment names for the task that declares it (or any, for the group's), and for the others. */
const namesOfPorts = new WeakMap<PortLabel, { own?: readonly ScopeName[]; other?: readonly ScopeName[] }>();

/** The environment names a port gives a task (`own`: the group's port or the task's own), made once per port. */
function portNames(port: PortLabel, own: boolean): readonly ScopeName[] {
  let known = namesOfPorts.get(port);
  if (!known) namesOfPorts.set(port, (known = {}));
  const cached = own ? known.own : known.other;
  if (cached) return cached;
  const names: ScopeName[] = [];
  for (const family of own ? PORT_FAMILIES : OTHER_TASK_PORT_FAMILIES) {
    const label = own ? port.label : `${port.task}_${port.label}`;
    const value = family.prefix === 'NOMAD_PORT_' || family.prefix === 'NOMAD_ALLOC_PORT_' ? port.to ?? port.static : family.prefix === 'NOMAD_HOST_PORT_' ? port.static : undefined;
    for (const name of variants(family.prefix + label)) {
      names.push({ name, kind: 'port', doc: family.doc, value: value === undefined ? undefined : String(value), declaredAt: port.range });
    }
  }
  if (own) known.own = names;
  else known.other = names;
  return names;
}

/** The names Nomad gives a meta key: as written and upper-cased, each also with invalid characters cleaned. */
function metaNames(key: string): string[] {
  return [...new Set([...variants(META_PREFIX + key), ...variants(META_PREFIX + key.toUpperCase())])];
}

/** A name as written and as Nomad cleans it (dashes and other characters to `_`, dots too for safety). */
function variants(name: string): string[] {
  return [...new Set([name, cleanEnvName(name), name.replace(/[^A-Za-z0-9_]/g, '_')])];
}

/**
 * The keys of a template rendered as an env file, when they can be read from its `data`: lines
 * `KEY=value` (an optional `export ` is allowed). A key produced by a template action makes the set open.
 */
export function envFileKeys(data: Expr): string[] | undefined {
  if (data.kind !== 'template') return undefined;
  let text = '';
  for (const part of data.parts) {
    if (part.kind === 'literal') text += part.text;
    else if (part.kind === 'interpolation') text += 'X'; // a value filled in at submission
    else return undefined;
  }
  const keys: string[] = [];
  for (const raw of text.split('\n')) {
    // Drop control actions that print nothing ({{ with ... }}, {{- range ... }}, {{ end }}, comments); any
    // other action at the start of a line prints text there, so the key itself is computed.
    const line = raw.replace(CONTROL_ACTIONS, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('{{')) return undefined;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (match) keys.push(match[1]);
  }
  return keys;
}

const CONTROL_ACTIONS = /^\s*(?:\{\{-?\s*(?:(?:with|range|if|else|end|define|block)\b|\/\*)[^}]*\}\}\s*)*/;

const NODE_AND_ATTRIBUTE_NAMES: readonly NodeNameDoc[] = [...NODE_NAMES, ...COMMON_ATTRIBUTES];
const NODE_AND_ATTRIBUTE_NAME_LIST: readonly string[] = NODE_AND_ATTRIBUTE_NAMES.map((n) => n.name);

function makeScope(
  task: Task,
  env: Map<string, ScopeName>,
  ports: PortLabel[],
  metaKeys: string[],
  upstreams: string[],
  open: RuntimeScope['open'],
): RuntimeScope {
  const nodeNames = NODE_AND_ATTRIBUTE_NAMES;
  const hasEnv = (name: string): boolean => env.has(name);
  const familyOpen = (name: string): boolean => {
    if (open.env) return true;
    if (open.ports && PORT_FAMILIES.some((f) => name.startsWith(f.prefix))) return true;
    if (open.meta && name.startsWith(META_PREFIX)) return true;
    if (open.upstreams && name.startsWith('NOMAD_UPSTREAM_')) return true;
    return false;
  };
  return {
    task,
    env,
    ports,
    metaKeys,
    upstreams,
    open,
    nodeNames,
    functions: CONFIG_FUNCTIONS,
    hasEnv,
    mayHaveEnv: (name) => hasEnv(name) || familyOpen(name),
    describe(name) {
      const entry = env.get(name);
      if (entry) return { name, doc: entry.doc, value: entry.value };
      if (name.includes('.')) return runtimeNameDoc(name);
      return undefined;
    },
    nearest(name) {
      const candidates = name.includes('.') ? NODE_AND_ATTRIBUTE_NAME_LIST : [...env.keys()];
      return nearestName(name, candidates);
    },
  };
}
