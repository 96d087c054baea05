// Asks the language server for the jobs, groups, tasks and variables of a job file (`nomadExec/tasks`).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  tasksRequestMethod,
  type OutlineGroup,
  type OutlineTask,
  type TasksParams,
  type TasksResult,
} from '../../server/src/features/tasksProtocol';

export type { OutlineGroup, OutlineTask, TasksResult };

export async function fetchOutline(client: LanguageClient, uri: vscode.Uri): Promise<TasksResult> {
  if (!client.isRunning()) await client.start();
  const params: TasksParams = { uri: client.code2ProtocolConverter.asUri(uri) };
  return client.sendRequest<TasksResult>(tasksRequestMethod, params);
}

export function toRange(client: LanguageClient, range: OutlineTask['range']): vscode.Range {
  return client.protocol2CodeConverter.asRange(range);
}

/** Every task that can run locally, with its group. */
export function runnableTasks(outline: TasksResult): { group: OutlineGroup; task: OutlineTask }[] {
  return outline.groups.flatMap((group) => group.tasks.filter((task) => task.runnable).map((task) => ({ group, task })));
}
