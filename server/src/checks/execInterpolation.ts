// Interpolation names, checked against what a task really has when it starts (issue 7, part 2).
//
// Two evaluations happen to a job file. At submission HCL evaluates `var.*`, `local.*` and functions, and
// keeps any other `${...}` as literal text. On the client, an exec task's `config` is evaluated again as
// HCL2 with every environment variable as a top-level name plus `node.*`, `attr.*`, `meta.*` and `env[...]`:
// an unknown name there fails the task, so it is an error. Everywhere else the client only substitutes
// simple `${name}` forms and leaves unknown ones as text, so an unknown NOMAD_* name is a warning.
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Block, Expr, Group, Job, Task } from '../model/types';
import { groupBody, iteratorName, taskBody } from '../schema/runtimeQuery';
import type { Check, CheckContext } from './check';
import { ALWAYS_IN_ENV, CONFIG_FUNCTION_NAMES, META_PREFIX, NODE_NAMES, PORT_FAMILIES, runtimeScopeFor, type RuntimeScope } from '../schema/runtime';
import { nearestName } from '../schema/capabilities';
import { SUBMISSION_ROOTS, directReferences, dottedName, walkExpr, withNames, type ReferenceExpr } from '../model/exprWalk';
import { walkBody } from './jobWalk';
import { FindingMemo, fileTokenOf, jobSettings } from './memo';

const NO_NAMES: ReadonlySet<string> = new Set();

export const execInterpolationCheck: Check = {
  name: 'exec-interpolation',
  run(ctx) {
    for (const job of ctx.file.jobs) checkJob(ctx, job);
  },
  // A task's runtime scope depends on its group and on what the job token covers (memo.ts).
  groups(ctx, job) {
    const scopeOf = scopesOf(ctx);
    return (ctx, group) => checkGroup(ctx, job, group, scopeOf);
  },
};

/**
 * Each task's runtime scope, built when first asked for (runtimeScopeFor shares it with the other checks of
 * the run). Most names a task uses (`NOMAD_TASK_DIR`, `NOMAD_ALLOC_INDEX`...) are settled without one.
 */
function scopesOf(ctx: CheckContext): (task: Task) => RuntimeScope {
  return (task) => runtimeScopeFor(task, ctx.file, { evaluator: ctx.evaluator });
}

/** The job's own settings (meta, constraints, ...); its groups are checked apart (see `groups` above). */
function checkJob(ctx: CheckContext, job: Job): void {
  const scopeOf = scopesOf(ctx);
  const allScopes = (): RuntimeScope[] => job.groups.flatMap((g) => g.tasks).map(scopeOf);

  // Job-level settings (meta, constraints, ...): a name is fine when some task has it. The body without its
  // groups (a 1 MB job has a thousand): they are skipped below anyway.
  walkBody(jobSettings(job), NO_NAMES, {
    enterBlock: (block) => !isBlockOf(block, 'group') && !isBlockOf(block, 'task'),
    // Every task's scope is built only when a NOMAD_* name here needs it (a job holds hundreds of tasks).
    attribute: (attribute, bound) => lenient(ctx, attribute.value, bound, allScopes),
  });
}

function checkGroup(ctx: CheckContext, job: Job, group: Group, scopeOf: (task: Task) => RuntimeScope): void {
  const groupNames = group.dynamic ? withNames(NO_NAMES, [iteratorName(group.block)]) : NO_NAMES;
  if (!group.implicit) {
    walkBody(groupBody(group), groupNames, {
      enterBlock: (block) => !isBlockOf(block, 'task'),
      attribute: (attribute, bound) => lenient(ctx, attribute.value, bound, () => group.tasks.map(scopeOf)),
    });
  }
  // Per task when the group remembers its blocks (groupMemo.ts): a task's scope reads its group and job, so
  // the result holds for the same group and job blocks only. That still lets a check of two thousand tasks
  // stop between two of them (pause.ts) and go on.
  const context = ctx.incremental && [fileTokenOf(ctx), job.block, group.block];
  for (const task of group.tasks) {
    const names = task.dynamic ? withNames(groupNames, [iteratorName(task.block)]) : groupNames;
    if (context) memo.run(ctx, task.block, context, (inner) => checkTask(inner, task, names, () => scopeOf(task)));
    else checkTask(ctx, task, names, () => scopeOf(task));
  }
}

