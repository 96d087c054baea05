// Small constructors that keep the schema files readable: each attribute is one line of data.
import type { AttributeSchema, BlockSchema, BodySchema, EnumValue, ValueType } from './types';

export const STRING: ValueType = { kind: 'string' };
export const NUMBER: ValueType = { kind: 'number' };
export const INTEGER: ValueType = { kind: 'number', integer: true };
export const BOOL: ValueType = { kind: 'bool' };
export const DURATION: ValueType = { kind: 'duration' };
export const ANY: ValueType = { kind: 'any' };
export const STRING_LIST: ValueType = { kind: 'list', element: STRING };
export const STRING_MAP: ValueType = { kind: 'map', element: STRING };

export const listOf = (element: ValueType): ValueType => ({ kind: 'list', element });
export const mapOf = (element: ValueType): ValueType => ({ kind: 'map', element });

type AttrOptions = Omit<Partial<AttributeSchema>, 'type' | 'doc'>;

export function attr(type: ValueType, doc: string, options: AttrOptions = {}): AttributeSchema {
  return { type, doc, ...options };
}

export const str = (doc: string, options?: AttrOptions) => attr(STRING, doc, options);
export const num = (doc: string, options?: AttrOptions) => attr(NUMBER, doc, options);
export const int = (doc: string, options?: AttrOptions) => attr(INTEGER, doc, options);
export const bool = (doc: string, options?: AttrOptions) => attr(BOOL, doc, options);
export const dur = (doc: string, options?: AttrOptions) => attr(DURATION, doc, options);
export const strList = (doc: string, options?: AttrOptions) => attr(STRING_LIST, doc, options);
export const strMap = (doc: string, options?: AttrOptions) => attr(STRING_MAP, doc, options);

/** A string with a fixed set of values, each given as [value, what choosing it means]. */
export function oneOf(doc: string, values: Array<[string, string]>, options?: AttrOptions): AttributeSchema {
  const list: EnumValue[] = values.map(([value, valueDoc]) => ({ value, doc: valueDoc }));
  return attr(STRING, doc, { values: list, ...options });
}

export function body(
  attributes: Record<string, AttributeSchema>,
  blocks: Record<string, BlockSchema> = {},
  extra: Omit<Partial<BodySchema>, 'attributes' | 'blocks'> = {},
): BodySchema {
  return { attributes, blocks, ...extra };
}

type BlockOptions = Omit<Partial<BlockSchema>, 'body' | 'doc'>;

export function block(doc: string, content: BodySchema | 'driverConfig', options: BlockOptions = {}): BlockSchema {
  return { doc, body: content, ...options };
}

/** A block that may appear at most once. */
export function single(doc: string, content: BodySchema | 'driverConfig', options: BlockOptions = {}): BlockSchema {
  return block(doc, content, { maxItems: 1, ...options });
}

/** Anything goes: an unknown driver's `config`, a scaling `policy`, a proxy's `config`. */
export const FREE_FORM: BodySchema = { attributes: {}, blocks: {}, open: true };

/** A body of string attributes only (`meta`, `env`, artifact `headers`). */
export const STRING_ATTRIBUTES: BodySchema = { attributes: {}, blocks: {}, open: true, openType: STRING, openNoBlocks: true };

export const docPath = (page: string): string => `job-specification/${page}`;

/** A map attribute of a driver config (hclspec `list(map(T))`): may also be a block or a list of maps. */
export function configMap(element: ValueType, doc: string, options: AttrOptions = {}): AttributeSchema {
  return attr(mapOf(element), doc, { blockForm: true, ...options });
}

/** A block of a driver config: may also be an attribute holding one object or a list of objects. */
export function configBlock(doc: string, content: BodySchema, options: BlockOptions = {}): BlockSchema {
  return block(doc, content, { alsoAttribute: true, objectList: true, ...options });
}
