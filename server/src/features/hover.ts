// Hover: what a block, attribute, value, capability, runtime variable or input variable means here, in
// Markdown written from the one schema (schema/*) and the runtime names (schema/runtime*).
import type { Hover, Position, Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Expr, Task } from '../model/types';
import { isKnown, type Value } from '../model/value';
import {
  CAPABILITY_NAMES,
  DEFAULT_ALLOW_CAPS,
  DYNAMIC_BODY,
  KNOWN_DRIVERS,
  SIGNALS,
  capabilityDoc,
  computeTaskCapabilities,
  driverSchema,
  lookupAttribute,
  lookupBlock,
  normalizeCapability,
} from '../schema';
import type { AttributeSchema } from '../schema/types';
import { COMMON_ATTRIBUTES, NODE_NAMES, NOMAD_VARIABLES, type RuntimeScope } from '../schema/runtime';
import { functionHover } from './functions';
import type { FeatureInput } from './featureInput';
import type { Feature } from '../feature';
import { documentHandler, runtimeScopeOf } from './featureInput';
import { attributeIn, bodyOfTask, dottedName, hitAt, literalText, type ModelHit } from './modelQuery';
import { templateHover } from './templateHelp';
import { commandLocationMarkdown } from '../checks/execCommand';
import { attributeMarkdown, blockMarkdown, docLink, whereOf } from './schemaDocs';

export function hover(input: FeatureInput, position: Position): Hover | null {
  const inTemplate = templateHover(input, position);
  if (inTemplate !== undefined) return inTemplate;
  const hit = hitAt(input.file, position);
  const markdown = (value: string, range: Range): Hover => ({ contents: { kind: 'markdown', value }, range });
  const driver = hit.task?.driverName;
  switch (hit.part) {
    case 'blockType': {
      const block = hit.block!;
      return markdown(blockHover(hit, block, driver), block.typeRange);
    }
    case 'label': {
      const text = labelHover(hit);
      return text ? markdown(text, hit.label!.range) : null;
    }
    case 'attributeName': {
      const attribute = hit.attribute!;
      const text = attributeHover(input, hit, attribute);
      return text ? markdown(text, attribute.nameRange) : null;
    }
    case 'value': {
      const found = valueHover(input, hit);
      return found ? markdown(found.text, found.range) : null;
    }
    default:
      return null;
  }
}

function blockHover(hit: ModelHit, block: Block, driver: string | undefined): string {
  const parentPath = hit.path.slice(0, -1);
  const type = hit.path[hit.path.length - 1];
  const schema = lookupBlock(hit.path, driver);
  const where = parentPath.length ? whereOf(parentPath, driver) : '';
  const inDynamic = parentPath[parentPath.length - 1] === 'dynamic';
  let text = schema
    ? blockMarkdown(type, schema, where)
    : inDynamic && type === 'content'
      ? '**`content`** — the body of each block that `dynamic` generates; `<label>.value` (or the `iterator` name) is the current element.'
      : `**\`${type}\`** — not a block Nomad knows here.`;
  if (block.dynamic) {
    text = `**\`dynamic "${block.dynamic.blockType}"\`** — generates one \`${block.dynamic.blockType}\` block per element of \`for_each\`, with the body of \`content\`.\n\n---\n\n${text}`;
  }
  if (type === 'task' && hit.task) text += '\n\n' + taskSummary(hit.task);
  return text;
}

function taskSummary(task: Task): string {
  const driver = task.driverName;
  if (!driver) return task.driver ? 'Driver: not known while editing.' : 'No `driver` set yet (required).';
  const known = KNOWN_DRIVERS.find((d) => d.value === driver);
  return `Driver: \`${driver}\`${known ? ` — ${known.doc}` : ''}`;
}

function labelHover(hit: ModelHit): string | undefined {
  const block = hit.block!;
  const index = block.labels.indexOf(hit.label!);
  const schema = lookupBlock(hit.path, hit.task?.driverName);
  const labelSchema = schema?.labels?.[index];
  if (!labelSchema) return undefined;
  let text = `**${labelSchema.name}** of \`${hit.path[hit.path.length - 1]}\`: \`${hit.label!.value}\`\n\n${labelSchema.doc}`;
  if (block.type === 'task' && hit.task) text += '\n\n' + taskSummary(hit.task);
  return text;
}

function attributeSchemaAt(hit: ModelHit, name: string): AttributeSchema | undefined {
  return lookupAttribute(hit.path, name, hit.task?.driverName);
}

