// Visits every attribute of a body with the names bound at that point by `dynamic` blocks (their iterator),
// so interpolation checks never mistake `volume.value` inside `dynamic "volume"` for a runtime name.
import type { Attribute, Block, Body, BodyItem } from '../model/types';
import { withNames } from '../model/exprWalk';
import { iteratorName } from '../schema/runtimeQuery';
import type { CheckContext } from './check';
import type { FindingMemo } from './memo';

export interface BodyVisitor {
  attribute(attribute: Attribute, bound: ReadonlySet<string>, parents: readonly Block[]): void;
  /** Return false to skip a nested block (e.g. `task` blocks when walking a group's own settings). */
  enterBlock?(block: Block, parents: readonly Block[]): boolean;
  /** The body to walk for a block (a job's settings without its groups, memo.ts ownBody); its own by default. */
  bodyOf?(block: Block): Body;
}

/**
 * `parents` is the walk's stack of enclosing blocks: pushed and popped as it goes (an array per block
 * was most of the walk's own time), so a visitor reads it during its call and never keeps it. A caller
 * hands in an array of its own.
 */
export function walkBody(body: Body | undefined, bound: ReadonlySet<string>, visitor: BodyVisitor, parents: Block[] = []): void {
  if (!body) return;
  for (const item of body.items) walkItem(item, bound, visitor, parents);
}

/** One item of a body as walkBody visits it. */
export function walkItem(item: BodyItem, bound: ReadonlySet<string>, visitor: BodyVisitor, parents: Block[]): void {
  if (item.kind === 'attribute') visitor.attribute(item, bound, parents);
  else walkBlock(item, bound, visitor, parents);
}

/** One block as walkBody visits it (`parents` are the blocks around it, see walkBody). */
export function walkBlock(item: Block, bound: ReadonlySet<string>, visitor: BodyVisitor, parents: Block[] = []): void {
  if (visitor.enterBlock && visitor.enterBlock(item, parents) === false) return;
  parents.push(item);
  if (item.type === 'dynamic') {
    const inner = withNames(bound, [iteratorName(item)]);
    walkBody(item.body, inner, visitor, parents);
    // The content body may be held apart from the block's own items.
    if (item.dynamic?.content && !item.body.items.some((i) => i.kind === 'block' && i.body === item.dynamic?.content)) {
      walkBody(item.dynamic.content, inner, visitor, parents);
    }
  } else walkBody(visitor.bodyOf ? visitor.bodyOf(item) : item.body, bound, visitor, parents);
  parents.pop();
}

/**
 * Walks the items of `body` as walkBody does, through `memo.eachItem` in `context` (memo.ts): a large body can
 * stop between two items and go on. The visitor for each context an item is walked in is `visitorFor`'s.
 */
export function walkRemembered(memo: FindingMemo, ctx: CheckContext, body: Body, context: unknown, visitorFor: (ctx: CheckContext) => BodyVisitor, parents: Block[]): void {
  const visitor = perContext(visitorFor);
  memo.eachItem(ctx, body, context, (ctx, item) => walkItem(item, NO_NAMES, visitor(ctx), parents));
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** `make(ctx)` for the context asked about last: a walk of a large body asks for the same one item after item. */
export function perContext<C, V>(make: (ctx: C) => V): (ctx: C) => V {
  let last: C | undefined;
  let made: V | undefined;
  return (ctx) => {
    if (ctx !== last || made === undefined) {
      last = ctx;
      made = make(ctx);
    }
    return made;
  };
}
