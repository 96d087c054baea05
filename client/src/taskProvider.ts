// Lets users put local runs in tasks.json: `{ "type": "nomad-exec", "file": "jobs/web.nomad.hcl", "task": "web" }`.
// Detected tasks: one per exec task of every job file in the workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { fetchOutline, runnableTasks } from './outline';
import type { RunManager } from './run/runManager';
import { runLabel, type RunTarget } from './run/target';

export const taskType = 'nomad-exec';

interface NomadTaskDefinition extends vscode.TaskDefinition, Omit<RunTarget, 'file'> {
  file: string;
}

export class NomadTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly client: LanguageClient,
    private readonly runs: RunManager,
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    const tasks: vscode.Task[] = [];
    const files = await vscode.workspace.findFiles('**/*.{nomad.hcl,nomad}', '**/{node_modules,.nomad-exec}/**', 100);
    for (const uri of files) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) continue;
      let outline;
      try {
        outline = await fetchOutline(this.client, uri);
      } catch {
        continue;
      }
      for (const { group, task } of runnableTasks(outline)) {
        const definition: NomadTaskDefinition = {
          type: taskType,
          file: path.relative(folder.uri.fsPath, uri.fsPath),
          group: group.name,
          task: task.name,
        };
        tasks.push(this.make(definition, folder, runLabel(outline.job, { file: uri.fsPath, group: group.name, task: task.name })));
      }
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as NomadTaskDefinition;
    if (typeof definition.file !== 'string') return undefined;
    const scope = typeof task.scope === 'object' ? task.scope : undefined;
    return this.make(definition, scope, task.name);
  }

  private make(definition: NomadTaskDefinition, folder: vscode.WorkspaceFolder | undefined, name: string): vscode.Task {
    const base = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const target: RunTarget = {
      file: path.resolve(base, definition.file),
      group: definition.group,
      task: definition.task,
      vars: definition.vars,
      varFiles: definition.varFiles?.map((f) => path.resolve(base, f)),
      allocDir: definition.allocDir,
    };
    const execution = new vscode.CustomExecution(async () => this.runs.pseudoterminalFor(target, name));
    const task = new vscode.Task(definition, folder ?? vscode.TaskScope.Workspace, name, 'nomad', execution);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    return task;
  }
}