function fallbackDocPath(hit: ModelHit): string | undefined {
  const block = lookupBlock(hit.path, hit.task?.driverName);
  if (hit.path[hit.path.length - 1] === 'config') return driverSchema(hit.task?.driverName)?.docPath ?? block?.docPath;
  return block?.docPath;
}

function attributeHover(input: FeatureInput, hit: ModelHit, attribute: Attribute): string | undefined {
  const dynamicSetting = hit.path[hit.path.length - 1] === 'dynamic' ? DYNAMIC_BODY.attributes[attribute.name] : undefined;
  if (dynamicSetting) return `**\`${attribute.name}\`** — attribute of \`dynamic\`\n\n${dynamicSetting.doc}`;
  const schema = attributeSchemaAt(hit, attribute.name);
  if (!schema || (!schema.doc && schema.type.kind === 'any')) return undefined;
  let text = attributeMarkdown(attribute.name, schema, whereOf(hit.path, hit.task?.driverName), fallbackDocPath(hit));
  if (schema.completion === 'capability' && hit.task && hit.path[hit.path.length - 1] === 'config') {
    text += '\n\n---\n\n' + capabilitySetMarkdown(input, hit.task);
  }
  if (attribute.name === 'driver' && hit.task?.driverName) text += '\n\n' + driverMarkdown(hit.task.driverName);
  const location = commandLocation(input, hit, attribute);
  if (location) text += '\n\n---\n\n' + location;
  return text;
}

/** For an exec task's `command`: where it comes from, and whether it exists on this machine. */
function commandLocation(input: FeatureInput, hit: ModelHit, attribute: Attribute): string | undefined {
  if (attribute.name !== 'command' || hit.task?.driverName !== 'exec' || hit.path[hit.path.length - 1] !== 'config') return undefined;
  if (hit.body !== hit.task.config?.body) return undefined;
  return commandLocationMarkdown(hit.task, input.settings, input.evaluator);
}

function stringList(value: Value): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

function code(names: readonly string[]): string {
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : '(none)';
}

/** The task's capability set worked out step by step, as reference section 3 computes it. */
export function capabilitySetMarkdown(input: FeatureInput, task: Task): string {
  const config = task.config;
  const capAddAttr = config ? attributeIn(config.body, 'cap_add') : undefined;
  const capDropAttr = config ? attributeIn(config.body, 'cap_drop') : undefined;
  const capAdd = capAddAttr ? stringList(input.evaluator.evaluate(capAddAttr.value)) : [];
  const capDrop = capDropAttr ? stringList(input.evaluator.evaluate(capDropAttr.value)) : [];
  const title = `**Capabilities of task \`${task.name || '(dynamic)'}\`**`;
  if (!capAdd || !capDrop) return `${title}\n\ncap_add or cap_drop is not known while editing, so the resulting set cannot be worked out.`;
  const userAttr = attributeIn(bodyOfTask(task), 'user');
  const userValue = userAttr ? input.evaluator.evaluate(userAttr.value) : '';
  const user = typeof userValue === 'string' ? userValue : undefined;
  const allowCaps = input.settings.allowCaps;
  const result = computeTaskCapabilities({ capAdd, capDrop, allowCaps, user });
  const lines = [title, ''];
  const allow = new Set(allowCaps.map(normalizeCapability));
  const allowAll = allow.has('all');
  lines.push(`allow_caps (${input.settings.origin.allowCaps}): ${allowAll ? '`all`' : code([...allow].sort())}`);
  if (!result.ok) {
    if (result.unknown.length) lines.push('', `Not capability names: ${code(result.unknown)} — the task fails to start.`);
    if (result.refused.length) lines.push('', `Refused by allow_caps: ${code(result.refused.map(normalizeCapability))} — the client fails the task at start.`);
    return lines.join('\n');
  }
  const base = DEFAULT_ALLOW_CAPS.filter((n) => allowAll || allow.has(n));
  const drops = capDrop.map(normalizeCapability);
  const adds = capAdd.map(normalizeCapability);
  lines.push('');
  lines.push(`1. Start from Nomad's default set within allow_caps: ${base.length} names`);
  lines.push(`2. Remove cap_drop: ${drops.length ? code(drops) : '(nothing)'}`);
  lines.push(`3. Add cap_add: ${adds.length ? code(adds) : '(nothing)'}`);
  lines.push('');
  if (result.legacyRoot) {
    lines.push(`The task runs as \`root\`: Nomad ignores the computed set and gives it a fixed list of ${result.capabilities.length} capabilities (every name up to \`audit_read\`).`);
    lines.push('');
  }
  lines.push(`**Result (${result.capabilities.length}):** ${code(result.capabilities)}`);
  return lines.join('\n');
}

