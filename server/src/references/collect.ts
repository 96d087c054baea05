// The walk over one top-level block of a job file (a group, the job's own settings, a variable, a locals
// block): the names it declares and the uses it holds, unlinked. The schema says what declares and what
// refers (LabelSchema.declares, AttributeSchema.refersTo/declares, BlockSchema.keysDeclare); environment
// names are matched against schema/references.ts. A walk reads its block only, so it is remembered per Block.
import type { Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, BodyItem, Expr, TemplatePart } from '../model/types';
import { childAttribute, childBlock, ROOT } from '../schema/lookup';
import { FREE_FORM } from '../schema/build';
import type { AttributeSchema, BlockSchema, BodySchema, ReferenceKind } from '../schema/types';
import { envFamilyOf, TRAVERSAL_ROOTS } from '../schema/references';
import { iteratorName } from '../schema/runtimeQuery';
import type { Collected, Declaration, UseForm } from './types';
import { LARGE_BODY, checkpoint, progress } from '../pause';
import { rangeFrom, textRange } from '../model/positions';
import { specimen } from '../specimens';

interface Scope {
  group?: Block;
  task?: Block;
  /** Names bound here: `for` variables and `dynamic` iterators (never references to declarations). */
  bound: ReadonlySet<string>;
  /** Inside a driver `config` (or another free-form body): strings there are the driver's, not the schema's. */
  freeForm: boolean;
  metaLevel?: 'job' | 'group' | 'task';
}

/** How a block's body is walked: its schema, the scope inside it, and the kind its keys declare if any. */
interface BodyWalk {
  schema: BodySchema;
  scope: Scope;
  keysDeclare: ReferenceKind | undefined;
}

class Collector {
  readonly out: Collected;

  constructor(range: Range) {
    specimen(this);
    this.out = { declarations: [], uses: [], strings: [], open: { ports: false, volumes: false }, range };
  }

  private owner: Block | undefined;

  body(body: Body, schema: BodySchema, scope: Scope, keysDeclare?: ReferenceKind, owner?: Block): void {
    const outer = this.owner;
    this.owner = owner;
    for (const item of body.items) {
      if (item.kind === 'attribute') this.attribute(item, schema, scope, keysDeclare);
      else this.block(item, schema, scope);
    }
    this.owner = outer;
  }

  block(block: Block, parent: BodySchema, scope: Scope): void {
    if (block.type === 'dynamic') {
      const type = block.dynamic?.blockType ?? block.labels[0]?.value ?? '';
      const schema = childBlock(parent, type);
      if (type === 'port') this.out.open.ports = true;
      if (type === 'volume') this.out.open.volumes = true;
      const inner: Scope = { ...scope, bound: withName(scope.bound, iteratorName(block)) };
      for (const item of block.body.items) {
        if (item.kind === 'attribute') this.expr(item.value, inner);
        else if (item.type === 'content') this.body(item.body, bodyOf(schema), inner, schema?.keysDeclare);
      }
      const content = block.dynamic?.content;
      if (content && !block.body.items.some((i) => i.kind === 'block' && i.body === content)) this.body(content, bodyOf(schema), inner, schema?.keysDeclare);
      return;
    }
    const head = this.blockHead(block, parent, scope);
    this.body(block.body, head.schema, head.scope, head.keysDeclare, block);
  }

  /** Records the labels of a block (not a dynamic one), and tells how its body is walked. */
  blockHead(block: Block, parent: BodySchema, scope: Scope): BodyWalk {
    const schema = scope.freeForm ? undefined : childBlock(parent, block.type);
    let inner = scope;
    if (block.type === 'task') inner = { ...scope, task: block, metaLevel: 'task' };
    else if (block.type === 'config' || !schema || schema.body === FREE_FORM) inner = { ...scope, freeForm: schema?.keysDeclare === undefined };
    this.labels(block, schema, inner);
    return { schema: schema ? bodyOf(schema) : FREE_FORM, scope: inner, keysDeclare: schema?.keysDeclare && !scope.freeForm ? schema.keysDeclare : undefined };
  }

