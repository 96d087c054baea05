// Runs the shared pipeline (server/src/analysis.ts) on a text with default settings, for tests.
import { analyse, type Analysis } from '../../server/src/analysis';
import { sharedParser } from '../../server/src/parser/parser';
import { resolveSettings, type NomadExecSettings } from '../../server/src/settings';

export async function analyseText(text: string, settings: NomadExecSettings = {}, documentDir?: string): Promise<Analysis> {
  return analyse(await sharedParser(), text, resolveSettings(settings), documentDir ? { documentDir } : {});
}

export async function syntaxErrors(text: string): Promise<{ line: number; character: number; message: string }[]> {
  const analysis = await analyseText(text);
  return analysis.diagnostics
    .filter((d) => d.code === 'syntax-error')
    .map((d) => ({ line: d.range.start.line + 1, character: d.range.start.character + 1, message: d.message }));
}
