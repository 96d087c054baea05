// `nomad-exec fmt [--check] PATH...`: rewrites job files in canonical layout (see server/src/features/format.ts).
// Folders are searched like `check` does. `-` reads standard input and writes the result to standard output.
// Exit status: 0 done (or, with --check, nothing would change); 1 with --check when a file would change;
// 2 for usage or I/O errors and for files with syntax errors (those are never rewritten).
import * as fs from 'node:fs';
import { formatText } from '../server/src/features/format';
import { sharedParser, type HclParser } from '../server/src/parser/parser';
import { readText } from './check';
import { collectFiles } from './files';
import type { Subcommand } from './main';

const USAGE = 'usage: nomad-exec fmt [--check] PATH...   (PATH may be - for standard input)\n';

type Outcome = { kind: 'same' } | { kind: 'changed'; text: string } | { kind: 'error'; message: string };

export function formatSource(parser: HclParser, text: string): Outcome {
  const tree = parser.parse(text);
  try {
    const formatted = formatText(text, tree);
    if (formatted === undefined) return { kind: 'error', message: 'has syntax errors; not formatted (nomad-exec check shows them)' };
    return formatted === text ? { kind: 'same' } : { kind: 'changed', text: formatted };
  } finally {
    tree.delete();
  }
}

export const fmtCommand: Subcommand = {
  summary: 'rewrite job files in canonical layout; --check only reports (exit 1 when a file would change)',
  async run(args) {
    let check = false;
    const paths: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '--check') check = true;
      else if (arg === '--') {
        paths.push(...args.slice(i + 1));
        break;
      } else if (arg.startsWith('-') && arg !== '-') {
        process.stderr.write(`nomad-exec fmt: unknown option ${arg}\n${USAGE}`);
        return 2;
      } else paths.push(arg);
    }
    if (paths.length === 0) {
      process.stderr.write(`nomad-exec fmt: no files or folders given\n${USAGE}`);
      return 2;
    }
    const parser = await sharedParser();
    let failed = false;
    let wouldChange = false;
    if (paths.includes('-')) {
      const text = fs.readFileSync(0, 'utf8');
      const outcome = formatSource(parser, text);
      if (outcome.kind === 'error') {
        process.stderr.write(`nomad-exec fmt: <stdin> ${outcome.message}\n`);
        return 2;
      }
      if (outcome.kind === 'changed') wouldChange = true;
      if (!check) process.stdout.write(outcome.kind === 'changed' ? outcome.text : text);
      else if (wouldChange) process.stdout.write('<stdin>\n');
    }
    const { files, errors } = collectFiles(paths.filter((p) => p !== '-'));
    for (const error of errors) process.stderr.write(`nomad-exec fmt: ${error}\n`);
    if (errors.length) failed = true;
    for (const file of files) {
      let text: string;
      try {
        const read = readText(file);
        if (read.invalidUtf8) {
          process.stderr.write(`nomad-exec fmt: ${file}: not valid UTF-8; left unchanged\n`);
          failed = true;
          continue;
        }
        text = read.text;
      } catch (error) {
        process.stderr.write(`nomad-exec fmt: ${file}: ${(error as Error).message}\n`);
        failed = true;
        continue;
      }
      const outcome = formatSource(parser, text);
      if (outcome.kind === 'error') {
        process.stderr.write(`nomad-exec fmt: ${file} ${outcome.message}\n`);
        failed = true;
        continue;
      }
      if (outcome.kind === 'same') continue;
      wouldChange = true;
      // Like terraform fmt: name each file that changes (or would change).
      process.stdout.write(`${file}\n`);
      if (check) continue;
      try {
        fs.writeFileSync(file, outcome.text);
      } catch (error) {
        process.stderr.write(`nomad-exec fmt: ${file}: ${(error as Error).message}\n`);
        failed = true;
      }
    }
    if (failed) return 2;
    return check && wouldChange ? 1 : 0;
  },
};
