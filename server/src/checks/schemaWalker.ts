// Walks a model body against a BodySchema and reports what does not conform: unknown names (with the
// nearest valid one), blocks written as attributes and the reverse, duplicates, missing required
// attributes, deprecated or removed fields, and attribute values (via values.ts).
import type { Attribute, Block, Body, BodyItem } from '../model/types';
import type { AttributeSchema, BlockSchema, BodySchema } from '../schema/types';
import { DYNAMIC_BLOCK, bodyOfBlock, childAttribute, childBlock } from '../schema/lookup';
import { nearestName } from '../schema/capabilities';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { CheckContext } from './check';
import { checkAttributeValue, syntacticKind } from './values';
import { blockKey, fileTokenOf, type FindingMemo } from './memo';
import { perContext } from './jobWalk';
import { LARGE_BODY } from '../pause';
import { specimen } from '../specimens';

export interface WalkOptions {
  /** Extra explanation for an unknown attribute name (e.g. "belongs to the docker driver"). */
  unknownAttributeHint?(name: string, path: readonly string[]): string | undefined;
  /** Whether to descend into a `config` body chosen by the driver (execConfig does that itself). */
  enterDriverConfig?: boolean;
  /**
   * Remembers each block's findings (memo.ts): an edit then re-walks only the blocks on its path. Only for
   * walkers whose options are fixed (no per-run hint closures).
   */
  memo?: FindingMemo;
  /**
   * The body to walk for a block: a job's without its groups (runChecks checks those per group,
   * groupMemo.ts; memo.ts ownBody). What it leaves out must follow from the block alone, and must not be
   * counted among its siblings (a job's groups and tasks have no limit).
   */
  ownBody?(block: Block): Body;
}

/** The context a block's findings depend on besides the block (compared part by part, see memo.ts). */
function blockContext(ctx: CheckContext, schema: BodySchema, path: readonly string[], where: string, driverName: string | undefined): unknown[] {
  return [fileTokenOf(ctx), schema, path.join('/'), where, driverName];
}

export class SchemaWalker {
  constructor(
    private readonly ctx: CheckContext,
    private readonly options: WalkOptions = {},
  ) {
    specimen(this);
  }

  /**
   * `path` is the chain of block types from the file root to `body` (dynamic blocks by their generated
   * type); `where` names the body in messages ("task \"web\""); `owner` is the block whose body it is
   * (missing required attributes are reported on its type name).
   */
  walk(body: Body, schema: BodySchema, path: readonly string[], where: string, driverName?: string, owner?: Block): void {
    const seenAttributes = new Map<string, Attribute>();
    const blockCounts = new Map<string, number>();
    const context = this.options.memo && this.ctx.incremental ? blockContext(this.ctx, schema, path, where, driverName) : undefined;

    const visit = (walker: SchemaWalker, item: BodyItem): void => {
      if (item.kind === 'attribute') {
        const first = seenAttributes.get(item.name);
        if (first) {
          walker.ctx.report({
            range: item.nameRange,
            code: 'duplicate',
            message: `${item.name} is set twice in ${where}; HCL refuses a second definition (first on line ${first.nameRange.start.line + 1}).`,
          });
          return;
        }
        seenAttributes.set(item.name, item);
        walker.attribute(item, schema, path, where);
      } else {
        walker.block(item, schema, path, where, driverName, blockCounts, context);
      }
    };
    if (context && body.items.length > LARGE_BODY) {
      // A large body (30,000 locals) can stop between two items (memo.ts); the names and counts of the items
      // walked before the stop are taken again when it goes on.
      const walker = perContext((ctx: CheckContext) => (ctx === this.ctx ? this : new SchemaWalker(ctx, this.options)));
      this.options.memo!.eachItem(this.ctx, body, context, (ctx, item) => visit(walker(ctx), item), (item) => {
        if (item.kind === 'block') countBlock(item, schema, blockCounts);
        else if (!seenAttributes.has(item.name)) seenAttributes.set(item.name, item);
      });
    } else for (const item of body.items) visit(this, item);

    const shape = shapeOf(schema);
    if (!schema.open) {
      for (const name of shape.required) {
        if (!seenAttributes.has(name)) this.missing(body, owner, name, where, path);
      }
      for (const names of schema.requireOneOf ?? []) {
        if (!names.some((n) => seenAttributes.has(n))) this.missingOneOf(body, owner, names, where, path);
      }
    }
    // A block that may also be an attribute must not be both (items are looked at again only when some
    // attribute could be such a block: a job body holds a thousand groups).
    let eitherWay = false;
    if (shape.eitherWay.size > 0) for (const name of seenAttributes.keys()) eitherWay ||= shape.eitherWay.has(name);
    for (const item of eitherWay ? body.items : []) {
      if (item.kind !== 'block') continue;
      const alsoAttr = schema.blocks[item.type]?.alsoAttribute ? seenAttributes.get(item.type) : undefined;
      if (alsoAttr) {
        this.ctx.report({
          range: item.typeRange,
          code: 'duplicate',
          message: `${item.type} is given both as a block and as an attribute in ${where}; use one of them.`,
        });
      }
    }
  }