function capabilityMarkdown(input: FeatureInput, raw: string, attribute: string): string {
  const name = normalizeCapability(raw);
  const allow = new Set(input.settings.allowCaps.map(normalizeCapability));
  if (name === 'all') {
    return attribute === 'cap_drop'
      ? '**`all`** in cap_drop: start from no capabilities at all; only cap_add entries remain.'
      : `**\`all\`** in ${attribute}: every capability the kernel supports. The client refuses it unless allow_caps contains \`all\`${allow.has('all') ? ' (it does)' : ' (it does not)'}.`;
  }
  const doc = capabilityDoc(name);
  if (!doc || !CAPABILITY_NAMES.has(name)) return `**\`${raw}\`** is not a Linux capability name Nomad knows.`;
  const inDefault = DEFAULT_ALLOW_CAPS.includes(name);
  const allowed = allow.has('all') || allow.has(name);
  const lines = [
    `**\`CAP_${name.toUpperCase()}\`** (\`${name}\`)`,
    '',
    doc,
    '',
    `- In Nomad's default set: ${inDefault ? 'yes — exec tasks have it unless dropped' : 'no'}`,
  ];
  if (attribute !== 'allow_caps') {
    lines.push(`- In allow_caps (${input.settings.origin.allowCaps}): ${allowed ? 'yes' : `no — ${attribute === 'cap_add' ? 'the client refuses it in cap_add' : 'tasks cannot ask for it'}`}`);
  }
  return lines.join('\n');
}

function driverMarkdown(name: string): string {
  const known = KNOWN_DRIVERS.find((d) => d.value === name);
  const schema = driverSchema(name);
  const lines = [`**Driver \`${name}\`**`, '', known ? known.doc : 'A task driver plugin this tool has no schema for; its `config` is not checked.'];
  if (schema) lines.push('', `Its \`config\` is checked against the ${name} driver's schema.`, '', docLink(schema.docPath));
  return lines.join('\n');
}

function valueHover(input: FeatureInput, hit: ModelHit): { text: string; range: Range } | undefined {
  const attribute = hit.attribute!;
  const exprs = hit.exprs;
  const innermost = exprs[exprs.length - 1];
  if (!innermost) return undefined;
  const schema = attributeSchemaAt(hit, attribute.name);
  // A reference: input variable, local value or a name the client provides.
  for (let i = exprs.length - 1; i >= 0; i--) {
    const expr = exprs[i];
    if (expr.kind === 'reference') {
      const text = referenceMarkdown(input, hit, expr);
      return text ? { text, range: expr.range } : undefined;
    }
    if (expr.kind === 'call') {
      const text = functionHover(expr.name);
      const onName = expr.nameRange.start.line === innermost.range.start.line && expr === innermost;
      if (text && onName) return { text, range: expr.nameRange };
    }
  }
  const location = commandLocation(input, hit, attribute);
  if (location) return { text: location, range: attribute.value.range };
  const literal = literalText(innermost);
  if (literal !== undefined && attribute.name === 'allow_caps') return { text: capabilityMarkdown(input, literal, 'allow_caps'), range: innermost.range };
  if (literal === undefined || !schema) return undefined;
  if (schema.completion === 'capability') return { text: capabilityMarkdown(input, literal, attribute.name), range: innermost.range };
  if (schema.completion === 'driver' || attribute.name === 'driver') return { text: driverMarkdown(literal), range: innermost.range };
  if (schema.completion === 'signal') {
    const signal = SIGNALS.find((s) => s.name === literal.trim().toUpperCase());
    return { text: signal ? `**\`${signal.name}\`**\n\n${signal.doc}` : `**\`${literal}\`** is not a signal name Nomad knows.`, range: innermost.range };
  }
  const value = schema.values?.find((v) => (schema.caseInsensitive ? v.value.toLowerCase() === literal.toLowerCase() : v.value === literal));
  if (value) {
    return { text: `**\`"${value.value}"\`** for \`${attribute.name}\`\n\n${value.doc}`, range: innermost.range };
  }
  return undefined;
}

function scopeFor(input: FeatureInput, hit: ModelHit): RuntimeScope | undefined {
  let task = hit.task;
  if (!task) {
    // Group-level places (services, network): use the group's first task.
    outer: for (const job of input.file.jobs) {
      for (const group of job.groups) {
        if (hit.blocks.includes(group.block) && group.tasks[0]) {
          task = group.tasks[0];
          break outer;
        }
      }
    }
  }
  return task ? runtimeScopeOf(input, task) : undefined;
}

