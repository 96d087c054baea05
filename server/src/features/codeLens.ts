// Code lenses from the document's analysis, the same one its diagnostics come from: "Run task" above every
// exec/raw_exec task, "Run group" above every group with one, and "Preview" above every template block.
// The run lenses invoke the client's commands (`nomadExec.runTask` / `nomadExec.runGroup`) with a RunTarget
// (client/src/run/target.ts); the client drops them in Restricted Mode.
//
// Positions stay put while the user types: a lens sits on its block's header line, and a request for a
// version not analysed yet is answered at once from the last completed analysis, each lens moved to where
// its header line is now; once the new analysis completes, the client is asked to refresh only if the
// lenses it would get differ from those it was given.
import { host } from '../host';
import type { CodeLens, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, FeatureContext } from '../feature';
import type { JobFile } from '../model/types';
import { outlineOf } from './tasks';
import { previewLenses } from './templatePreview';

const RUN_TASK_COMMAND = 'nomadExec.runTask';
const RUN_GROUP_COMMAND = 'nomadExec.runGroup';

/** The argument of the run commands: the client's RunTarget. */
export interface RunLensTarget {
  file: string;
  group: string;
  task?: string;
}

/** How far (in lines) a header line is looked for around its last known line before the answer waits. */
const SEARCH_LINES = 200;

/** Run lenses and Preview lenses of a job model, in document order. */
export function codeLenses(file: JobFile, uri: string): CodeLens[] {
  const lenses: CodeLens[] = [...runLenses(file, uri), ...previewLenses({ file }, uri)];
  return lenses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function runLenses(file: JobFile, uri: string): CodeLens[] {
  // Only a job file on disk can be run (the runner reads it and its folder).
  const path = host.fileUrlToPath(uri);
  if (path === undefined) return [];
  const lenses: CodeLens[] = [];
  for (const group of outlineOf(file, '').groups) {
    const runnable = group.tasks.filter((t) => t.runnable);
    if (runnable.length === 0) continue;
    // A task written directly under `job` is its own group: its task lens is enough.
    if (!group.implicit) {
      lenses.push({
        range: group.headerRange,
        command: {
          title: '$(run-all) Run group',
          tooltip: `Run the exec and raw_exec tasks of group "${group.name}" locally (${runnable.map((t) => t.name).join(', ')})`,
          command: RUN_GROUP_COMMAND,
          arguments: [{ file: path, group: group.name } satisfies RunLensTarget],
        },
      } as CodeLens);
    }
    for (const task of runnable) {
      lenses.push({
        range: task.headerRange,
        command: {
          title: '$(play) Run task',
          tooltip: `Run task "${task.name}" locally, isolated as the exec driver does`,
          command: RUN_TASK_COMMAND,
          arguments: [{ file: path, group: group.name, task: task.name } satisfies RunLensTarget],
        },
      } as CodeLens);
    }
  }
  return lenses;
}

/** The lenses last computed for a document, with the text of each lens's line to find it again. */
interface Answered {
  version: number;
  /** The analysed model they came from: a request for the same one gets them again without recomputing. */
  file: JobFile;
  lenses: CodeLens[];
  lines: string[];
}

function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function moveTo(range: Range, line: number): Range {
  return { start: { line, character: range.start.character }, end: { line, character: range.end.character } };
}

/**
 * The answered lenses moved to the lines where their header lines are in `document` now, searching outward
 * from the old line; undefined when one is not found nearby (then the caller waits for the analysis).
 */
export function relocate(answered: Pick<Answered, 'lenses' | 'lines'>, document: TextDocument): CodeLens[] | undefined {
  const moved: CodeLens[] = [];
  let taken = -1;
  for (let i = 0; i < answered.lenses.length; i++) {
    const lens = answered.lenses[i];
    const wanted = answered.lines[i];
    const old = lens.range.start.line;
    // Lenses sharing a line keep sharing it; otherwise each goes below the previous one (order is kept).
    const previous = moved[moved.length - 1];
    if (i > 0 && answered.lenses[i - 1].range.start.line === old && previous) {
      moved.push({ ...lens, range: moveTo(lens.range, previous.range.start.line) });
      continue;
    }
    const found = findLine(document, wanted, old, taken + 1);
    if (found === undefined) return undefined;
    taken = found;
    moved.push(found === old ? lens : { ...lens, range: moveTo(lens.range, found) });
  }
  return moved;
}

function findLine(document: TextDocument, wanted: string, around: number, min: number): number | undefined {
  const last = document.lineCount - 1;
  for (let distance = 0; distance <= SEARCH_LINES; distance++) {
    for (const line of distance === 0 ? [around] : [around + distance, around - distance]) {
      if (line < min || line > last) continue;
      if (lineText(document, line) === wanted) return line;
    }
  }
  return undefined;
}

function sameLenses(a: readonly CodeLens[], b: readonly CodeLens[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].range.start.line !== b[i].range.start.line || a[i].range.start.character !== b[i].range.start.character) return false;
    if (JSON.stringify(a[i].command) !== JSON.stringify(b[i].command)) return false;
  }
  return true;
}

function registerCodeLenses(ctx: FeatureContext): void {
  const answered = new Map<string, Answered>();
  /** What each document's client was last given, to know whether a refresh is needed. */
  const given = new Map<string, CodeLens[]>();
  const canRefresh = !!ctx.client.workspace?.codeLens?.refreshSupport;
  ctx.documents.onDidClose((uri) => {
    answered.delete(uri);
    given.delete(uri);
  });

  const fromSnapshot = async (uri: string): Promise<CodeLens[]> => {
    const snapshot = await ctx.documents.ready(uri);
    if (!snapshot) {
      answered.delete(uri);
      given.delete(uri);
      return [];
    }
    const last = answered.get(uri);
    if (last && last.file === snapshot.analysis.file && last.version === snapshot.version) return last.lenses;
    const lenses = codeLenses(snapshot.analysis.file, uri);
    answered.set(uri, { version: snapshot.version, file: snapshot.analysis.file, lenses, lines: lenses.map((l) => lineText(snapshot.document, l.range.start.line)) });
    return lenses;
  };

  const answer = async (uri: string): Promise<CodeLens[]> => {
    const doc = ctx.documents.get(uri);
    if (!doc) {
      answered.delete(uri);
      given.delete(uri);
      return [];
    }
    const last = answered.get(uri);
    const current = doc.snapshot();
    if (!current && last && last.version !== doc.version) {
      const moved = relocate(last, doc.syntax.textDocument);
      if (moved) {
        // Once this version is analysed, the client asks again only if what it has now is not right.
        void fromSnapshot(uri).then((lenses) => {
          if (canRefresh && given.get(uri) === moved && !sameLenses(moved, lenses)) void ctx.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
        });
        return moved;
      }
    }
    return fromSnapshot(uri);
  };

  ctx.connection.onCodeLens(
    ctx.guard('codeLens', [] as CodeLens[], async (params: { textDocument: { uri: string } }) => {
      const uri = params.textDocument.uri;
      const lenses = await answer(uri);
      given.set(uri, lenses);
      return lenses;
    }),
  );
}

export const codeLensFeature: Feature = {
  name: 'code-lens',
  capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
  register: registerCodeLenses,
};
