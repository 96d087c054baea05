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
  const asMap = parent.attributes[type];
  if (asMap?.blockForm) return mapAsBlock(asMap);
  if (parent.open && !parent.openNoBlocks) return { doc: '', body: FREE_FORM };
  return undefined;
}

const mapBlocks = new WeakMap<AttributeSchema, BlockSchema>();

/**
 * A driver-config map attribute written as a block (`labels { ... }`): a body of attributes of the map's
 * element type. Made once per attribute: features and the check memo compare schemas by identity.
 */
function mapAsBlock(schema: AttributeSchema): BlockSchema {
  let made = mapBlocks.get(schema);
  if (!made) {
    const element = schema.type.kind === 'map' ? schema.type.element : { kind: 'any' as const };
    made = {
      doc: schema.doc,
      docPath: schema.docPath,
      deprecated: schema.deprecated,
      removed: schema.removed,
      body: { attributes: {}, blocks: {}, open: true, openType: element, openNoBlocks: true },
    };
    mapBlocks.set(schema, made);
  }
  return made;
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

/**
 * The body of a `dynamic` block's header: its own settings. They belong to HCL, not to Nomad's schema; the
 * `content` block (the generated body) is looked up by the generated type.
 */
export const DYNAMIC_BODY: BodySchema = {
  attributes: {
    for_each: { type: { kind: 'any' }, required: true, doc: 'The collection to repeat over: one block is generated per element (per key and value of a map).' },
    iterator: { type: { kind: 'any' }, doc: 'The name of the current element inside `content` (defaults to the block label, e.g. `port.value`).' },
    labels: { type: { kind: 'list', element: { kind: 'string' } }, doc: 'The labels of each generated block; may use the iterator, e.g. `[port.key]`.' },
  },
  blocks: {},
};

/** The schema of a `dynamic "<type>" { for_each, iterator, labels, content { ... } }` block itself. */
export const DYNAMIC_BLOCK: BlockSchema = {
  doc: 'Generates one block of the labelled type for each element of `for_each`; the `content` block is the body of each generated block.',
  docPath: 'job-specification/hcl2/expressions#dynamic-blocks',
  labels: [{ name: 'type', doc: 'The type of block to generate, e.g. `port` or `task`.' }],
  body: DYNAMIC_BODY,
};
