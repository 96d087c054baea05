// `nomad-exec check [--format text|json|sarif|github] [--agent-config FILE] [--allow-caps a,b] PATH...`
// Exit status: 0 no errors, 1 at least one error diagnostic, 2 usage or I/O error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { analyse } from '../server/src/analysis';
import { sharedParser } from '../server/src/parser/parser';
import { resolveSettings, type NomadExecSettings } from '../server/src/settings';
import { ArgReader } from './args';
import { collectFiles } from './files';
import { toGithubAnnotations, toSarif } from './reportFormats';
import type { Subcommand } from './main';

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

const USAGE = 'usage: nomad-exec check [--format text|json|sarif|github] [--agent-config FILE] [--allow-caps a,b] PATH...\n';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface CheckArgs {
  format: Format;
  settings: NomadExecSettings;
  paths: string[];
}

function parseArgs(args: string[]): CheckArgs | string {
  const out: CheckArgs = { format: 'text', settings: {}, paths: [] };
  const reader = new ArgReader(args);
  while (reader.next()) {
    const flag = reader.arg;
    const value = (): string | undefined => reader.value();
    if (flag === '--format') {
      const v = value();
      if (!FORMATS.includes(v as Format)) return `--format must be one of ${FORMATS.join(', ')}, not ${v ?? 'nothing'}`;
      out.format = v as Format;
    } else if (flag === '--agent-config') {
      const v = value();
      if (!v) return '--agent-config needs a file';
      out.settings.agentConfigFile = v;
    } else if (flag === '--allow-caps') {
      const v = value();
      if (v === undefined) return '--allow-caps needs a comma-separated list';
      out.settings.allowCaps = v.split(',').map((s) => s.trim()).filter(Boolean);
    } else if (flag === '--') {
      out.paths.push(...reader.rest());
    } else if (flag.startsWith('-') && flag !== '-') {
      return `unknown option ${flag}`;
    } else out.paths.push(reader.raw());
  }
  if (out.paths.length === 0) return 'no files or folders given';
  return out;
}

/** Reads a file as UTF-8; invalid bytes become U+FFFD and are reported. */
export function readText(file: string): { text: string; invalidUtf8: boolean } {
  const bytes = fs.readFileSync(file);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), invalidUtf8: false };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), invalidUtf8: true };
  }
}

export function formatText(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity ?? 1]}: ${d.message} [${String(d.code ?? '')}]`;
}

export const checkCommand: Subcommand = {
  summary: 'report mistakes in job files (text, json, sarif or github); exit 1 when any is an error',
  async run(args) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`nomad-exec check: ${parsed}\n${USAGE}`);
      return 2;
    }
    const settings = resolveSettings(parsed.settings);
    for (const problem of settings.problems) process.stderr.write(`nomad-exec check: ${problem}\n`);
    const { files, errors } = collectFiles(parsed.paths);
    for (const error of errors) process.stderr.write(`nomad-exec check: ${error}\n`);
    const parser = await sharedParser();
    const results: { file: string; diagnostics: Diagnostic[] }[] = [];
    let ioError = errors.length > 0;
    let anyError = false;
    for (const file of files) {
      let text: string;
      try {
        const read = readText(file);
        text = read.text;
        if (read.invalidUtf8) process.stderr.write(`nomad-exec check: ${file}: not valid UTF-8; invalid bytes were read as U+FFFD\n`);
      } catch (error) {
        process.stderr.write(`nomad-exec check: ${file}: ${(error as Error).message}\n`);
        ioError = true;
        continue;
      }
      let diagnostics: Diagnostic[];
      try {
        diagnostics = analyse(parser, text, settings, { documentDir: path.dirname(path.resolve(file)) }).diagnostics;
      } catch (error) {
        process.stderr.write(`nomad-exec check: ${file}: internal error: ${(error as Error).stack ?? error}\n`);
        ioError = true;
        continue;
      }
      if (diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) anyError = true;
      results.push({ file, diagnostics });
      if (parsed.format === 'text') {
        const lines = diagnostics.map((d) => formatText(file, d));
        if (lines.length) process.stdout.write(lines.join('\n') + '\n');
      }
    }
    if (parsed.format === 'json') process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    else if (parsed.format === 'sarif') process.stdout.write(JSON.stringify(toSarif(results), null, 2) + '\n');
    else if (parsed.format === 'github') process.stdout.write(toGithubAnnotations(results));
    if (ioError) return 2;
    return anyError ? 1 : 0;
  },
};
