// The interface every check implements. A check reads the job model, the schema and the settings and
// reports diagnostics; it never touches the syntax tree, so checks stay independent of the parser.
import type { DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import type { JobFile } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import type { DiagnosticCode } from './codes';

export interface Finding {
  range: Range;
  code: DiagnosticCode;
  message: string;
  /** Defaults to the code's severity in codes.ts. */
  severity?: DiagnosticSeverity;
  /** Anything a quick fix needs (e.g. `{ replacement: "cap_add" }`); passed through as Diagnostic.data. */
  data?: unknown;
}

export interface CheckContext {
  file: JobFile;
  settings: EffectiveSettings;
  evaluator: Evaluator;
  report(finding: Finding): void;
  /**
   * Set when results may be memoised per model object across edits (memo.ts); `file` is the file token.
   * Absent in one-shot runs: everything is computed afresh.
   */
  incremental?: { file: object };
  /** Set while a memoised result is being recorded: see memo.ts `live`. */
  live?(run: (ctx: CheckContext) => void): void;
}

export interface Check {
  /** Short name for logs and tests. */
  name: string;
  run(ctx: CheckContext): void;
}
