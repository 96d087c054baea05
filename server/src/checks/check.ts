// The interface every check implements. A check reads the job model, the schema and the settings and
// reports diagnostics; it never touches the syntax tree, so checks stay independent of the parser.
import type { DiagnosticSeverity, DiagnosticTag, Range } from 'vscode-languageserver-types';
import type { Group, Job, JobFile } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import type { DiagnosticCode } from './codes';

export interface Finding {
  range: Range;
  code: DiagnosticCode;
  message: string;
  /** Defaults to the code's severity in codes.ts. */
  severity?: DiagnosticSeverity;
  /** Replaces the code's tags (codes.ts) for this finding. */
  tags?: DiagnosticTag[];
  /** Anything a quick fix needs (e.g. `{ replacement: "cap_add" }`); passed through as Diagnostic.data. */
  data?: unknown;
  /** Set (to DIAGNOSTIC_SOURCE) only on a finding made as its own diagnostic: published.ts `diagnosticOf`. */
  source?: string;
}

export interface CheckContext {
  file: JobFile;
  settings: EffectiveSettings;
  evaluator: Evaluator;
  /**
   * The job file's folder on this machine, when the document is a file: paths read beside the job are judged
   * against it (fileSandbox.ts). Constant for a document, so memoised results stay right.
   */
  documentDir?: string;
  report(finding: Finding): void;
  /**
   * Set when results may be memoised per model object across edits (memo.ts); `file` is the file token.
   * Absent in one-shot runs: everything is computed afresh.
   */
  incremental?: { file: object };
  /** Set while a memoised result is being recorded: see memo.ts `live`. */
  live?(run: (ctx: CheckContext) => void): void;
}

/**
 * A context like `base` with its own `incremental`, `report` and `live`. Every field written out, here
 * once (and in memo.ts Recording): contexts made alike share one shape where a spread of contexts of
 * varying shapes was slow, and a field added to CheckContext is carried by each of them.
 */
export function contextFrom(base: CheckContext, incremental: CheckContext['incremental'], report: CheckContext['report'], live: CheckContext['live']): CheckContext {
  return { file: base.file, settings: base.settings, evaluator: base.evaluator, incremental, documentDir: base.documentDir, report, live };
}

/** A check's work on one group of a job. */
export type GroupCheck = (ctx: CheckContext, group: Group) => void;

export interface Check {
  /** Short name for logs and tests. */
  name: string;
  /** Everything but the per-group part: the file, each job's own settings. Never visits a job's groups. */
  run(ctx: CheckContext): void;
  /**
   * The per-group part, asked for once per job and run: runChecks calls it for each group of the job and
   * remembers its findings per group, for all checks at once (groupMemo.ts). What it reports may depend on
   * the group and on what the job token covers (memo.ts), nothing else.
   */
  groups?(ctx: CheckContext, job: Job): GroupCheck | undefined;
}
