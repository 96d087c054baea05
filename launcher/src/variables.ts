// Input variable values for a run, later wins: the declared default, NOMAD_VAR_<name> from the environment,
// each --var-file in order (HCL `name = value`, or JSON for .json), each --var name=value in order. Values
// from the environment and --var are strings; for a variable whose type is not string they are parsed as
// HCL expressions, as `nomad job run` does.
import * as path from 'path';
import { createEvaluator } from '../../server/src/model/evaluate';
import { readFileInside, workspaceSandbox } from '../../server/src/model/fileSandbox';
import { readPlainFile } from '../../server/src/host/plainFile';
import { Unknown, type Value } from '../../server/src/model/value';
import type { JobFile } from './model';
import { parseJobText } from './model';

export interface VariableResult {
  /** Values given by the environment, files and flags (defaults are left to the evaluator). */
  values: Record<string, Value>;
  /** Declared variables with neither a default nor a given value. */
  missing: string[];
  problems: string[];
}

/**
 * A var file as a run names it. A path: the user's own (`--var-file`, a user setting), read as Nomad reads it,
 * links followed. `{ path, within }`: one a workspace names (its settings, a task definition), whose content
 * the user never chose: read only when it lies inside the folder `within` with its links resolved, so a link
 * in a repository cannot hand a file from elsewhere on the host (a credentials file) to the task. Either way
 * only a plain file is read (opened without blocking: a FIFO or a device such as /dev/zero is refused) of at
 * most VAR_FILE_MAX_BYTES.
 */
export type VarFileRef = string | { path: string; within: string };

/** Larger var files are refused: no real one comes near, and the file is read whole into memory. */
export const VAR_FILE_MAX_BYTES = 4 * 1024 * 1024;

export function varFilePath(ref: VarFileRef): string {
  return typeof ref === 'string' ? ref : ref.path;
}

/** The text of a var file, or why it is not read. */
export function readVarFile(ref: VarFileRef): { text: string } | { problem: string } {
  const file = varFilePath(ref);
  if (typeof ref === 'string') {
    const read = readPlainFile(file, { maxBytes: VAR_FILE_MAX_BYTES });
    return 'problem' in read ? { problem: `cannot read var file ${file}: ${read.problem}` } : read;
  }
  try {
    return { text: readFileInside(`var file ${file}`, file, workspaceSandbox(ref.within), VAR_FILE_MAX_BYTES) };
  } catch (error) {
    return { problem: `cannot read var file ${file}: ${(error as Error).message}` };
  }
}

export async function resolveVariables(
  file: JobFile,
  hostEnv: Record<string, string | undefined>,
  varFiles: VarFileRef[],
  vars: { name: string; value: string }[],
): Promise<VariableResult> {
  const values: Record<string, Value> = {};
  const problems: string[] = [];
  const declared = file.variables;

  const fromString = async (name: string, text: string, origin: string): Promise<Value | undefined> => {
    const decl = declared.get(name);
    const type = decl?.type;
    const isString = !type || (type.kind === 'reference' && (type.root === 'string' || type.root === 'any'));
    if (isString) return text;
    const value = await evaluateHcl(text);
    if (value === undefined) problems.push(`${origin}: the value of ${name} (${JSON.stringify(text)}) is not a valid HCL expression`);
    return value;
  };

  for (const [key, text] of Object.entries(hostEnv)) {
    if (!key.startsWith('NOMAD_VAR_') || text === undefined) continue;
    const name = key.slice('NOMAD_VAR_'.length);
    if (!declared.has(name)) continue;
    const value = await fromString(name, text, key);
    if (value !== undefined) values[name] = value;
  }
  for (const ref of varFiles) {
    const varFile = varFilePath(ref);
    const read = readVarFile(ref);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const text = read.text;
    if (path.extname(varFile) === '.json') {
      try {
        Object.assign(values, JSON.parse(text) as Record<string, Value>);
      } catch (error) {
        problems.push(`var file ${varFile} is not valid JSON: ${(error as Error).message}`);
      }
      continue;
    }
    const parsed = await parseJobText(text);
    if (parsed.syntaxErrors.length > 0) problems.push(`var file ${varFile}: ${parsed.syntaxErrors[0]}`);
    const evaluator = createEvaluator(parsed.file, { baseDir: path.dirname(varFile) });
    for (const item of parsed.file.body.items) {
      if (item.kind !== 'attribute') continue;
      const value = evaluator.evaluate(item.value);
      if (value instanceof Unknown) problems.push(`var file ${varFile}: the value of ${item.name} cannot be evaluated`);
      else values[item.name] = value;
    }
  }
  for (const { name, value } of vars) {
    if (!declared.has(name)) {
      problems.push(`--var ${name}: the job file declares no variable "${name}"`);
      continue;
    }
    const parsed = await fromString(name, value, `--var ${name}`);
    if (parsed !== undefined) values[name] = parsed;
  }
  const missing = [...declared.values()]
    .filter((decl) => !decl.default && !Object.prototype.hasOwnProperty.call(values, decl.name))
    .map((decl) => decl.name);
  return { values, missing, problems };
}

/** Evaluates a standalone HCL expression (a --var value for a non-string variable). */
async function evaluateHcl(text: string): Promise<Value | undefined> {
  const parsed = await parseJobText(`v = ${text}\n`);
  const attr = parsed.file.body.items.find((i) => i.kind === 'attribute');
  if (!attr || attr.kind !== 'attribute' || parsed.syntaxErrors.length > 0) return undefined;
  const value = createEvaluator(parsed.file).evaluate(attr.value);
  return value instanceof Unknown ? undefined : value;
}