  private missing(body: Body, owner: Block | undefined, name: string, where: string, path: readonly string[]): void {
    // Reported on the block's type name when we know it, else at the start of the body.
    this.ctx.report({
      range: owner?.typeRange ?? body.range,
      code: 'missing-required',
      message: `${upper(where)} needs ${name}.`,
      data: { missing: name, path },
    });
  }

  private missingOneOf(body: Body, owner: Block | undefined, names: readonly string[], where: string, path: readonly string[]): void {
    const list = names.length === 2 ? `${names[0]} or ${names[1]}` : `one of ${names.join(', ')}`;
    this.ctx.report({
      range: owner?.typeRange ?? body.range,
      code: 'missing-required',
      message: `${upper(where)} needs ${list}.`,
      data: { missing: names[0], path },
    });
  }

  /**
   * A block of a driver config written as an attribute: one object or a list of objects, each checked as
   * the block's body (`mounts = [{ type = "bind", ... }]`). Values not written literally are only judged
   * by their kind.
   */
  private objectsAsBlocks(item: Attribute, inner: BodySchema, path: readonly string[], where: string): void {
    const expr = item.value;
    const objects = expr.kind === 'object' ? [expr] : expr.kind === 'tuple' ? expr.items : undefined;
    const subject = `${item.name} in ${where}`;
    if (!objects) {
      const value = this.ctx.evaluator.evaluate(expr);
      const kind = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? typeof value : syntacticKind(expr);
      if (kind === 'string' || kind === 'number' || kind === 'bool' || kind === 'boolean') {
        this.ctx.report({ range: expr.range, code: 'type-mismatch', message: `${subject} must be a block, an object or a list of objects, not ${kind === 'string' ? 'a string' : kind === 'number' ? 'a number' : 'a boolean'}.` });
      }
      return;
    }
    for (const object of objects) {
      if (object.kind !== 'object') {
        const kind = syntacticKind(object);
        if (kind && kind !== 'object') this.ctx.report({ range: object.range, code: 'type-mismatch', message: `Every element of ${subject} must be an object (one ${item.name} block).` });
        continue;
      }
      const items: Attribute[] = [];
      for (const entry of object.items) {
        if (entry.keyName === undefined) continue; // a computed key: not known while editing
        items.push({ kind: 'attribute', name: entry.keyName, nameRange: entry.key.range, value: entry.value, range: entry.range });
      }
      this.walk({ items, range: object.range }, inner, [...path, item.name], subject);
    }
  }

  private attribute(item: Attribute, schema: BodySchema, path: readonly string[], where: string): void {
    const known = schema.attributes[item.name];
    if (!known) {
      const asBlock = schema.blocks[item.name];
      if (asBlock?.objectList && asBlock.body !== 'driverConfig') {
        this.objectsAsBlocks(item, asBlock.body, path, where);
        return;
      }
      if (asBlock?.alsoAttribute) {
        checkAttributeValue(this.ctx, item, { type: asBlock.body === 'driverConfig' ? { kind: 'any' } : mapTypeOf(asBlock.body), doc: '' }, `${item.name} in ${where}`);
        return;
      }
      if (asBlock) {
        this.ctx.report({
          range: item.nameRange,
          code: 'unknown-attribute',
          message: `${item.name} is a block in ${where}, not an attribute: write \`${item.name} { ... }\` without \`=\`.`,
          data: { blockInsteadOfAttribute: item.name },
        });
        return;
      }
      const open = childAttribute(schema, item.name);
      if (open) {
        checkAttributeValue(this.ctx, item, open, `${item.name} in ${where}`);
        return;
      }
      this.unknown(item.name, item.nameRange, 'attribute', schema, path, where);
      return;
    }
    this.deprecation(item.name, item.nameRange, known, where);
    checkAttributeValue(this.ctx, item, known, `${item.name} in ${where}`);
  }

  private block(
    item: Block,
    schema: BodySchema,
    path: readonly string[],
    where: string,
    driverName: string | undefined,
    counts: Map<string, number>,
    context?: unknown[],
  ): void {
    // How many blocks of a type came before depends on the siblings: counted here, outside the memo.
    const counted = countBlock(item, schema, counts);
    if (counted && counted.count > counted.max) {
      this.ctx.report({
        range: item.typeRange,
        code: 'duplicate',
        message: `Only ${counted.max === 1 ? 'one' : counted.max} ${item.type} block${counted.max === 1 ? ' is' : 's are'} allowed in ${where}.`,
      });
    }
    this.blockOnly(item, schema, path, where, driverName, context);
  }

