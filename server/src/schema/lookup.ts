// Walking the schema: hover, completion and checks all ask "what may be written here?" through these.
import { FREE_FORM } from './build';
import { configBodyFor } from './drivers';
import { ROOT } from './jobspec';
import type { AttributeSchema, BlockSchema, BodySchema } from './types';

export { ROOT };

/** The body a block schema describes; `driverConfig` is resolved with the task's driver name. */
export function bodyOfBlock(schema: BlockSchema, driverName?: string): BodySchema {
  return schema.body === 'driverConfig' ? configBodyFor(driverName) : schema.body;
}

/** The schema of a nested block type, or a free-form block inside an open body, or undefined if unknown. */
export function childBlock(parent: BodySchema, type: string): BlockSchema | undefined {
  const known = parent.blocks[type];
  if (known) return known;
  if (parent.open && !parent.openNoBlocks) return { doc: '', body: FREE_FORM };
  return undefined;
}

/** The schema of an attribute in a body; free-form bodies accept anything (typed by openType). */
export function childAttribute(parent: BodySchema, name: string): AttributeSchema | undefined {
  const known = parent.attributes[name];
  if (known) return known;
  if (parent.open) return { type: parent.openType ?? { kind: 'any' }, doc: '' };
  return undefined;
}

/**
 * Follow a path of block types from the file root, e.g. ['job', 'group', 'task', 'config'].
 * `driverName` is the enclosing task's driver, used when the path enters `config`.
 * Dynamic blocks are looked up by their generated type (pass `service`, not `dynamic`).
 */
export function lookupBlock(path: readonly string[], driverName?: string): BlockSchema | undefined {
  let body: BodySchema = ROOT;
  let current: BlockSchema | undefined;
  for (const type of path) {
    current = childBlock(body, type);
    if (!current) return undefined;
    body = bodyOfBlock(current, driverName);
  }
  return current;
}

/** The body at the end of a path; the root body for an empty path. */
export function lookupBody(path: readonly string[], driverName?: string): BodySchema | undefined {
  if (path.length === 0) return ROOT;
  const found = lookupBlock(path, driverName);
  return found ? bodyOfBlock(found, driverName) : undefined;
}

export function lookupAttribute(path: readonly string[], name: string, driverName?: string): AttributeSchema | undefined {
  const body = lookupBody(path, driverName);
  return body ? childAttribute(body, name) : undefined;
}

/** Every name valid in a body, for "did you mean" suggestions. */
export function namesIn(body: BodySchema): { attributes: string[]; blocks: string[] } {
  return { attributes: Object.keys(body.attributes), blocks: Object.keys(body.blocks) };
}

/** The schema of a `dynamic "<type>" { for_each, iterator, labels, content { ... } }` block itself. */
export const DYNAMIC_BLOCK: BlockSchema = {
  doc: 'Generates one block of the labelled type for each element of `for_each`; the `content` block is the body of each generated block.',
  docPath: 'job-specification/hcl2/expressions#dynamic-blocks',
  labels: [{ name: 'type', doc: 'The type of block to generate, e.g. `port` or `task`.' }],
  body: {
    attributes: {
      for_each: { type: { kind: 'any' }, required: true, doc: 'A list, set or map; one block is generated per element.' },
      iterator: { type: { kind: 'any' }, doc: 'Name of the temporary variable holding the current element (`.key`, `.value`); defaults to the block type.' },
      labels: { type: { kind: 'list', element: { kind: 'string' } }, doc: 'Labels of each generated block, usually built from the iterator.' },
    },
    blocks: {},
  },
};

/**
 * The schema path of a chain of model blocks from the root (outermost first), for hover and completion:
 * `dynamic "port"` contributes `port`, its `content` block contributes nothing. The driver is the last
 * task's literal driver (callers with an evaluator may pass a better one to lookupBody).
 */
export function schemaPathOf(chain: ReadonlyArray<{ type: string; labels: ReadonlyArray<{ value: string }>; body: { items: ReadonlyArray<unknown> } }>): { path: string[]; driverName?: string; inDynamicHeader: boolean } {
  const path: string[] = [];
  let driverName: string | undefined;
  let inDynamicHeader = false;
  chain.forEach((block, index) => {
    if (block.type === 'dynamic') {
      path.push(block.labels[0]?.value ?? 'dynamic');
      inDynamicHeader = index === chain.length - 1;
      return;
    }
    if (block.type === 'content' && chain[index - 1]?.type === 'dynamic') {
      inDynamicHeader = false;
      return;
    }
    path.push(block.type);
    if (block.type === 'task' || block.type === 'sidecar_task') {
      const driver = block.body.items.find((item) => isLiteralAttribute(item, 'driver'));
      driverName = driver ? literalString(driver) : undefined;
    }
  });
  return { path, driverName, inDynamicHeader };
}

function isLiteralAttribute(item: unknown, name: string): boolean {
  const candidate = item as { kind?: string; name?: string };
  return candidate.kind === 'attribute' && candidate.name === name;
}

function literalString(item: unknown): string | undefined {
  const value = (item as { value?: { kind: string; value?: unknown; parts?: Array<{ kind: string; text?: string }> } }).value;
  if (!value) return undefined;
  if (value.kind === 'literal' && typeof value.value === 'string') return value.value;
  if (value.kind === 'template' && value.parts?.length === 1 && value.parts[0].kind === 'literal') return value.parts[0].text;
  return undefined;
}
