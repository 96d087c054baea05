// Small read-only queries over the job model that the runtime scope and the exec checks share: find an
// attribute, the blocks of a type (with `dynamic` blocks seen through), and the entries of a map that may be
// written as a block (`env { ... }`) or as an attribute (`env = { ... }`).
import type { Attribute, Block, Body, Expr, Range } from '../model/types';
import type { Evaluator } from '../model/eval';
import { isKnown } from '../model/value';

/**
 * Each body indexed once by attribute name and block type. A job body may hold hundreds of groups and every
 * task's scope asks it the same questions, so scanning it each time would make checks quadratic. Bodies are
 * not mutated after the model is built (an edit yields new Body objects), so a WeakMap keyed by body is safe.
 */
interface BodyIndex {
  attributes: Map<string, Attribute>;
  blocks: Map<string, FoundBlock[]>;
}

const indexes = new WeakMap<Body, BodyIndex>();
const NO_BLOCKS: readonly FoundBlock[] = Object.freeze([]);

function indexOf(body: Body): BodyIndex {
  let index = indexes.get(body);
  if (index) return index;
  index = { attributes: new Map(), blocks: new Map() };
  for (const item of body.items) {
    if (item.kind === 'attribute') {
      index.attributes.set(item.name, item); // the last one wins
      continue;
    }
    let found: FoundBlock | undefined;
    if (item.type === 'dynamic') {
      const blockType = item.dynamic?.blockType ?? item.labels[0]?.value;
      if (blockType !== undefined) found = { block: item, body: item.dynamic?.content, dynamic: true };
      if (found) push(index.blocks, blockType!, found);
    } else if (!item.dynamic) {
      push(index.blocks, item.type, { block: item, body: item.body, dynamic: false });
    }
  }
  indexes.set(body, index);
  return index;
}

function push(map: Map<string, FoundBlock[]>, key: string, value: FoundBlock): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Below this many items a body is scanned rather than indexed: a task's or config's handful of items are
 * read faster than an index is built and remembered, and an edit makes the bodies on its path new (cold, a
 * 1 MB job indexed thousands of them).
 */
const SCAN = 16;

/** The last attribute of that name in the body (HCL refuses duplicates; the last one is what a reader sees). */
export function findAttribute(body: Body | undefined, name: string): Attribute | undefined {
  if (!body) return undefined;
  const items = body.items;
  if (items.length < SCAN) {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item.kind === 'attribute' && item.name === name) return item;
    }
    return undefined;
  }
  return indexOf(body).attributes.get(name);
}

export interface FoundBlock {
  block: Block;
  /** The body to read: the block's own body, or the `content` body of a `dynamic` block. */
  body?: Body;
  /** True for `dynamic "<type>"`: labels and values depend on the iteration, so names are not fixed. */
  dynamic: boolean;
}

/** Every block of that type, including `dynamic "<type>"` blocks (flagged, since their labels vary). Read-only. */
export function findBlocks(body: Body | undefined, type: string): readonly FoundBlock[] {
  if (!body) return NO_BLOCKS;
  const items = body.items;
  if (items.length < SCAN) {
    let found: FoundBlock[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind !== 'block') continue;
      // As indexOf files them: a dynamic block under the type it generates, others under their own.
      if (item.type === 'dynamic') {
        if ((item.dynamic?.blockType ?? item.labels[0]?.value) === type) (found ??= []).push({ block: item, body: item.dynamic?.content, dynamic: true });
      } else if (item.type === type && !item.dynamic) (found ??= []).push({ block: item, body: item.body, dynamic: false });
    }
    return found ?? NO_BLOCKS;
  }
  return indexOf(body).blocks.get(type) ?? NO_BLOCKS;
}

/** A literal string (a quoted string without interpolations, or a bare literal), else undefined. */
export function literalString(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'literal') return typeof expr.value === 'string' ? expr.value : undefined;
  if (expr.kind === 'template' && !expr.heredoc) {
    let text = '';
    for (const part of expr.parts) {
      if (part.kind !== 'literal') return undefined;
      text += part.text;
    }
    return text;
  }
  if (expr.kind === 'parens') return literalString(expr.inner);
  return undefined;
}