const memo = new FindingMemo();

/** A block of that type, or a `dynamic` block generating it. */
function isBlockOf(block: Block, type: string): boolean {
  return block.type === type || (block.type === 'dynamic' && (block.dynamic?.blockType ?? block.labels[0]?.value) === type);
}

function checkTask(ctx: CheckContext, task: Task, taskNames: ReadonlySet<string>, scope: () => RuntimeScope): void {
  const strictConfig = task.driverName === 'exec' && task.config !== undefined;
  walkBody(taskBody(task), taskNames, {
    enterBlock: (block: Block, parents) => !(strictConfig && parents.length === 0 && (block === task.config || block.type === 'config')),
    attribute: (attribute, bound, parents) => {
      // Template contents belong to consul-template; `${` there is for the shell or the program reading it.
      if (attribute.name === 'data' && parents.some((p) => p.type === 'template' || p.dynamic?.blockType === 'template')) return;
      lenient(ctx, attribute.value, bound, () => [scope()]);
    },
  });
  if (strictConfig && task.config) {
    walkBody(task.config.body, taskNames, {
      attribute: (attribute, bound) => strict(ctx, attribute.value, bound, scope),
    });
  }
}

/** Driver config: every runtime name must exist, and functions must be ones the client knows. */
function strict(ctx: CheckContext, expr: Expr, bound: ReadonlySet<string>, scope: () => RuntimeScope): void {
  walkExpr(expr, bound, {
    reference(ref, names) {
      if (names.has(ref.root) || SUBMISSION_ROOTS.has(ref.root) || ALWAYS_IN_ENV.has(ref.root)) return;
      const problem = strictProblem(ref, scope);
      if (!problem) return;
      ctx.report({
        range: ref.range,
        code: 'unknown-variable',
        message: `${problem.message} The client evaluates the exec config when the task starts and fails it ("failed to parse config").${problem.suggestion ? ` Did you mean \`${problem.suggestion}\`?` : ''}`,
        data: problem.suggestion ? { replacement: problem.suggestion } : undefined,
      });
    },
    call(call, names) {
      if (CONFIG_FUNCTION_NAMES.has(call.name)) return;
      // Only calls that involve runtime names are left to the client; others are evaluated at submission.
      const references = directReferences(call, names);
      if (!references.some((r) => !SUBMISSION_ROOTS.has(r.root))) return;
      const suggestion = nearestName(call.name, CONFIG_FUNCTION_NAMES);
      ctx.report({
        range: call.nameRange,
        code: 'unknown-variable',
        message: `The function \`${call.name}\` is not available when the client evaluates the exec config (it uses runtime names, so it is evaluated there). Available: ${[...CONFIG_FUNCTION_NAMES].join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        data: suggestion ? { replacement: suggestion } : undefined,
      });
    },
  });
}

interface Problem {
  message: string;
  suggestion?: string;
}

function strictProblem(ref: ReferenceExpr, scopeOf: () => RuntimeScope): Problem | undefined {
  const root = ref.root;
  if (root === 'attr' || root === 'meta') return undefined; // any node attribute or node meta key
  if (root === 'env') return undefined; // env["X"]: the agent environment cannot be listed here
  if (root === 'node') return nodeProblem(ref);
  const scope = scopeOf();
  const dotted = dottedName(ref);
  if (scope.mayHaveEnv(root) || scope.mayHaveEnv(dotted)) return undefined;
  return { message: unknownEnvMessage(root, scope), suggestion: suggestFor(root, scope) };
}

const NODE_NAME_SET = new Set(NODE_NAMES.map((n) => n.name));

function nodeProblem(ref: ReferenceExpr): Problem | undefined {
  const dotted = dottedName(ref);
  if (NODE_NAME_SET.has(dotted)) return undefined;
  if (dotted.startsWith('node.attr.') || dotted.startsWith('node.meta.')) return undefined;
  // A partial path (`node.unique`) is an object, not an error by itself; only a wrong step is.
  if (dotted === 'node' || dotted === 'node.unique') return undefined;
  const suggestion = nearestName(dotted, NODE_NAME_SET);
  return {
    message: `\`${dotted}\` is not a node name. Known: ${[...NODE_NAME_SET].join(', ')}, node.attr.*, node.meta.*.`,
    suggestion,
  };
}

function unknownEnvMessage(name: string, scope: RuntimeScope): string {
  const portFamily = PORT_FAMILIES.find((f) => name.startsWith(f.prefix));
  if (portFamily) {
    const label = name.slice(portFamily.prefix.length);
    const declared = scope.ports.filter((p) => p.task === undefined || p.task === scope.task.name).map((p) => p.label);
    return `\`${name}\` does not exist: no port labelled "${label}" is declared in the group network (${declared.length ? `declared: ${declared.join(', ')}` : 'none declared'}).`;
  }
  if (name.startsWith(META_PREFIX)) {
    const key = name.slice(META_PREFIX.length);
    return `\`${name}\` does not exist: no meta key "${key}" in the job, group or task (${scope.metaKeys.length ? `declared: ${scope.metaKeys.join(', ')}` : 'none declared'}).`;
  }
  return `\`${name}\` is not an environment variable of task "${scope.task.name}" at start (not a Nomad variable, nor in its env block).`;
}

/** The nearest known name, preferring the same family (a port variable for a port variable). */
function suggestFor(name: string, scope: RuntimeScope): string | undefined {
  const family = PORT_FAMILIES.find((f) => name.startsWith(f.prefix));
  if (family) {
    const labels = scope.ports.filter((p) => p.task === undefined || p.task === scope.task.name).map((p) => p.label);
    const label = nearestName(name.slice(family.prefix.length), labels) ?? (labels.length === 1 ? labels[0] : undefined);
    if (label !== undefined) return family.prefix + label;
  }
  if (name.startsWith(META_PREFIX)) {
    const key = nearestName(name.slice(META_PREFIX.length), scope.metaKeys);
    if (key !== undefined) return META_PREFIX + key;
  }
  return scope.nearest(name);
}

/** Outside driver config: only NOMAD_* names are checked, and an unknown one is left as text (a warning). */
function lenient(ctx: CheckContext, expr: Expr, bound: ReadonlySet<string>, scopesOf: RuntimeScope[] | (() => RuntimeScope[])): void {
  let scopes = typeof scopesOf === 'function' ? undefined : scopesOf;
  if (scopes && scopes.length === 0) return;
  walkExpr(expr, bound, {
    reference(ref, names) {
      // A name every task has: whatever the scopes, some has it (or there are none to judge by).
      if (names.has(ref.root) || !ref.root.startsWith('NOMAD_') || ALWAYS_IN_ENV.has(ref.root)) return;
      scopes ??= (scopesOf as () => RuntimeScope[])();
      // No task: nothing to judge the name against (as when there were no scopes to begin with).
      if (scopes.length === 0) return;
      const dotted = dottedName(ref);
      if (scopes.some((s) => s.mayHaveEnv(ref.root) || s.mayHaveEnv(dotted))) return;
      const scope = scopes[0];
      const suggestion = suggestFor(ref.root, scope);
      ctx.report({
        range: ref.range,
        code: 'unknown-variable',
        severity: DiagnosticSeverity.Warning,
        message: `${unknownEnvMessage(ref.root, scope)} Here Nomad leaves it as the literal text \`\${${ref.root}}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        data: suggestion ? { replacement: suggestion } : undefined,
      });
    },
  });
}