  private labels(block: Block, schema: BlockSchema | undefined, scope: Scope): void {
    if (!schema?.labels) return;
    schema.labels.forEach((labelSchema, i) => {
      const label = block.labels[i];
      if (!labelSchema.declares || !label) return;
      const declaration: Declaration = {
        kind: labelSchema.declares,
        name: label.value,
        range: nameRangeOfLabel(label),
        fullRange: block.range,
        editable: labelEditable(label),
        group: scope.group,
        task: scope.task,
      };
      if (labelSchema.declares === 'task') {
        const lifecycle = block.body.items.find((b): b is Block => b.kind === 'block' && b.type === 'lifecycle');
        if (lifecycle) {
          const hook = literalOf(attr(lifecycle.body, 'hook')?.value);
          const sidecar = literalOf(attr(lifecycle.body, 'sidecar')?.value);
          declaration.detail = `${hook ?? 'lifecycle'}${sidecar === 'true' ? ' sidecar' : ''}`;
        }
      }
      if (labelSchema.declares === 'port') {
        declaration.fixedNumber = attr(block.body, 'static') !== undefined || attr(block.body, 'to') !== undefined;
      }
      this.out.declarations.push(declaration);
    });
  }

  private attribute(attribute: Attribute, schema: BodySchema, scope: Scope, keysDeclare: ReferenceKind | undefined): void {
    if (keysDeclare) {
      this.out.declarations.push(keyDeclaration(keysDeclare, attribute.name, attribute.nameRange, attribute.range, scope));
      this.expr(attribute.value, scope);
      return;
    }
    const attrSchema: AttributeSchema | undefined = scope.freeForm ? undefined : childAttribute(schema, attribute.name);
    // `meta = { ... }` written as an attribute declares keys as the block form does.
    const asBlock = scope.freeForm ? undefined : schema.blocks[attribute.name];
    if (asBlock?.alsoAttribute && asBlock.keysDeclare && attribute.value.kind === 'object') {
      for (const item of attribute.value.items) {
        if (item.keyName === undefined) continue;
        const keyRange = item.key.kind === 'reference' ? item.key.range : innerRange(item.key.range);
        this.out.declarations.push(keyDeclaration(asBlock.keysDeclare, item.keyName, keyRange, item.range, scope, item.key.kind === 'reference' || item.key.kind === 'literal'));
        this.expr(item.value, scope);
      }
      return;
    }
    const refers = attrSchema?.refersTo;
    const declares = attrSchema?.declares;
    if (declares === 'file') {
      // A path, often built from `${NOMAD_ALLOC_DIR}`: declared by its normalised form.
      const path = normalisedPath(attribute.value);
      if (path) this.out.declarations.push({ kind: 'file', name: path, range: attribute.value.range, fullRange: attribute.range, editable: false, group: scope.group, task: scope.task });
      return;
    }
    if (refers || declares) {
      for (const s of stringsOf(attribute.value)) {
        if (refers) {
          if (refers === 'port' && /^\d+$/.test(s.value)) continue; // a port number, not a label
          this.out.uses.push({ kind: refers, written: s.value, range: s.range, form: 'string', group: scope.group, task: scope.task, owner: this.owner });
        } else if (declares) {
          this.out.declarations.push({ kind: declares, name: s.value, range: s.range, fullRange: attribute.range, editable: s.editable, group: scope.group, task: scope.task });
        }
      }
    }
    this.expr(attribute.value, scope, scope.freeForm);
  }

