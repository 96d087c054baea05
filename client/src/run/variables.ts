// Decides the values of the job's input variables for a run, in increasing precedence: defaults,
// NOMAD_VAR_<name> in the environment, var files (settings, then the task definition), `nomadExec.variables`,
// the task definition's `vars`. A variable left without any value is asked for with an input box.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readVarFile, varFilePath, type VarFileRef } from '../../../launcher/src/variables';
import type { TasksResult } from '../outline';
import type { RunSettings } from '../settings';
import type { RunTarget } from './target';

export interface VariableValues {
  vars: { name: string; value: string }[];
  varFiles: VarFileRef[];
}

/**
 * Names a var file assigns: top-level `name =` lines of HCL, or the keys of a JSON object. Read as the runner
 * reads it (readVarFile: a plain file only, one the workspace names only inside it).
 */
export function namesInVarFile(ref: VarFileRef): Set<string> {
  const names = new Set<string>();
  const read = readVarFile(ref);
  // The planner reports a file it does not read, with the reason.
  if ('problem' in read) return names;
  const text = read.text;
  if (varFilePath(ref).endsWith('.json')) {
    try {
      for (const key of Object.keys(JSON.parse(text) as object)) names.add(key);
    } catch {
      /* reported by the planner */
    }
    return names;
  }
  for (const match of text.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=/gm)) names.add(match[1]);
  return names;
}

function resolvePath(file: string, base: string): string {
  return path.isAbsolute(file) ? file : path.join(base, file);
}

/** Returns undefined when the user dismissed an input box. */
export async function decideVariables(
  outline: TasksResult,
  target: RunTarget,
  settings: RunSettings,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<VariableValues | undefined> {
  // Named by the workspace (its settings, a task definition): read only inside it. The user's own settings
  // may name any file, as `--var-file` may.
  const inWorkspace = (file: string): VarFileRef => ({ path: resolvePath(file, baseDir), within: baseDir });
  const varFiles: VarFileRef[] = [
    ...settings.varFiles.map((file) => (settings.varFilesFromWorkspace ? inWorkspace(file) : resolvePath(file, baseDir))),
    ...(target.varFiles ?? []).map(inWorkspace),
  ];
  // The setting serves every job file: only the variables this job declares are passed on.
  const declared = new Set(outline.variables.map((v) => v.name));
  const vars = [
    ...Object.entries(settings.variables)
      .filter(([name]) => declared.has(name))
      .map(([name, value]) => ({ name, value })),
    ...Object.entries(target.vars ?? {}).map(([name, value]) => ({ name, value })),
  ];
  const known = new Set(vars.map((v) => v.name));
  for (const file of varFiles) for (const name of namesInVarFile(file)) known.add(name);
  for (const variable of outline.variables) {
    if (variable.hasDefault || known.has(variable.name) || env[`NOMAD_VAR_${variable.name}`] !== undefined) continue;
    const value = await vscode.window.showInputBox({
      title: `Value for variable "${variable.name}"`,
      prompt: [variable.description, variable.type ? `type ${variable.type}` : undefined, 'HCL syntax for lists, maps and numbers; plain text for strings']
        .filter(Boolean)
        .join(' · '),
      placeHolder: variable.name,
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    vars.push({ name: variable.name, value });
  }
  return { vars, varFiles };
}
