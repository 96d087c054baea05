// The registry of checks and the function that runs them (analysis.ts calls runChecks). Each check reads
// the model, the schema and the settings only. Diagnostics come back in source order.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { JobFile } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import type { Check, CheckContext } from './check';
import { fileToken, jobToken, jobTokenMove } from './memo';
import { forgetRecentRun, groupOutputs } from './groupMemo';
import { scopeViewOf } from '../model/scopeReads';
import { checkpoint, isPaused, progress } from '../pause';
import { refreshMachine } from './machine';
import { byPositionThenCheck, publishedOf, sortedByPosition, withoutDuplicates, type Published } from './published';
import { schemaConformance } from './schemaConformance';
import { driverConfig } from './driverConfig';
import { execConfig } from './execConfig';
import { forgetRecentNames, jobRules } from './jobRules';
import { policyRules } from './policyRules';
import { settingsProblems } from './settingsProblems';
import { execCommandCheck } from './execCommand';
import { execInterpolationCheck } from './execInterpolation';
import { execTaskCheck } from './execTask';
import { variableRefsCheck } from './variableRefs';
import { variableDeclsCheck } from './variableDecls';
import { fileSandboxCheck } from './fileSandbox';
import { referencesCheck } from './references';
import { functionCallsCheck } from './functionCalls';
import { templateDataCheck } from './templateData';

export const CHECKS: Check[] = [
  schemaConformance, // every block and attribute against the jobspec schema
  driverConfig, // every task config against its driver's schema (schema/drivers.ts)
  execConfig, // what the exec config's values mean: capabilities, namespaces, work_dir
  jobRules, // cross-field rules Nomad applies when registering a job
  policyRules, // restart/update/migrate timing, placement operands, services, templates
  settingsProblems, // the agent config file or settings could not be used as given
  execCommandCheck, // issue 7: where the exec command comes from
  execInterpolationCheck, // issue 7: runtime names in exec config and elsewhere
  execTaskCheck, // issue 7: work_dir, user, kill_signal, kill_timeout, volume_mount
  variableRefsCheck, // issue 7: var.* and local.* must be declared
  variableDeclsCheck, // variable and locals declarations as Nomad decodes them (names, types, defaults, validation)
  fileSandboxCheck, // issue 11: file(), template sources and local artifacts stay in their sandbox
  referencesCheck, // issue 12: port labels named by services exist; unused variables, locals, ports
  functionCallsCheck, // issue 12: known functions with the right number of arguments
  templateDataCheck, // issue 13: template text checked with the runner's template engine
];

export interface RunOptions {
  /** The options the evaluator was made with: memoised results are only reused under the same ones. */
  evaluateOptions?: unknown;
  /** false: compute everything afresh, remembering nothing (memo.ts). */
  incremental?: boolean;
  /** The job file's folder (CheckContext.documentDir). */
  documentDir?: string;
}

/**
 * The file-level findings of a run that stopped at a checkpoint (pause.ts), for the next attempt on the same
 * model: the checks that ran (`done` of them, in order) are not run again. A run stops between two checks'
 * file-level parts (a file of 30,000 locals costs each check a hundred ms or more), or in the per-group part.
 */
const pausedRuns = new WeakMap<JobFile, { settings: EffectiveSettings; evaluator: Evaluator; fileLevel: Published[]; done: number }>();

// Each group's published diagnostics, in group order: reused from run to run (runChecks is synchronous).
const groupScratch: (readonly Published[])[] = [];