  /**
   * A block on its own (not counted among its siblings): what a job's group gets when walked apart.
   * `context` is the memo context of its parent body (made once per body when walked from there).
   */
  blockOnly(
    item: Block,
    schema: BodySchema,
    path: readonly string[],
    where: string,
    driverName: string | undefined,
    context = this.options.memo && this.ctx.incremental ? blockContext(this.ctx, schema, path, where, driverName) : undefined,
  ): void {
    const memo = this.options.memo;
    if (memo && context) {
      memo.run(this.ctx, blockKey(this.ctx, item), context, (ctx) => new SchemaWalker(ctx, this.options).blockItself(item, schema, path, where, driverName));
    } else this.blockItself(item, schema, path, where, driverName);
  }

  /** Everything about one block but how many of its type came before (see block()). */
  private blockItself(item: Block, schema: BodySchema, path: readonly string[], where: string, driverName: string | undefined): void {
    if (item.type === 'dynamic') {
      this.dynamicHeader(item);
      const generated = item.dynamic?.blockType ?? item.labels[0]?.value;
      if (!generated) return;
      const target = childBlock(schema, generated);
      if (!target) {
        this.unknown(generated, item.labels[0]?.range ?? item.typeRange, 'block', schema, path, where);
        return;
      }
      const content = item.dynamic?.content;
      if (content && (target.body !== 'driverConfig' || this.options.enterDriverConfig)) {
        const inner = bodyOfBlock(target, driverName);
        // Labels come from the dynamic block's `labels` attribute; required attributes may be generated too,
        // so only names and values are checked here.
        new SchemaWalker(this.ctx, this.options).walkLoose(content, inner, [...path, generated], `dynamic "${generated}" content`, driverName);
      }
      return;
    }

    const target = childBlock(schema, item.type);
    if (!target) {
      if (schema.attributes[item.type]) {
        this.ctx.report({
          range: item.typeRange,
          code: 'unknown-block',
          message: `${item.type} is an attribute in ${where}, not a block: write \`${item.type} = ...\`.`,
          data: { attributeInsteadOfBlock: item.type },
        });
        return;
      }
      this.unknown(item.type, item.typeRange, 'block', schema, path, where);
      return;
    }

    this.deprecation(item.type, item.typeRange, target, where);
    this.labels(item, target, where);

    if (target.body === 'driverConfig' && !this.options.enterDriverConfig) return;
    const innerDriver = item.type === 'task' || item.type === 'sidecar_task' ? this.driverOf(item) : driverName;
    const inner = bodyOfBlock(target, innerDriver);
    const body = this.options.ownBody?.(item) ?? item.body;
    this.walk(body, inner, [...path, item.type], describe(item), innerDriver, item);
  }

  /** The dynamic block's own settings: for_each (required), iterator, labels, and one content block. */
  private dynamicHeader(item: Block): void {
    const where = `dynamic "${item.labels[0]?.value ?? ''}"`;
    let forEach = false;
    let contents = 0;
    for (const inner of item.body.items) {
      if (inner.kind === 'attribute') {
        if (inner.name === 'for_each') forEach = true;
        const known = DYNAMIC_BLOCK.body !== 'driverConfig' ? DYNAMIC_BLOCK.body.attributes[inner.name] : undefined;
        if (!known) this.unknown(inner.name, inner.nameRange, 'attribute', (DYNAMIC_BLOCK.body as BodySchema), [], where);
      } else if (inner.type === 'content') {
        contents++;
        if (contents > 1) this.ctx.report({ range: inner.typeRange, code: 'duplicate', message: `${where} may have only one content block.` });
      } else {
        this.ctx.report({ range: inner.typeRange, code: 'unknown-block', message: `${upper(where)} takes only a content block; put ${inner.type} inside content { ... }.` });
      }
    }
    if (!forEach) this.ctx.report({ range: item.typeRange, code: 'missing-required', message: `${upper(where)} needs for_each: the collection to generate one block per element of.` });
    if (contents === 0) this.ctx.report({ range: item.typeRange, code: 'missing-required', message: `${upper(where)} needs a content block: the body of each generated block.` });
  }

  /** Like walk, without required-attribute checks (for dynamic content whose attributes may be generated). */
  walkLoose(body: Body, schema: BodySchema, path: readonly string[], where: string, driverName?: string): void {
    this.walk(body, { ...schema, attributes: Object.fromEntries(Object.entries(schema.attributes).map(([k, v]) => [k, { ...v, required: false }])) }, path, where, driverName);
  }

