// Works out what `Run Task Locally` / `Run Group Locally` should run from its argument: a target from a code
// lens or a test, a file URI from a menu, or the cursor in the active editor, with a quick pick as last resort.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { fetchOutline, runnableTasks, toRange, type TasksResult } from '../outline';
import type { RunTarget } from './target';

function isTarget(value: unknown): value is RunTarget {
  return typeof value === 'object' && value !== null && typeof (value as RunTarget).file === 'string';
}

function jobFileOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'nomad' && editor.document.uri.scheme === 'file') return editor.document.uri;
  return undefined;
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{nomad.hcl,nomad}', '**/node_modules/**', 200);
  if (files.length === 0) return undefined;
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which job file?' },
  );
  return picked?.uri;
}

export async function pickTarget(client: LanguageClient, arg: unknown, whole: 'task' | 'group'): Promise<RunTarget | undefined> {
  if (isTarget(arg)) return arg;
  const uri = jobFileOf(arg) ?? (await pickFile());
  if (!uri) {
    void vscode.window.showInformationMessage('Open a Nomad job file (*.nomad.hcl) to run one of its tasks.');
    return undefined;
  }
  const outline = await fetchOutline(client, uri);
  const editor = vscode.window.activeTextEditor;
  const cursor = editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active : undefined;
  return whole === 'task' ? pickTask(client, outline, uri, cursor) : pickGroup(client, outline, uri, cursor);
}

async function pickTask(client: LanguageClient, outline: TasksResult, uri: vscode.Uri, cursor?: vscode.Position): Promise<RunTarget | undefined> {
  const tasks = runnableTasks(outline);
  const file = uri.fsPath;
  if (cursor) {
    const here = tasks.find(({ task }) => toRange(client, task.range).contains(cursor));
    if (here) return { file, group: here.group.name, task: here.task.name };
    const group = outline.groups.find((g) => toRange(client, g.range).contains(cursor));
    const inGroup = tasks.filter((t) => t.group === group);
    if (inGroup.length === 1) return { file, group: inGroup[0].group.name, task: inGroup[0].task.name };
  }
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(uri)} has no task with driver "exec".`);
    return undefined;
  }
  if (tasks.length === 1) return { file, group: tasks[0].group.name, task: tasks[0].task.name };
  const picked = await vscode.window.showQuickPick(
    tasks.map(({ group, task }) => ({ label: task.name, description: `group ${group.name}`, group, task })),
    { placeHolder: 'Which task should run locally?' },
  );
  return picked && { file, group: picked.group.name, task: picked.task.name };
}

async function pickGroup(client: LanguageClient, outline: TasksResult, uri: vscode.Uri, cursor?: vscode.Position): Promise<RunTarget | undefined> {
  const groups = outline.groups.filter((g) => g.tasks.some((t) => t.runnable));
  const file = uri.fsPath;
  if (cursor) {
    const here = groups.find((g) => toRange(client, g.range).contains(cursor));
    if (here) return { file, group: here.name };
  }
  if (groups.length === 0) {
    void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(uri)} has no group with an exec task.`);
    return undefined;
  }
  if (groups.length === 1) return { file, group: groups[0].name };
  const picked = await vscode.window.showQuickPick(
    groups.map((g) => ({ label: g.name, description: g.tasks.map((t) => t.name).join(', '), group: g })),
    { placeHolder: 'Which group should run locally?' },
  );
  return picked && { file, group: picked.group.name };
}
