// The registry of checks and the function that runs them (analysis.ts calls runChecks). Each check reads
// the model, the schema and the settings only. Diagnostics come back in source order.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { JobFile } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import type { Check, Finding } from './check';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from './codes';
import { fileToken } from './memo';
import { schemaConformance } from './schemaConformance';
import { execConfig } from './execConfig';
import { jobRules } from './jobRules';
import { policyRules } from './policyRules';
import { settingsProblems } from './settingsProblems';
import { execCommandCheck } from './execCommand';
import { execInterpolationCheck } from './execInterpolation';
import { execTaskCheck } from './execTask';
import { variableRefsCheck } from './variableRefs';

export const CHECKS: Check[] = [
  schemaConformance, // every block and attribute against the jobspec schema
  execConfig, // the exec driver's task config, capabilities and namespaces
  jobRules, // cross-field rules Nomad applies when registering a job
  policyRules, // restart/update/migrate timing, placement operands, services, templates
  settingsProblems, // the agent config file or settings could not be used as given
  execCommandCheck, // issue 7: where the exec command comes from
  execInterpolationCheck, // issue 7: runtime names in exec config and elsewhere
  execTaskCheck, // issue 7: work_dir, user, kill_signal, kill_timeout, volume_mount
  variableRefsCheck, // issue 7: var.* and local.* must be declared
];

export interface RunOptions {
  /** The options the evaluator was made with: memoised results are only reused under the same ones. */
  evaluateOptions?: unknown;
  /** false: compute everything afresh, remembering nothing (memo.ts). */
  incremental?: boolean;
}

/** A finding's diagnostic (never mutated once made) and its dedup key. */
interface Published {
  diagnostic: Diagnostic;
  key: string;
}

/** By finding: a replayed finding (memo.ts) is the same object as last time, and so is its diagnostic. */
const published = new WeakMap<Finding, Published>();

function publishedOf(finding: Finding): Published {
  let known = published.get(finding);
  if (known) return known;
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: finding.severity ?? DIAGNOSTIC_CODES[finding.code].severity,
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.data !== undefined) diagnostic.data = finding.data;
  known = { diagnostic, key: `${diagnostic.range.start.line}:${diagnostic.range.start.character}:${diagnostic.code}:${diagnostic.message}` };
  published.set(finding, known);
  return known;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

export function runChecks(file: JobFile, settings: EffectiveSettings, evaluator: Evaluator, options: RunOptions = {}): Diagnostic[] {
  const reported: Published[] = [];
  const report = (finding: Finding): void => {
    reported.push(publishedOf(finding));
  };
  // Model objects the edit did not touch are the same objects as last time: checks memoise per block (memo.ts).
  const incremental = options.incremental === false ? undefined : { file: fileToken({ file, settings }, options.evaluateOptions) };
  for (const check of CHECKS) {
    try {
      check.run({ file, settings, evaluator, report, incremental });
    } catch {
      // One failing check must not hide the others' findings.
    }
  }
  // A job-level setting checked once per group may be reported more than once: keep the first of each.
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  let sorted = true;
  for (const { diagnostic, key } of reported) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (sorted && diagnostics.length > 0 && byPosition(diagnostics[diagnostics.length - 1], diagnostic) > 0) sorted = false;
    diagnostics.push(diagnostic);
  }
  // Source order reads best in the CLI and in editors' problem lists; sort is stable for equal positions.
  return sorted ? diagnostics : diagnostics.sort(byPosition);
}
