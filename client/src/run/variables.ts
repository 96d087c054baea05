// Decides the values of the job's input variables for a run, in increasing precedence: defaults,
// NOMAD_VAR_<name> in the environment, var files (settings, then the task definition), `nomadExec.variables`,
// the task definition's `vars`. A variable left without any value is asked for with an input box.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TasksResult } from '../outline';
import type { RunSettings } from '../settings';
import type { RunTarget } from './target';

export interface VariableValues {
  vars: { name: string; value: string }[];
  varFiles: string[];
}

/** Names a var file assigns: top-level `name =` lines of HCL, or the keys of a JSON object. */
export function namesInVarFile(file: string): Set<string> {
  const names = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return names; // the planner reports unreadable files with a proper message
  }
  if (file.endsWith('.json')) {
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
  const varFiles = [...settings.varFiles, ...(target.varFiles ?? [])].map((file) => resolvePath(file, baseDir));
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
