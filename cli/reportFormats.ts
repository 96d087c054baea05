// Machine-readable renderings of `nomad-exec check` results for CI: SARIF 2.1.0 (code scanning uploads) and
// GitHub Actions workflow commands (annotations on the changed lines). The text format stays in check.ts.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { toolVersion } from './version';

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

const SARIF_LEVEL: Record<number, 'error' | 'warning' | 'note'> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'note',
  [DiagnosticSeverity.Hint]: 'note',
};

/**
 * A path relative to the working directory stays relative (SARIF viewers and GitHub resolve it against the
 * checkout); anything outside it becomes a file: URI. Either way each segment is percent-encoded.
 */
function artifactUri(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return relative.split(path.sep).map(encodeURIComponent).join('/');
  }
  return pathToFileURL(absolute).href;
}

function ruleId(d: Diagnostic): string {
  return d.code === undefined || d.code === '' ? 'nomad-exec' : String(d.code);
}

/** One SARIF log with one run; columns are UTF-16 code units, as LSP positions are. */
export function toSarif(results: FileResult[], cwd = process.cwd()): object {
  const rules = [...new Set(results.flatMap((r) => r.diagnostics.map(ruleId)))].sort();
  const ruleIndex = new Map(rules.map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nomad-exec',
            version: toolVersion(),
            informationUri: 'https://github.com/nomad-exec/nomad-exec',
            rules: rules.map((id) => ({ id })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap(({ file, diagnostics }) =>
          diagnostics.map((d) => {
            const id = ruleId(d);
            const { start, end } = d.range;
            const endLine = Math.max(end.line, start.line);
            const endColumn = endLine === start.line ? Math.max(end.character, start.character) + 1 : end.character + 1;
            return {
              ruleId: id,
              ruleIndex: ruleIndex.get(id),
              level: SARIF_LEVEL[d.severity ?? DiagnosticSeverity.Error],
              message: { text: d.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: artifactUri(file, cwd) },
                    region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: endLine + 1, endColumn },
                  },
                },
              ],
            };
          }),
        ),
      },
    ],
  };
}

const GITHUB_COMMAND: Record<number, 'error' | 'warning' | 'notice'> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'notice',
  [DiagnosticSeverity.Hint]: 'notice',
};

/** Workflow command data: `%`, CR and LF are percent-encoded (the runner decodes them). */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command property values additionally encode `:` and `,`, which delimit properties. */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=..::message`, one line per diagnostic. */
export function toGithubAnnotations(results: FileResult[]): string {
  const lines: string[] = [];
  for (const { file, diagnostics } of results) {
    for (const d of diagnostics) {
      const { start, end } = d.range;
      const props = [
        `file=${escapeGithubProperty(file.split(path.sep).join('/'))}`,
        `line=${start.line + 1}`,
        `col=${start.character + 1}`,
        `endLine=${Math.max(end.line, start.line) + 1}`,
        ...(end.line === start.line ? [`endColumn=${Math.max(end.character, start.character) + 1}`] : []),
        `title=${escapeGithubProperty(`nomad-exec ${ruleId(d)}`)}`,
      ];
      lines.push(`::${GITHUB_COMMAND[d.severity ?? DiagnosticSeverity.Error]} ${props.join(',')}::${escapeGithubData(d.message)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
