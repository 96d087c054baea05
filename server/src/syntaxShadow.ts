// After a syntax error, tree-sitter's error recovery can misplace what follows: a block may end early, so the
// next one appears at top level ("no block named group"), or a heredoc broken by a stray `${` swallows the
// attributes after it ("template needs destination"). Findings built on such a guess would send the user
// after mistakes they did not make, so when the model comes from that tree we keep only the findings that
// lie before the first error. When it comes from the text without its broken items (syntaxRepair) every
// finding stands. Either way `missing-required` on a block that encloses an error is dropped.
import type { Diagnostic, Position, Range } from 'vscode-languageserver-types';
import type { Body, JobFile } from './model/types';
import { before, holds } from './model/positions';

function rangeKey(range: Range): string {
  return `${range.start.line}:${range.start.character}`;
}

/** The type-name ranges of every block whose text encloses one of `positions`. */
function enclosingBlockHeads(body: Body, positions: Position[], into: Set<string>): void {
  for (const item of body.items) {
    if (item.kind !== 'block') continue;
    const inside = positions.filter((pos) => holds(item.range, pos));
    if (inside.length === 0) continue;
    into.add(rangeKey(item.typeRange));
    enclosingBlockHeads(item.body, inside, into);
    if (item.dynamic?.content) enclosingBlockHeads(item.dynamic.content, inside, into);
  }
}

/**
 * `modelIntact`: the model was built from the text without its broken items (syntaxRepair), so findings
 * after an error are sound; only `missing-required` on the blocks around an error (what is missing may be
 * in the broken item) is dropped then.
 */
export function dropFindingsShadowedBySyntaxErrors(file: JobFile, syntax: Diagnostic[], findings: Diagnostic[], modelIntact = false): Diagnostic[] {
  if (syntax.length === 0) return findings;
  const positions = syntax.map((d) => d.range.start);
  const first = positions.reduce((a, b) => (before(b, a) ? b : a));
  const heads = new Set<string>();
  enclosingBlockHeads(file.body, positions, heads);
  return findings.filter(
    (d) => (modelIntact || before(d.range.start, first)) && !(d.code === 'missing-required' && heads.has(rangeKey(d.range))),
  );
}
