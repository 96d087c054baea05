// A syntax error must not take the rest of the file down with it. tree-sitter's error recovery can read
// everything after one broken line as something else (`count = = 1` becomes a heredoc that swallows every
// later group), so the model of an erroneous text would lose the blocks whose text is intact. HCL's own
// parser (mirrored by parser/hclVerdict) skips just the body item that holds a mistake; we do the same by
// blanking those items (spaces in place of their characters, line ends kept, so every offset and position
// stays valid) and building the model from that text when it parses cleanly.
import type { Tree } from 'web-tree-sitter';
import { buildModel } from './model/build';
import type { JobFile } from './model/types';
import type { SyntaxIssue } from './parser/hclVerdict';

/** `text` with each broken body item blanked, or undefined when some mistake is not confined to an item. */
export function blankBrokenItems(text: string, issues: readonly SyntaxIssue[]): string | undefined {
  const spans: [number, number][] = [];
  for (const issue of issues) {
    if (issue.kind !== 'syntax') continue;
    if (issue.itemFrom === undefined || issue.skippedTo === undefined) return undefined;
    spans.push([issue.itemFrom, issue.skippedTo]);
  }
  if (spans.length === 0) return undefined;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [from, to] of spans) {
    if (to <= at) continue;
    const start = Math.max(from, at);
    out += text.slice(at, start) + text.slice(start, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
}

/** The model of `text` with its broken items left out, when that text parses without error. */
export function modelWithoutBrokenItems(text: string, issues: readonly SyntaxIssue[] | undefined, parse: (text: string) => Tree): JobFile | undefined {
  if (!issues) return undefined;
  const blanked = blankBrokenItems(text, issues);
  if (blanked === undefined) return undefined;
  const tree = parse(blanked);
  try {
    if (tree.rootNode.hasError) return undefined;
    return buildModel(tree, blanked).file;
  } finally {
    tree.delete();
  }
}
