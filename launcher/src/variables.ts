// Input variable values for a run, later wins: the declared default, NOMAD_VAR_<name> from the environment,
// each --var-file in order (HCL `name = value`, or JSON for .json), each --var name=value in order. Values
// from the environment and --var are strings; for a variable whose type is not string they are parsed as
// HCL expressions, as `nomad job run` does.
import * as fs from 'fs';
import * as path from 'path';
import { createEvaluator } from '../../server/src/model/evaluate';
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

export async function resolveVariables(
  file: JobFile,
  hostEnv: Record<string, string | undefined>,
  varFiles: string[],
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
  for (const varFile of varFiles) {
    let text: string;
    try {
      text = fs.readFileSync(varFile, 'utf8');
    } catch (error) {
      problems.push(`cannot read var file ${varFile}: ${(error as Error).message}`);
      continue;
    }
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
