// Folding ranges from the syntax tree: blocks, multi-line lists, objects and calls, heredocs, block
// comments and runs of line comments. The closing bracket stays visible when folded.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { Node, Tree } from 'web-tree-sitter';
import type { Feature } from '../feature';
import { documentHandler } from './featureInput';

const BRACKETED = new Set(['block', 'object', 'tuple', 'function_call', 'for_tuple_expr', 'for_object_expr']);

export function foldingRanges(tree: Tree): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  let commentRun: { start: number; end: number } | undefined;
  const flushComments = () => {
    if (commentRun && commentRun.end > commentRun.start) {
      ranges.push({ startLine: commentRun.start, endLine: commentRun.end, kind: FoldingRangeKind.Comment });
    }
    commentRun = undefined;
  };
  // Iterative, in document order: deeply nested files must not exhaust the stack.
  const stack: Node[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    if (node.type === 'comment' || node.endPosition.row <= node.startPosition.row) continue;
    for (let i = node.childCount - 1; i >= 0; i--) stack.push(node.child(i)!);
  }
  flushComments();
  return ranges;

  function visit(node: Node): void {
    const start = node.startPosition.row;
    const end = node.endPosition.row;
    if (node.type === 'comment') {
      if (end > start) {
        flushComments();
        ranges.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Comment });
      } else if (node.text.startsWith('#') || node.text.startsWith('//')) {
        if (commentRun && commentRun.end === start - 1) commentRun.end = start;
        else {
          flushComments();
          commentRun = { start, end: start };
        }
      }
      return;
    }
    if (end <= start) return;
    if (BRACKETED.has(node.type)) {
      // Keep the line of the closing bracket visible.
      const last = node.lastChild;
      const closesOnOwnLine = last !== null && last.startPosition.row === end && !last.isMissing;
      const endLine = closesOnOwnLine ? end - 1 : end;
      if (endLine > start) ranges.push({ startLine: start, endLine });
    } else if (node.type === 'heredoc_template') {
      if (end - 1 > start) ranges.push({ startLine: start, endLine: end - 1 });
    }
  }
}

export const foldingFeature: Feature = {
  name: 'foldingRange',
  capabilities: () => ({ foldingRangeProvider: true }),
  register(ctx) {
    ctx.connection.onFoldingRanges(documentHandler(ctx, 'foldingRange', [] as FoldingRange[], (input) => foldingRanges(input.tree)));
  },
};
