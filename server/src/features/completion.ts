// Completion: block types and attributes valid at the cursor, values (drivers, enums, signals, booleans),
// capability names inside cap_add/cap_drop, and runtime names after `${`. The cursor context comes from
// the tolerant scanner (cursorContext.ts), so half-typed files still complete; names come from the schema.
import { templateCompletion } from './templateHelp';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import type { Block, JobFile, Task } from '../model/types';
import { referenceIndex } from '../references/index';
import { KIND_NAMES } from '../schema/references';
import type { ReferenceKind } from '../schema/types';
import { functionItems } from './functions';
import {
  CAPABILITIES,
  DEFAULT_ALLOW_CAPS,
  KNOWN_DRIVERS,
  SIGNALS,
  bodyOfBlock,
  configBodyFor,
  lookupAttribute,
  lookupBody,
  normalizeCapability,
} from '../schema';
import type { AttributeSchema, BlockSchema, BodySchema, ValueType } from '../schema/types';
import { COMMON_ATTRIBUTES, CONFIG_FUNCTIONS, NODE_NAMES, NOMAD_VARIABLES } from '../schema/runtime';
import { cursorContext, type CursorContext } from './cursorContext';
import type { FeatureInput } from './featureInput';
import type { Feature } from '../feature';
import { documentHandler, runtimeScopeOf } from './featureInput';
import { hitAt, touches, type ModelHit } from './modelQuery';
import { attributeDetail, attributeMarkdown, blockMarkdown, whereOf } from './schemaDocs';
import { treeText } from '../parser/lineEnds';

export interface CompletionOptions {
  /** The client accepts snippet syntax (`$1`, `${1|a,b|}`). */
  snippets: boolean;
}

interface Request {
  input: FeatureInput;
  ctx: CursorContext;
  range: Range;
  options: CompletionOptions;
  driver?: string;
  task?: Task;
}

export function completion(input: FeatureInput, position: Position, options: CompletionOptions): CompletionList {
  const inTemplate = templateCompletion(input, position);
  if (inTemplate) return inTemplate;
  // Read as tree-sitter reads it: a lone `\r` is a line end there too (lineEnds.treeText).
  const text = treeText(input.document.getText());
  const offset = input.document.offsetAt(position);
  const ctx = cursorContext(text, offset, input.tree);
  const range: Range = { start: input.document.positionAt(ctx.prefixStart), end: position };
  const hit = safeHit(input.file, position);
  const task = hit?.task ?? taskByName(input.file, ctx);
  const driver = task?.driverName ?? driverFromText(text, ctx);
  const seen = new Set([...ctx.seen, ...modelNames(hit, ctx, position)]);
  const request: Request = { input, ctx: { ...ctx, seen }, range, options, driver, task };
  let items: CompletionItem[] = [];
  switch (ctx.kind) {
    case 'body':
      items = bodyItems(request);
      break;
    case 'value':
    case 'string':
    case 'list':
      items = valueItems(request);
      break;
    case 'interpolation':
      items = interpolationItems(request);
      break;
    case 'label':
      items = dynamicLabelItems(request);
      break;
    default:
      items = [];
  }
  return { isIncomplete: false, items };
}

function safeHit(file: JobFile, position: Position): ModelHit | undefined {
  try {
    return hitAt(file, position, true);
  } catch {
    return undefined;
  }
}

/**
 * Names the job model has in the body at the cursor (the item at the cursor left out), when that body is
 * the one the scan found. The scan starts near the cursor, so earlier items are only known from here.
 */
function modelNames(hit: ModelHit | undefined, ctx: CursorContext, position: Position): string[] {
  if (!hit) return [];
  const path = hit.part === 'blockType' || hit.part === 'label' ? hit.path.slice(0, -1) : hit.path;
  if (path.length !== ctx.path.length || path.some((type, i) => type !== ctx.path[i])) return [];
  const names: string[] = [];
  for (const item of hit.body.items) {
    if (touches(item.range, position)) continue;
    names.push(item.kind === 'attribute' ? item.name : item.type);
  }
  return names;
}