function valueText(input: FeatureInput, expr: Expr): string | undefined {
  const value = input.evaluator.evaluate(expr);
  if (!isKnown(value)) return undefined;
  const text = JSON.stringify(value);
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}

function sourceOf(input: FeatureInput, range: Range, maxLines = 12): string {
  // Lines as the editor shows them, each ended by `\n` in the hover (a lone `\r` would not break it there).
  const lines = input.document.getText(range).split(/\r\n|\r|\n/);
  return (lines.length > maxLines ? [...lines.slice(0, maxLines), '…'] : lines).join('\n');
}

function referenceMarkdown(input: FeatureInput, hit: ModelHit, ref: Extract<Expr, { kind: 'reference' }>): string | undefined {
  const first = ref.path[0];
  if (ref.root === 'var' && first?.kind === 'attr') {
    const decl = input.file.variables.get(first.name);
    if (!decl) return `**\`var.${first.name}\`** — no \`variable "${first.name}"\` block declares it.`;
    const lines = [`**\`var.${first.name}\`** — input variable`, ''];
    if (decl.description) lines.push(decl.description, '');
    const facts: string[] = [];
    facts.push(`Type: \`${decl.type ? input.document.getText(decl.type.range) : 'any'}\``);
    facts.push(decl.default ? `Default: \`${sourceOf(input, decl.default.value.range, 1)}\`` : 'No default: must be set (-var, -var-file or NOMAD_VAR_' + first.name + ')');
    lines.push(facts.join(' · '));
    lines.push('', '```hcl', sourceOf(input, decl.block.range), '```');
    lines.push('', `Declared on line ${decl.block.range.start.line + 1}.`);
    return lines.join('\n');
  }
  if (ref.root === 'local' && first?.kind === 'attr') {
    const local = input.file.locals.get(first.name);
    if (!local) return `**\`local.${first.name}\`** — no \`locals\` block sets it.`;
    const lines = [`**\`local.${first.name}\`** — local value (line ${local.range.start.line + 1})`, '', '```hcl', sourceOf(input, local.range), '```'];
    const value = valueText(input, local.value);
    if (value !== undefined) lines.push('', `Value: \`${value}\``);
    return lines.join('\n');
  }
  const scope = scopeFor(input, hit);
  if (ref.root === 'env' && first?.kind === 'index') {
    const key = literalText(first.key);
    if (key === undefined) return '**`env[...]`** — a variable of the task\'s environment, looked up when the task starts.';
    const entry = scope?.describe(key);
    const lines = [`**\`env["${key}"]\`** — from the task's environment at start`, '', entry?.doc ?? 'Not set by Nomad or the job; it is only there if the client agent\'s own environment has it.'];
    if (entry?.value) lines.push('', `Inside this exec task: \`${entry.value}\``);
    return lines.join('\n');
  }
  const name = dottedName(ref);
  const described =
    scope?.describe(name) ??
    scope?.describe(ref.root) ??
    staticDescription(name) ??
    staticDescription(ref.root);
  if (!described) {
    if (!/^NOMAD_/.test(ref.root) || !scope) return undefined;
    const nearest = scope.nearest(ref.root);
    return `**\`\${${ref.root}}\`** — the client does not set this variable for task \`${scope.task.name}\`.${nearest ? ` Did you mean \`${nearest}\`?` : ''}`;
  }
  const lines = [`**\`\${${described.name}}\`** — ${described.name.includes('.') ? 'node name' : 'runtime variable'}, set by the Nomad client`, '', described.doc];
  if (described.value !== undefined) lines.push('', `Inside this exec task: \`${described.value}\``);
  return lines.join('\n');
}

function staticDescription(name: string): { name: string; doc: string; value?: string } | undefined {
  const variable = NOMAD_VARIABLES.find((v) => v.name === name);
  if (variable) return { name, doc: variable.doc, value: variable.execValue };
  return NODE_NAMES.find((n) => n.name === name) ?? COMMON_ATTRIBUTES.find((n) => n.name === name);
}

export const hoverFeature: Feature = {
  name: 'hover',
  capabilities: () => ({ hoverProvider: true }),
  register(ctx) {
    ctx.connection.onHover(
      documentHandler(ctx, 'hover', null as Hover | null, (input, params: { textDocument: { uri: string }; position: Position }) => hover(input, params.position)),
    );
  },
};