  private labels(item: Block, target: BlockSchema, where: string): void {
    const wanted = target.labels?.length ?? 0;
    if (target.body !== 'driverConfig' && !('open' in target.body && target.body.open) && item.labels.length > wanted) {
      const extra = item.labels[wanted];
      this.ctx.report({
        range: extra.range,
        code: 'unknown-block',
        message: wanted === 0
          ? `${item.type} in ${where} takes no label; remove "${extra.value}".`
          : `${item.type} in ${where} takes ${wanted} label${wanted === 1 ? '' : 's'} (${target.labels!.map((l) => l.name).join(', ')}); "${extra.value}" is one too many.`,
      });
    } else if (item.labels.length < wanted) {
      this.ctx.report({
        range: item.typeRange,
        code: 'missing-required',
        message: `${item.type} in ${where} needs a ${target.labels![item.labels.length].name} label, e.g. ${item.type} "example" { ... }.`,
      });
    }
  }

  private deprecation(name: string, range: Block['typeRange'], schema: AttributeSchema | BlockSchema, where: string): void {
    if (!schema.deprecated) return;
    this.ctx.report({
      range,
      code: 'deprecated',
      severity: schema.removed ? DiagnosticSeverity.Error : DiagnosticSeverity.Hint,
      // Accepted and ignored: faded as well as struck through, as code that does nothing.
      ...('ignored' in schema && schema.ignored ? { tags: [DiagnosticTag.Deprecated, DiagnosticTag.Unnecessary] } : {}),
      message: `${name} in ${where}: ${schema.deprecated}`,
      data: { removed: Boolean(schema.removed) },
    });
  }

  private unknown(name: string, range: Block['typeRange'], what: 'attribute' | 'block', schema: BodySchema, path: readonly string[], where: string): void {
    const candidates = what === 'attribute' ? Object.keys(schema.attributes) : Object.keys(schema.blocks);
    const others = what === 'attribute' ? Object.keys(schema.blocks) : Object.keys(schema.attributes);
    const nearest = nearestName(name, candidates) ?? nearestName(name, others);
    const hint = this.options.unknownAttributeHint?.(name, path);
    const suggestion = nearest ? ` Did you mean ${nearest}?` : '';
    this.ctx.report({
      range,
      code: what === 'attribute' ? 'unknown-attribute' : 'unknown-block',
      message: `${upper(where)} has no ${what} named ${name}.${hint ? ` ${hint}` : ''}${suggestion}`,
      data: nearest ? { replacement: nearest } : undefined,
    });
  }

  /** The task's driver when it is a known string. */
  driverOf(task: Block): string | undefined {
    const driver = task.body.items.find((i): i is Attribute => i.kind === 'attribute' && i.name === 'driver');
    if (!driver) return undefined;
    const value = this.ctx.evaluator.evaluate(driver.value);
    return typeof value === 'string' ? value : undefined;
  }
}

/** What every walk of a body reads from its schema besides single names, worked out once per schema. */
interface BodyShape {
  /** The required attributes, in the schema's order. */
  required: readonly string[];
  /** The block types that may also be written as an attribute. */
  eitherWay: ReadonlySet<string>;
}

/**
 * Counts `item` among the blocks of its type in `counts` when the schema limits how many there may be: the
 * count so far and the limit. Most types have no limit (a job's hundreds of groups): nothing to count.
 */
function countBlock(item: Block, schema: BodySchema, counts: Map<string, number>): { count: number; max: number } | undefined {
  if (item.type === 'dynamic') return undefined;
  const max = childBlock(schema, item.type)?.maxItems;
  if (max === undefined) return undefined;
  const count = (counts.get(item.type) ?? 0) + 1;
  counts.set(item.type, count);
  return { count, max };
}

// Schemas are data, never changed once made (memo.ts compares them by identity too).
const shapes = new WeakMap<BodySchema, BodyShape>();

function shapeOf(schema: BodySchema): BodyShape {
  let shape = shapes.get(schema);
  if (!shape) {
    shape = {
      required: Object.entries(schema.attributes).filter(([, attribute]) => attribute.required).map(([name]) => name),
      eitherWay: new Set(Object.entries(schema.blocks).filter(([, block]) => block.alsoAttribute === true).map(([name]) => name)),
    };
    shapes.set(schema, shape);
  }
  return shape;
}

/** The map type of a block that may be written as an attribute (`env = { ... }`). */
function mapTypeOf(body: BodySchema): AttributeSchema['type'] {
  return body.openType ? { kind: 'map', element: body.openType } : { kind: 'object', attributes: {} };
}

/** A body description at the start of a sentence ("Task \"web\" needs driver."). */
function upper(where: string): string {
  return where.charAt(0).toUpperCase() + where.slice(1);
}

export function describe(block: Block): string {
  const label = block.labels[0]?.value;
  return label !== undefined ? `${block.type} "${label}"` : block.type;
}