/** The enclosing task found by the names of the scanned blocks, when the model's ranges end early (syntax errors). */
function taskByName(file: JobFile, ctx: CursorContext): Task | undefined {
  const label = (type: string) => ctx.blocks.find((b) => b.type === type)?.labels[0];
  const taskName = label('task');
  if (taskName === undefined) return undefined;
  const jobName = label('job');
  const groupName = label('group');
  for (const job of file.jobs) {
    if (jobName !== undefined && job.name !== jobName) continue;
    for (const group of job.groups) {
      if (groupName !== undefined && !group.implicit && group.name !== groupName) continue;
      const found = group.tasks.find((t) => t.name === taskName);
      if (found) return found;
    }
  }
  return undefined;
}

/** The driver of the enclosing task read from the text, for files too broken for the model to have it. */
function driverFromText(text: string, ctx: CursorContext): string | undefined {
  const taskBlock = [...ctx.blocks].reverse().find((b) => b.type === 'task');
  if (!taskBlock) return undefined;
  const slice = text.slice(taskBlock.start, Math.min(text.length, Math.max(ctx.offset, taskBlock.start + 4000)));
  return /^[ \t]*driver[ \t]*=[ \t]*"([^"\n]*)"/m.exec(slice)?.[1];
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

// ---- attribute and block names -------------------------------------------------------------------

function bodyItems(req: Request): CompletionItem[] {
  const { ctx, driver } = req;
  const body = lookupBody(ctx.path, driver);
  if (!body) return [];
  const where = whereOf(ctx.path, driver);
  const items: CompletionItem[] = [];
  for (const [name, schema] of Object.entries(body.attributes)) {
    if (ctx.seen.has(name)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Property,
      detail: attributeDetail(schema),
      documentation: markdown(cached(schema, where, () => attributeMarkdown(name, schema, where))),
      sortText: `${schema.deprecated ? '9' : schema.required ? '0' : '1'}${name}`,
      textEdit: { range: req.range, newText: req.options.snippets ? attributeSnippet(name, schema, 1) : `${name} = ` },
      insertTextFormat: req.options.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      tags: schema.deprecated ? [1] : undefined,
    });
  }
  for (const [name, schema] of Object.entries(body.blocks)) {
    if (schema.maxItems === 1 && ctx.seen.has(name)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Module,
      detail: schema.labels?.length ? `block ${name} ${schema.labels.map((l) => `"<${l.name}>"`).join(' ')}` : `block ${name}`,
      documentation: markdown(cached(schema, where, () => blockMarkdown(name, schema, where))),
      sortText: `${schema.deprecated ? '9' : '2'}${name}`,
      textEdit: { range: req.range, newText: req.options.snippets ? blockSnippet(name, schema, driver) : name },
      insertTextFormat: req.options.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      tags: schema.deprecated ? [1] : undefined,
    });
  }
  return items;
}

const docCache = new WeakMap<object, Map<string, string>>();

/** Documentation text per schema entry and place: the schema never changes, so it is written once. */
function cached(schema: object, key: string, make: () => string): string {
  let byKey = docCache.get(schema);
  if (!byKey) docCache.set(schema, (byKey = new Map()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = make()));
  return text;
}

/** Escapes text for a snippet: `$`, `}` and `\` are special. */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => '\\' + c);
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, (c) => '\\' + c);
}

function stripQuotes(text: string): string {
  return text.replace(/^"(.*)"$/, '$1');
}

/** `name = <value placeholder>` with tab stop `n`. */
function attributeSnippet(name: string, schema: AttributeSchema, n: number): string {
  return `${name} = ${valueSnippet(schema, n)}`;
}

function valueSnippet(schema: AttributeSchema, n: number): string {
  const values = schema.values?.filter((v) => v.value !== '');
  if (values && values.length > 0) return `"\${${n}|${values.map((v) => escapeChoice(v.value)).join(',')}|}"`;
  if (schema.completion === 'driver') return `"\${${n}|${KNOWN_DRIVERS.map((d) => escapeChoice(d.value)).join(',')}|}"`;
  return typeSnippet(schema.type, n, schema.default);
}