  /** References in an expression; `driverStrings`: plain strings are the driver's (docker `ports = ["http"]`). */
  expr(expr: Expr, scope: Scope, driverStrings = false): void {
    switch (expr.kind) {
      case 'invalid':
        return;
      case 'literal':
        if (typeof expr.value === 'string') {
          if (driverStrings) this.driverString(expr.value, innerRange(expr.range), scope);
          this.noteString(expr.value, innerRange(expr.range), scope);
          this.text(expr.raw ?? expr.value, innerRange(expr.range), scope);
        }
        return;
      case 'template': {
        const path = normalisedPath(expr);
        if (path) this.out.strings.push({ value: path, range: expr.heredoc ? expr.range : innerRange(expr.range), task: scope.task });
        if (driverStrings && !expr.heredoc && expr.parts.length === 1 && expr.parts[0].kind === 'literal') {
          this.driverString(expr.parts[0].text, expr.parts[0].range, scope);
        }
        this.parts(expr.parts, scope);
        return;
      }
      case 'reference': {
        if (!scope.bound.has(expr.root)) this.reference(expr, scope);
        for (const step of expr.path) if (step.kind === 'index') this.expr(step.key, scope);
        return;
      }
      case 'call':
        for (const arg of expr.args) this.expr(arg, scope, driverStrings);
        return;
      case 'tuple':
        for (const item of expr.items) this.expr(item, scope, driverStrings);
        return;
      case 'object':
        for (const item of expr.items) {
          if (item.keyName === undefined || item.key.kind !== 'reference') this.expr(item.key, scope);
          this.expr(item.value, scope, driverStrings);
        }
        return;
      case 'conditional':
        this.expr(expr.condition, scope);
        this.expr(expr.then, scope, driverStrings);
        this.expr(expr.else, scope, driverStrings);
        return;
      case 'for': {
        this.expr(expr.collection, scope);
        const inner = { ...scope, bound: withName(withName(scope.bound, expr.keyName), expr.valueName) };
        if (expr.keyExpr) this.expr(expr.keyExpr, inner);
        this.expr(expr.valueExpr, inner);
        if (expr.condition) this.expr(expr.condition, inner);
        return;
      }
      case 'unary':
        return this.expr(expr.operand, scope);
      case 'binary':
        this.expr(expr.left, scope);
        this.expr(expr.right, scope);
        return;
      case 'traversal':
        this.expr(expr.target, scope);
        for (const step of expr.path) if (step.kind === 'index') this.expr(step.key, scope);
        return;
      case 'parens':
        return this.expr(expr.inner, scope, driverStrings);
    }
  }

  private parts(parts: readonly TemplatePart[], scope: Scope): void {
    for (const part of parts) {
      if (part.kind === 'literal') {
        this.text(part.source?.raw ?? part.text, part.range, scope);
        continue;
      }
      this.expr(part.expr, scope);
      if (part.kind === 'directive') {
        const inner = part.directive === 'for' ? { ...scope, bound: (part.names ?? []).reduce(withName, scope.bound) } : scope;
        this.parts(part.then, inner);
        if (part.else) this.parts(part.else, inner);
      }
    }
  }

  private reference(ref: Extract<Expr, { kind: 'reference' }>, scope: Scope): void {
    const kind = TRAVERSAL_ROOTS[ref.root];
    if (kind) {
      const first = ref.path[0];
      if (first?.kind !== 'attr' || !first.name) return;
      // The traverser's range starts at its `.`.
      const end = first.range.end;
      const range = textRange(end.line, end.character - first.name.length, end.line, end.character);
      this.out.uses.push({ kind, written: first.name, range, form: 'traversal', group: scope.group, task: scope.task });
      return;
    }
    if (ref.path.length === 0 || ref.root.startsWith('NOMAD_')) this.envName(ref.root, ref.rootRange, 'env', scope);
  }

  /** `NOMAD_PORT_http` at `range` (which starts at the N of NOMAD). */
  private envName(name: string, range: Range, form: UseForm, scope: Scope): void {
    const found = envFamilyOf(name);
    if (!found || range.start.line !== range.end.line) return;
    const start = { line: range.start.line, character: range.start.character + found.family.prefix.length };
    this.out.uses.push({
      kind: found.family.kind,
      written: found.rest,
      range: rangeFrom(start, found.rest.length),
      form,
      group: scope.group,
      task: scope.task,
      family: found.family,
    });
  }

  /**
   * Literal text: environment names read at run time by consul-template, a shell or the program. Looked for in
   * the text as written (`raw`: before escapes, a `<<-` heredoc's indentation or a `~` changed it), where each
   * name's place in the file can be counted: lines end as LSP ends them, and the first starts at `range.start`.
   */
  text(raw: string, range: Range, scope: Scope): void {
    if (!raw.includes('NOMAD_')) return;
    const lines = raw.split(/\r\n|\r|\n/);
    for (let line = 0; line < lines.length; line++) {
      const row = lines[line];
      if (!row.includes('NOMAD_')) continue;
      for (const match of row.matchAll(ENV_IN_TEXT)) {
        const column = (line === 0 ? range.start.character : 0) + (match.index ?? 0);
        const at = { line: range.start.line + line, character: column };
        this.envName(match[0], { start: at, end: { line: at.line, character: column + match[0].length } }, 'text', scope);
      }
    }
  }

