// How many diagnostics the server sends for one document. A generated file can have tens of thousands of
// findings (a string of 50,000 `${var.x}` naming an undeclared variable): encoding and writing them held the
// server's one thread for most of a second, the editor then decoded and drew every one, and nobody reads
// past the first screens of them. Above the limit the most severe are sent (errors first, then warnings,
// information and hints, each in source order), with one notice at the top of the file saying how many
// there are. The analysis keeps them all: `nomad-exec check` prints every one.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from './checks/codes';

export const MAX_SHOWN_DIAGNOSTICS = 5000;

/** By the analysis' list: the same list always gives the same answer, as the same objects. */
const shown = new WeakMap<readonly Diagnostic[], readonly Diagnostic[]>();

/** The diagnostics to send for a document whose analysis found `all` (in source order). */
export function shownDiagnostics(all: readonly Diagnostic[], max = MAX_SHOWN_DIAGNOSTICS): readonly Diagnostic[] {
  if (all.length <= max) return all;
  let list = shown.get(all);
  if (!list) {
    list = mostSevere(all, max);
    shown.set(all, list);
  }
  return list;
}

function mostSevere(all: readonly Diagnostic[], max: number): Diagnostic[] {
  // Severities run from 1 (error) to 4 (hint); a diagnostic without one counts as an error, as editors show it.
  const rank = (d: Diagnostic) => d.severity ?? DiagnosticSeverity.Error;
  const counts = [0, 0, 0, 0, 0];
  for (const d of all) counts[rank(d)]++;
  // The least severe level that still fits in part, and how many of that level fit.
  let room = max;
  let level = DiagnosticSeverity.Error;
  while (level < DiagnosticSeverity.Hint && counts[level] <= room) room -= counts[level++];
  const kept: Diagnostic[] = [notice(all.length, max)];
  for (const d of all) {
    const r = rank(d);
    if (r < level || (r === level && room-- > 0)) kept.push(d);
  }
  return kept;
}

function notice(total: number, max: number): Diagnostic {
  const at = { line: 0, character: 0 };
  return {
    range: { start: at, end: at },
    severity: DIAGNOSTIC_CODES['analysis-limit'].severity,
    code: 'analysis-limit',
    source: DIAGNOSTIC_SOURCE,
    message: `This file has ${total.toLocaleString('en-US')} problems; the editor is shown ${max.toLocaleString('en-US')} of them, the most severe first (errors, then warnings, then the rest, each from the top of the file). Fix those and the others appear; \`nomad-exec check\` lists them all.`,
  };
}