function typeSnippet(type: ValueType, n: number, fallback?: string): string {
  // A default such as `"5s"` or `50` (not prose like `"" (client default...)`) becomes the placeholder text.
  const plain = fallback !== undefined && /^("[^"]*"|-?[\d.]+|true|false)$/.test(fallback) ? fallback : undefined;
  switch (type.kind) {
    case 'string':
    case 'duration':
      return plain && plain.startsWith('"') ? `"\${${n}:${escapeSnippet(stripQuotes(plain))}}"` : `"$${n}"`;
    case 'bool':
      return `\${${n}|true,false|}`;
    case 'number':
      return plain ? `\${${n}:${plain}}` : `$${n}`;
    case 'list':
      return type.element.kind === 'string' ? `["$${n}"]` : `[$${n}]`;
    case 'map':
    case 'object':
      return `{\n\t$${n}\n}`;
    default:
      return `$${n}`;
  }
}

function requiredLines(body: BodySchema, indent: string, next: { n: number }): string[] {
  const lines: string[] = [];
  for (const [name, schema] of Object.entries(body.attributes)) {
    if (!schema.required) continue;
    lines.push(indent + attributeSnippet(name, schema, next.n++).replace(/\n/g, '\n' + indent));
  }
  return lines;
}

/** A block with its labels and required attributes; `task` also brings `driver = "exec"` and `config { command }`. */
function blockSnippet(name: string, schema: BlockSchema, driver: string | undefined): string {
  const next = { n: 1 };
  const labels = (schema.labels ?? []).map((l) => ` "\${${next.n++}:${escapeSnippet(l.name)}}"`).join('');
  const lines: string[] = [];
  if (schema.body === 'driverConfig') {
    lines.push(...requiredLines(configBodyFor(driver), '\t', next));
  } else {
    const body = schema.body;
    const hasDriverConfig = Object.values(body.blocks).some((b) => b.body === 'driverConfig');
    for (const [attr, attrSchema] of Object.entries(body.attributes)) {
      if (!attrSchema.required) continue;
      if (attr === 'driver' && hasDriverConfig) lines.push('\tdriver = "exec"');
      else lines.push('\t' + attributeSnippet(attr, attrSchema, next.n++).replace(/\n/g, '\n\t'));
    }
    const configEntry = Object.entries(body.blocks).find(([, b]) => b.body === 'driverConfig');
    if (configEntry) {
      lines.push('', `\t${configEntry[0]} {`, ...requiredLines(bodyOfBlock(configEntry[1], 'exec'), '\t\t', next), '\t}');
    }
  }
  const inner = lines.length ? lines.join('\n') + '\n\t$0' : '\t$0';
  return `${name}${labels} {\n${inner}\n}`;
}

/** `dynamic "<type>"`: the block types the enclosing body accepts. */
function dynamicLabelItems(req: Request): CompletionItem[] {
  const { ctx } = req;
  if (ctx.words[0] !== 'dynamic' || ctx.words.length !== 1 || ctx.stringStart === undefined) return [];
  const body = lookupBody(ctx.path, req.driver);
  if (!body) return [];
  return Object.entries(body.blocks).map(([name, schema]) => ({
    label: name,
    kind: CompletionItemKind.Module,
    documentation: markdown(cached(schema, whereOf(ctx.path, req.driver), () => blockMarkdown(name, schema, whereOf(ctx.path, req.driver)))),
    textEdit: { range: req.range, newText: name },
  }));
}

// ---- values ----------------------------------------------------------------------------------------

function valueItems(req: Request): CompletionItem[] {
  const { ctx, driver } = req;
  if (!ctx.attribute) return [];
  const schema = lookupAttribute(ctx.path, ctx.attribute, driver);
  const quoted = ctx.kind === 'string';
  const items: CompletionItem[] = [];
  const add = (value: string, doc: string, kind: CompletionItemKind, sort: string, detail?: string, isString = true) => {
    const newText = quoted || !isString ? value : JSON.stringify(value);
    items.push({
      label: value,
      kind,
      detail,
      documentation: doc ? markdown(doc) : undefined,
      sortText: sort + value,
      filterText: quoted ? value : newText,
      textEdit: { range: req.range, newText },
    });
  };
  // allow_caps of an agent's `plugin "exec" { config { ... } }` takes capability names too.
  if (schema?.completion === 'capability' || ctx.attribute === 'allow_caps') {
    if (!ctx.inList) return [];
    capabilityItems(req, add);
    return items;
  }
  if (ctx.kind === 'list') {
    expressionItems(req, items);
    return items;
  }
  if (schema?.completion === 'driver' || (ctx.attribute === 'driver' && ctx.path[ctx.path.length - 1] === 'task')) {
    for (const d of KNOWN_DRIVERS) add(d.value, d.doc, CompletionItemKind.EnumMember, d.value === 'exec' ? '0' : '1');
  }
  if (schema?.completion === 'signal') {
    for (const s of SIGNALS) add(s.name, s.doc, CompletionItemKind.EnumMember, s.name === 'SIGINT' || s.name === 'SIGTERM' ? '0' : '1');
  }
  // Signal names come from SIGNALS above (also the allowed values of some signal attributes).
  for (const v of schema?.completion === 'signal' ? [] : (schema?.values ?? [])) {
    if (v.value === '') continue;
    add(v.value, v.doc, CompletionItemKind.EnumMember, '0');
  }
  if (!quoted && schema?.type.kind === 'bool') {
    add('true', '', CompletionItemKind.Keyword, '0', undefined, false);
    add('false', '', CompletionItemKind.Keyword, '0', undefined, false);
  }
  if (quoted && schema?.refersTo) referenceTargetItems(req, schema.refersTo, add);
  if (!quoted) expressionItems(req, items);
  return items;
}