  /** A plain string in a driver's config: docker's `ports = ["http"]` names a port label. */
  private driverString(value: string, range: Range, scope: Scope): void {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) return;
    this.out.uses.push({ kind: 'port', written: value, range, form: 'text', group: scope.group, task: scope.task });
  }

  private noteString(value: string, range: Range, scope: Scope): void {
    const path = normalisePathText(value);
    if (path) this.out.strings.push({ value: path, range, task: scope.task });
  }
}

const ENV_IN_TEXT = /NOMAD_[A-Za-z0-9_]+/g;

function withName(bound: ReadonlySet<string>, name: string | undefined): ReadonlySet<string> {
  if (!name || bound.has(name)) return bound;
  const next = new Set(bound);
  next.add(name);
  return next;
}

function bodyOf(schema: BlockSchema | undefined): BodySchema {
  return schema && schema.body !== 'driverConfig' ? schema.body : FREE_FORM;
}

function attr(body: Body, name: string): Attribute | undefined {
  return body.items.find((i): i is Attribute => i.kind === 'attribute' && i.name === name);
}

function literalOf(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'literal') return String(expr.value);
  if (expr.kind === 'template' && expr.parts.length === 1 && expr.parts[0].kind === 'literal') return expr.parts[0].text;
  return undefined;
}

function keyDeclaration(kind: ReferenceKind, name: string, range: Range, fullRange: Range, scope: Scope, editable = true): Declaration {
  const declaration: Declaration = { kind, name, range, fullRange, editable, group: scope.group, task: scope.task };
  if (kind === 'meta') declaration.level = scope.metaLevel;
  return declaration;
}

function nameRangeOfLabel(label: Block['labels'][number]): Range {
  return label.quoted ? innerRange(label.range) : label.range;
}

function labelEditable(label: Block['labels'][number]): boolean {
  const r = label.range;
  const width = r.end.character - r.start.character - (label.quoted ? 2 : 0);
  return r.start.line === r.end.line && width === label.value.length;
}

/** A quoted string's range without its quotes. */
function innerRange(range: Range): Range {
  const { start, end } = range;
  // The end's column counts on its own line: a label broken over two lines (its closing quote missing) ends
  // at the second line's column, whatever the first line's was.
  const endCharacter = start.line === end.line ? Math.max(start.character + 1, end.character - 1) : Math.max(0, end.character - 1);
  return textRange(start.line, start.character + 1, end.line, endCharacter);
}

/** Plain strings of a value (the value itself, or each element of a list), with the ranges of their text. */
function stringsOf(expr: Expr): Array<{ value: string; range: Range; editable: boolean }> {
  if (expr.kind === 'tuple') return expr.items.flatMap(stringsOf);
  if (expr.kind === 'literal' && typeof expr.value === 'string') {
    const range = innerRange(expr.range);
    return [{ value: expr.value, range, editable: range.start.line === range.end.line && range.end.character - range.start.character === expr.value.length }];
  }
  if (expr.kind === 'template' && !expr.heredoc && expr.parts.length === 1 && expr.parts[0].kind === 'literal') {
    const part = expr.parts[0];
    const r = part.range;
    return [{ value: part.text, range: r, editable: r.start.line === r.end.line && r.end.character - r.start.character === part.text.length }];
  }
  return [];
}

const DIR_NAMES: Readonly<Record<string, string>> = { NOMAD_ALLOC_DIR: '/alloc', NOMAD_TASK_DIR: '/local', NOMAD_SECRETS_DIR: '/secrets' };

/** A path string with the task directory names resolved (`${NOMAD_ALLOC_DIR}/x` -> `/alloc/x`), else undefined. */
function normalisedPath(expr: Expr): string | undefined {
  if (expr.kind === 'literal') return typeof expr.value === 'string' ? normalisePathText(expr.value) : undefined;
  if (expr.kind !== 'template' || expr.heredoc) return undefined;
  let text = '';
  for (const part of expr.parts) {
    if (part.kind === 'literal') text += part.text;
    else if (part.kind === 'interpolation' && part.expr.kind === 'reference' && part.expr.path.length === 0 && DIR_NAMES[part.expr.root]) text += DIR_NAMES[part.expr.root];
    else return undefined;
  }
  return normalisePathText(text);
}

function normalisePathText(text: string): string | undefined {
  const trimmed = text.trim();
  const relative = /^(alloc|local|secrets)\/./.exec(trimmed);
  const path = relative ? '/' + trimmed : trimmed;
  return /^\/(alloc|local|secrets)\/[^\s]+$/.test(path) ? path.replace(/\/+/g, '/') : undefined;
}

