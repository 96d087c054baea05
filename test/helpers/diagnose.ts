// Runs job text through the real pipeline (parser, model, evaluator, checks) for the checks tests.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { NomadExecSettings } from '../../server/src/settings';
import { analyseText } from './analyse';

/** The diagnostics as a client receives them (the model's ranges are TextRanges, whose fields are packed numbers; JSON gives the LSP shape). */
export async function diagnose(text: string, settings: NomadExecSettings = {}, documentDir?: string): Promise<Diagnostic[]> {
  return asSent((await analyseText(text, settings, documentDir)).diagnostics);
}

/** `value` as it goes over the wire: ranges and positions in their LSP shape, whatever the model holds. */
export function asSent<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Diagnostics with this code. */
export function withCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** Errors (severity 1) of any code: a valid twin must have none. */
export function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 1);
}

/** Errors and warnings (hints such as command-location are left out): a valid job must have none. */
export function problems(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2);
}

export { execJob, type ExecJobParts } from './jobText';