/** Where an expression may stand: `var.*`, `local.*` and function names. */
function expressionItems(req: Request, items: CompletionItem[]): void {
  const add = (label: string, doc: string, sort: string, detail: string) =>
    items.push({
      label,
      kind: CompletionItemKind.Variable,
      detail,
      documentation: doc ? markdown(doc) : undefined,
      sortText: sort + label,
      filterText: label,
      textEdit: { range: req.range, newText: label },
    });
  for (const [name, decl] of req.input.file.variables) add(`var.${name}`, decl.description ?? '', '5', 'input variable');
  for (const name of req.input.file.locals.keys()) add(`local.${name}`, '', '6', 'local value');
  // After `var.` or `local.` only those make sense.
  if (!/[.]/.test(req.ctx.prefix)) items.push(...functionItems(req.range, req.options.snippets));
}

/** Inside `port = "`, `volume = "`, `destination_name = "`: the names of that kind the cursor's group can see (schema `refersTo`). */
function referenceTargetItems(req: Request, kind: ReferenceKind, add: (value: string, doc: string, kind: CompletionItemKind, sort: string, detail?: string) => void): void {
  const position = req.input.document.positionAt(req.ctx.offset);
  const index = referenceIndex(req.input.file);
  const group = groupAt(req.input.file, position);
  const seen = new Set<string>();
  for (const d of index.declarations) {
    if (d.kind !== kind || !d.name || seen.has(d.name)) continue;
    if ((kind === 'port' || kind === 'volume') && d.group !== group) continue;
    seen.add(d.name);
    add(d.name, `${KIND_NAMES[kind]} declared on line ${d.range.start.line + 1}`, CompletionItemKind.Reference, '0', KIND_NAMES[kind]);
  }
}

function groupAt(file: JobFile, position: Position): Block | undefined {
  for (const job of file.jobs) {
    for (const group of job.groups) if (touches(group.block.range, position)) return group.block;
  }
  return undefined;
}

type Add = (value: string, doc: string, kind: CompletionItemKind, sort: string, detail?: string) => void;

/** Capability names not yet listed; for cap_add, names outside allow_caps come last with a warning. */
function capabilityItems(req: Request, add: Add): void {
  const listed = new Set(req.ctx.listItems.map(normalizeCapability));
  const allow = new Set(req.input.settings.allowCaps.map(normalizeCapability));
  const allowAll = allow.has('all');
  const capAdd = req.ctx.attribute === 'cap_add';
  const origin = req.input.settings.origin.allowCaps;
  const entries = [...CAPABILITIES, { name: 'all', doc: capAdd ? 'Every capability the kernel supports.' : 'Every capability: the task keeps only what cap_add gives back.' }];
  for (const cap of entries) {
    if (listed.has(cap.name)) continue;
    const inDefault = DEFAULT_ALLOW_CAPS.includes(cap.name);
    if (capAdd) {
      const allowed = allowAll || allow.has(cap.name);
      const detail = allowed ? (inDefault ? 'allowed · already in the default set' : 'allowed by allow_caps') : 'not in allow_caps: the client would refuse this task';
      const doc = allowed ? cap.doc : `${cap.doc}\n\n**Not in allow_caps** (${origin}): a client with these settings refuses to start the task.`;
      add(cap.name, doc, CompletionItemKind.EnumMember, allowed ? (inDefault ? '1' : '0') : '9', detail);
    } else if (req.ctx.attribute === 'allow_caps') {
      add(cap.name, cap.doc, CompletionItemKind.EnumMember, inDefault ? '0' : '1', inDefault ? "in Nomad's default allow_caps" : "not in Nomad's default allow_caps");
    } else {
      add(cap.name, cap.doc, CompletionItemKind.EnumMember, inDefault || cap.name === 'all' ? '0' : '1', inDefault ? 'in the default set' : 'not in the default set (dropping it changes nothing)');
    }
  }
}