export function runChecks(file: JobFile, settings: EffectiveSettings, evaluator: Evaluator, options: RunOptions = {}): Diagnostic[] {
  // Model objects the edit did not touch are the same objects as last time: results are memoised per block
  // (memo.ts) and per group (groupMemo.ts).
  const tokenInput = { file, settings, documentDir: options.documentDir };
  const incremental = options.incremental === false ? undefined : { file: fileToken(tokenInput, options.evaluateOptions) };
  // The same without the variables and locals: only the group memo reads it (groupMemo.ts, scopeReads.ts).
  const withoutScope = incremental && fileToken(tokenInput, options.evaluateOptions, true);
  // Answers about this machine older than its cache allows are asked again, once, before anything reads them.
  refreshMachine();
  let current = 0;
  // After a pause (pause.ts), the file-level findings of the same run so far are taken over.
  const paused = pausedRuns.get(file);
  pausedRuns.delete(file);
  const resumed = paused && paused.settings === settings && paused.evaluator === evaluator && incremental ? paused : undefined;
  const fileLevel: Published[] = resumed?.fileLevel ?? [];
  const ctx: CheckContext = { file, settings, evaluator, incremental, documentDir: options.documentDir, report: (finding) => fileLevel.push(publishedOf(finding, current)), live: undefined };
  // Checks whose file-level part is done; recorded for the next attempt only when this one stops (pause.ts),
  // so an uninterrupted run (every keystroke) leaves nothing behind.
  let done = resumed?.done ?? 0;
  const groups = groupScratch;
  groups.length = 0;
  try {
    for (current = done; current < CHECKS.length; current++) {
      const reported = fileLevel.length;
      try {
        CHECKS[current].run(ctx);
      } catch (error) {
        // A pause is not a failure: the run starts over from the caches (the reference index, memos), and
        // from the checks done so far; this one's findings until the pause are dropped with it.
        if (isPaused(error)) {
          fileLevel.length = reported;
          throw error;
        }
        // One failing check must not hide the others' findings.
      }
      done = current + 1;
      if (!incremental) continue;
      progress();
      checkpoint();
    }
    if (!resumed) progress();
    checkpoint();
    // Then each group, all checks at once: a from-scratch run reports in that order too, so ties between
    // findings at the same position are broken the same way (by check, then file level before groups, then
    // group order).
    const scope = scopeViewOf(file);
    for (const job of file.jobs) {
      const parts = CHECKS.map((check) => {
        try {
          return check.groups?.(ctx, job);
        } catch {
          return undefined;
        }
      });
      const context = incremental ? { token: jobToken(ctx, job), withoutScope: jobToken(ctx, job, withoutScope), scope, job, moved: jobTokenMove(ctx, job, options.evaluateOptions) } : undefined;
      groupOutputs(ctx, job, parts, context, groups);
    }
  } catch (error) {
    if (incremental && isPaused(error)) pausedRuns.set(file, { settings, evaluator, fileLevel, done });
    groups.length = 0;
    throw error;
  }
  const diagnostics = publish(fileLevel, groups);
  groups.length = 0;
  return diagnostics;
}

/**
 * All findings in source order, then check order, then file level before groups and group order; the
 * first of each key only (a job-level setting checked once per group may be reported more than once).
 * Groups' findings are usually in source order already, one group after the other: then this is one merge
 * of two sorted lists, without sorting the many.
 */
function publish(reported: Published[], groups: readonly (readonly Published[])[]): Diagnostic[] {
  // Reported check by check: a stable sort by position gives position, check, report order.
  const fileLevel = sortedByPosition(reported);
  let merged: Published[];
  if (groupsInOrder(groups)) {
    merged = [];
    let next = 0;
    for (const items of groups) {
      for (const item of items) {
        // At the same position and check, file-level findings were reported first.
        while (next < fileLevel.length && byPositionThenCheck(fileLevel[next], item) <= 0) merged.push(fileLevel[next++]);
        merged.push(item);
      }
    }
    while (next < fileLevel.length) merged.push(fileLevel[next++]);
  } else {
    // Rare (a group reporting outside itself): one stable sort of everything, in the order reported.
    merged = fileLevel.slice();
    for (const items of groups) for (const item of items) merged.push(item);
    merged.sort(byPositionThenCheck);
  }
  return withoutDuplicates(merged).map((p) => p.diagnostic);
}

/** Whether the groups' lists, one after the other, are sorted by position then check. */
function groupsInOrder(groups: readonly (readonly Published[])[]): boolean {
  let last: Published | undefined;
  for (const items of groups) {
    if (items.length === 0) continue;
    if (last && byPositionThenCheck(last, items[0]) > 0) return false;
    last = items[items.length - 1];
  }
  return true;
}

/**
 * Lets go of what the checks keep of the most recent run, whichever document it was: called when a document
 * is closed, so that its model is not kept alive by that alone (the rest is held by its model's objects).
 */
export function forgetRecentRuns(): void {
  forgetRecentRun();
  forgetRecentNames();
}