/** A string known while editing: a literal, or what the evaluator knows. */
export function knownString(expr: Expr | undefined, evaluator?: Evaluator): string | undefined {
  if (!expr) return undefined;
  const literal = literalString(expr);
  if (literal !== undefined) return literal;
  if (!evaluator) return undefined;
  try {
    const value = evaluator.evaluate(expr);
    if (isKnown(value) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
      return String(value);
    }
  } catch {
    // An evaluator failure only means "not known"; checks never report unknown values.
  }
  return undefined;
}

export interface MapEntry {
  key: string;
  keyRange: Range;
  value?: Expr;
}

export interface MapEntries {
  entries: MapEntry[];
  /** True when some keys cannot be listed while editing (e.g. `meta = var.meta` of unknown value). */
  open: boolean;
}

/** The entries of `name { k = v }` or `name = { k = v }` in the body; both forms may not be mixed in Nomad. */
export function mapEntries(body: Body | undefined, name: string, evaluator?: Evaluator): MapEntries {
  const result: MapEntries = { entries: [], open: false };
  if (!body) return result;
  for (const found of findBlocks(body, name)) {
    if (found.dynamic) {
      result.open = true;
      continue;
    }
    for (const item of found.body?.items ?? []) {
      if (item.kind === 'attribute') result.entries.push({ key: item.name, keyRange: item.nameRange, value: item.value });
      else result.open = true; // nested blocks are not map entries; treat as unknown content
    }
  }
  const attribute = findAttribute(body, name);
  if (attribute) addObjectEntries(attribute.value, attribute, result, evaluator);
  return result;
}

function addObjectEntries(expr: Expr, attribute: Attribute, result: MapEntries, evaluator?: Evaluator): void {
  if (expr.kind === 'parens') return addObjectEntries(expr.inner, attribute, result, evaluator);
  if (expr.kind === 'object') {
    for (const item of expr.items) {
      if (item.keyName !== undefined) result.entries.push({ key: item.keyName, keyRange: item.key.range, value: item.value });
      else {
        const key = knownString(item.key, evaluator);
        if (key !== undefined) result.entries.push({ key, keyRange: item.key.range, value: item.value });
        else result.open = true;
      }
    }
    return;
  }
  if (evaluator) {
    try {
      const value = evaluator.evaluate(expr);
      if (isKnown(value) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) result.entries.push({ key, keyRange: attribute.nameRange });
        return;
      }
    } catch {
      // fall through: unknown
    }
  }
  result.open = true;
}

/** The items of a list attribute written as a tuple of known strings; `open` when any is not known. */
export function knownStringList(expr: Expr | undefined, evaluator?: Evaluator): { items: string[]; open: boolean } {
  const result = { items: [] as string[], open: false };
  if (!expr) return result;
  if (expr.kind === 'tuple') {
    for (const item of expr.items) {
      const text = knownString(item, evaluator);
      if (text === undefined) result.open = true;
      else result.items.push(text);
    }
    return result;
  }
  if (evaluator) {
    try {
      const value = evaluator.evaluate(expr);
      if (isKnown(value) && Array.isArray(value)) {
        for (const item of value) {
          if (typeof item === 'string') result.items.push(item);
          else result.open = true;
        }
        return result;
      }
    } catch {
      // unknown
    }
  }
  result.open = true;
  return result;
}

/** A task's body: its own, or the `content` of a `dynamic "task"` block. */
export function taskBody(task: { block: Block; dynamic?: boolean }): Body {
  return (task.dynamic ? task.block.dynamic?.content : undefined) ?? task.block.body;
}

/** A group's body (`dynamic "group"` content included); for an implicit group, the task's body. */
export function groupBody(group: { block: Block; dynamic?: boolean }): Body {
  return (group.dynamic ? group.block.dynamic?.content : undefined) ?? group.block.body;
}

/** The name a `dynamic` block's content uses for the current element: `iterator = x`, else the block type. */
export function iteratorName(block: Block): string | undefined {
  for (const item of block.body.items) {
    if (item.kind !== 'attribute' || item.name !== 'iterator') continue;
    const value = item.value;
    if (value.kind === 'reference' && value.path.length === 0) return value.root;
    const text = literalString(value);
    if (text !== undefined) return text;
  }
  return block.dynamic?.blockType ?? block.labels[0]?.value;
}