// ---- interpolation ---------------------------------------------------------------------------------

function interpolationItems(req: Request): CompletionItem[] {
  const { input, ctx, task } = req;
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (label: string, kind: CompletionItemKind, doc: string, detail: string | undefined, sort: string, snippet?: string) => {
    if (seen.has(label)) return;
    seen.add(label);
    items.push({
      label,
      kind,
      detail,
      documentation: doc ? markdown(doc) : undefined,
      sortText: sort + label,
      filterText: label,
      textEdit: { range: req.range, newText: snippet ?? label },
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    });
  };
  const inConfig = ctx.path.includes('config');
  const scope = task ? runtimeScopeOf(input, task) : undefined;
  if (scope) {
    for (const entry of scope.env.values()) {
      const detail = entry.value !== undefined ? `= ${entry.value}` : entry.kind === 'port' ? 'port' : entry.kind;
      const sort = entry.kind === 'nomad' || entry.kind === 'port' ? '0' : entry.kind === 'meta' ? '1' : '2';
      add(entry.name, CompletionItemKind.Variable, entry.doc, detail, sort);
      if (inConfig && (entry.kind === 'taskEnv' || entry.kind === 'templateEnv' || entry.kind === 'agentEnv' || entry.kind === 'user')) {
        add(`env["${entry.name}"]`, CompletionItemKind.Variable, entry.doc, 'environment', '4');
      }
    }
    for (const node of scope.nodeNames) add(node.name, CompletionItemKind.Field, node.doc, 'node', '3');
  } else {
    for (const v of NOMAD_VARIABLES) add(v.name, CompletionItemKind.Variable, v.doc, v.execValue ? `= ${v.execValue}` : undefined, '0');
    for (const node of [...NODE_NAMES, ...COMMON_ATTRIBUTES]) add(node.name, CompletionItemKind.Field, node.doc, 'node', '3');
  }
  for (const [name, decl] of input.file.variables) add(`var.${name}`, CompletionItemKind.Variable, decl.description ?? '', 'input variable', '5');
  for (const name of input.file.locals.keys()) add(`local.${name}`, CompletionItemKind.Variable, '', 'local value', '6');
  // Functions of the job file, evaluated when it is submitted, wherever `${` may stand.
  if (!ctx.prefix.includes('.')) {
    for (const item of functionItems(req.range, req.options.snippets)) if (!seen.has(item.label)) (seen.add(item.label), items.push(item));
  }
  if (inConfig) {
    // Client node meta keys are only known on the client: offer the form with a placeholder.
    add('meta.', CompletionItemKind.Module, 'A `meta` value of the client node (from its agent configuration), e.g. `meta.rack`.', 'node meta', '3', req.options.snippets ? 'meta.${1:key}' : undefined);
    for (const fn of CONFIG_FUNCTIONS) {
      add(fn.name, CompletionItemKind.Function, fn.doc, fn.signature, '7', req.options.snippets ? `${fn.name}($1)` : undefined);
    }
  }
  return items;
}

export const completionFeature: Feature = {
  name: 'completion',
  capabilities: () => ({ completionProvider: { triggerCharacters: ['"', '.', '{', '$', '[', '='] } }),
  register(ctx) {
    const snippets = ctx.client.textDocument?.completion?.completionItem?.snippetSupport === true;
    ctx.connection.onCompletion(
      documentHandler(ctx, 'completion', { isIncomplete: false, items: [] } as CompletionList, (input, params: { textDocument: { uri: string }; position: Position }) =>
        completion(input, params.position, { snippets }),
      ),
    );
  },
};
