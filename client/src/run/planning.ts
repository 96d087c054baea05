// From a run target to a launch plan: variables decided (asking for missing ones), settings applied, the
// planner called, and a quick pick shown when the file leaves the choice of task open.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { isPlanError, planRun, type LaunchPlan, type PlanError, type RunRequest } from '../../../launcher/src/api';
import { fetchOutline } from '../outline';
import { readRunSettings } from '../settings';
import type { RunTarget } from './target';
import { decideVariables } from './variables';

/** Why a run cannot start: the planner's message and, when it is about one place, where and the fix. */
export type RunProblem = Pick<PlanError, 'message' | 'at' | 'code' | 'hint'>;

export type Planned =
  | { kind: 'plan'; plan: LaunchPlan; target: RunTarget }
  | ({ kind: 'error' } & RunProblem)
  | { kind: 'cancelled' };

/** The text of an open editor for the file, so a run uses what the user sees even before saving. */
function openText(file: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  return doc?.isDirty ? doc.getText() : undefined;
}

export function workspaceDirFor(file: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  return folder ? folder.uri.fsPath : path.dirname(file);
}

/**
 * `stateDir` is the extension's storage folder: alloc dirs go there unless a setting or the task definition
 * names a folder, or `nomadExec.allocDirLocation` is `workspace` (then `<workspace>/.nomad-exec`).
 */
export async function planTarget(client: LanguageClient, initial: RunTarget, stateDir?: string): Promise<Planned> {
  const uri = vscode.Uri.file(initial.file);
  const settings = readRunSettings(uri);
  const workspace = workspaceDirFor(initial.file);
  let outline;
  try {
    outline = await fetchOutline(client, uri);
  } catch (err) {
    return { kind: 'error', message: `Could not read ${initial.file}: ${(err as Error).message}` };
  }
  const values = await decideVariables(outline, initial, settings, workspace);
  if (!values) return { kind: 'cancelled' };
  let target = initial;
  for (;;) {
    const allocDir = target.allocDir ?? settings.allocDir;
    const request: RunRequest = {
      file: target.file,
      text: openText(target.file),
      group: target.group,
      task: target.task,
      vars: values.vars,
      varFiles: values.varFiles,
      workspace,
      settings: settings.agent,
      // A configured folder holds the runs' alloc dirs; a task definition's `allocDir` is the alloc dir
      // itself. Either, named by the workspace, only inside the workspace folder.
      allocDir: target.allocDir ? path.resolve(workspace, target.allocDir) : undefined,
      ...(target.allocDir ? { allocDirWithin: workspace } : {}),
    };
    if (!target.allocDir && allocDir) {
      request.workspace = path.resolve(workspace, allocDir);
      if (settings.allocDirFromWorkspace) request.allocDirWithin = workspace;
    } else if (!target.allocDir && settings.allocDirLocation === 'storage' && stateDir) request.stateDir = stateDir;
    const plan = await planRun(request);
    if (!isPlanError(plan)) return { kind: 'plan', plan, target };
    if (!plan.choices || plan.choices.length === 0 || (target.task && target.group)) {
      return { kind: 'error', message: plan.message, at: plan.at, code: plan.code, hint: plan.hint };
    }
    const picked = await vscode.window.showQuickPick(
      plan.choices.map((choice) => ({ label: choice.label, choice })),
      { title: plan.message, placeHolder: 'Which task should run?' },
    );
    if (!picked) return { kind: 'cancelled' };
    target = { ...target, group: picked.choice.group, task: picked.choice.task };
  }
}