// ---- the top-level units: what buildIndex remembers per Block ---------------------------------------

const NO_NAMES: ReadonlySet<string> = new Set();

export function collectTop(block: Block): Collected {
  const scope: Scope = { bound: NO_NAMES, freeForm: false };
  if (isLarge(block)) return walkLarge(block, ROOT, scope).out;
  const collector = new Collector(block.range);
  collector.block(block, ROOT, scope);
  return collector.out;
}

/** A block whose walk can stop between two items of its body (walkLarge). */
function isLarge(block: Block): boolean {
  return block.body.items.length > LARGE_BODY && block.type !== 'dynamic';
}

/** A walk of a large block stopped at a checkpoint (pause.ts): the next attempt goes on from `next`. */
interface LargeWalk {
  collector: Collector;
  head: BodyWalk;
  /** The next item of the block's body to walk. */
  next: number;
}

const pausedWalks = new WeakMap<Block, LargeWalk>();

/**
 * A block of more than LARGE_BODY items (a generated file of 30,000 locals, a group of 2,000 tasks) walked
 * as Collector.block walks it, stopping between items once the deadline has passed: one walk of it held
 * the thread for up to a hundred ms.
 */
function walkLarge(block: Block, parent: BodySchema, scope: Scope): Collector {
  const walk = pausedWalks.get(block) ?? startWalk(block, parent, scope);
  pausedWalks.delete(block);
  const { collector, head } = walk;
  const { items } = block.body;
  while (walk.next < items.length) {
    const item = items[walk.next++];
    collector.body({ items: [item], range: item.range }, head.schema, head.scope, head.keysDeclare, block);
    if (walk.next % WALKED_AT_ONCE === 0) {
      progress();
      checkpoint(() => pausedWalks.set(block, walk));
    }
  }
  return collector;
}

function startWalk(block: Block, parent: BodySchema, scope: Scope): LargeWalk {
  const collector = new Collector(block.range);
  return { collector, head: collector.blockHead(block, parent, scope), next: 0 };
}

/** Items walked between two places where the walk of a large block can stop. */
const WALKED_AT_ONCE = 32;

/** Whether an item of a job body is a group (a unit of its own), as the model's groups are found. */
export function isGroupItem(item: BodyItem): item is Block {
  return item.kind === 'block' && (item.type === 'group' || item.type === 'task' || item.dynamic?.blockType === 'group');
}

/**
 * One of the job's own settings (meta, constraints, `datacenters = ...`). Each is a unit of its own: the
 * job block is new after every edit inside it, its unchanged items are not, and job meta keys are
 * file-wide declarations (a new walk of them would make every group link again).
 */
export function collectJobItem(item: BodyItem): Collected {
  const collector = new Collector(item.range);
  const body = bodyOf(childBlock(ROOT, 'job'));
  const scope: Scope = { bound: NO_NAMES, freeForm: false, metaLevel: 'job' };
  if (item.kind === 'attribute') collector.body({ items: [item], range: item.range }, body, scope);
  else collector.block(item, body, scope);
  return collector.out;
}

export function collectGroup(block: Block): Collected {
  const jobBody = bodyOf(childBlock(ROOT, 'job'));
  const scope: Scope = { group: block, bound: NO_NAMES, freeForm: false, metaLevel: block.type === 'task' ? 'task' : 'group' };
  if (block.type === 'task') {
    // A task written directly under the job is a group of its own, named after it.
    const collector = new Collector(block.range);
    collector.block(block, jobBody, scope);
    collector.out.declarations.unshift({ kind: 'group', name: block.labels[0]?.value ?? '', range: block.typeRange, fullRange: block.range, editable: false, group: block });
    collector.out.declarations = collector.out.declarations.filter((d, i) => i === 0 || d.kind !== 'group');
    return collector.out;
  }
  let collector: Collector;
  if (isLarge(block)) collector = walkLarge(block, jobBody, scope);
  else {
    collector = new Collector(block.range);
    collector.block(block, jobBody, scope);
  }
  if (!collector.out.declarations.some((d) => d.kind === 'group')) {
    collector.out.declarations.unshift({ kind: 'group', name: '', range: block.typeRange, fullRange: block.range, editable: false, group: block });
  }
  return collector.out;
}
