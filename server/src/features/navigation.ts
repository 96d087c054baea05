// Go to definition and declaration, find references, document highlights and rename, all answered from
// the reference index of the language core (references/index.ts): what a name is and where it is used
// comes from there; this file only turns it into LSP answers and decides what a rename may change.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature } from '../feature';
import { touches } from '../model/positions';
import { referenceIndex, type Declaration, type ReferenceIndex, type Use } from '../references/index';
import { KIND_NAMES, NAME_RULES, envForm } from '../schema/references';
import { documentHandler, type FeatureInput } from './featureInput';
import { encodedBy, encodedOnce } from '../replyJson';
import { varFileEdits, varFileSetters, type VarFileOptions } from './varFiles';

type Found = { declaration?: Declaration; use?: Use };

function lookup(input: FeatureInput, position: Position): { index: ReferenceIndex; found: Found | undefined } {
  const index = referenceIndex(input.file);
  const found = index.at(position);
  // On the task part of `NOMAD_ADDR_<task>_<label>`: the task is meant.
  const via = found?.use?.viaTask;
  if (via && touches(via.range, position)) {
    const task = index.declarations.find((d) => d.kind === 'task' && d.task === found.use!.target?.task);
    if (task) return { index, found: { declaration: task } };
  }
  return { index, found };
}

/**
 * The exact range of a use written in literal text: the index places it from the model's processed text,
 * which can be off by the indentation a `<<-` heredoc strips; the document text says where it really is.
 */
function exactRange(document: TextDocument, use: Use): Range {
  if (use.form !== 'text') return use.range;
  if (document.getText(use.range) === use.written) return use.range;
  const line = use.range.start.line;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  let best = -1;
  for (let at = text.indexOf(use.written); at >= 0; at = text.indexOf(use.written, at + 1)) {
    if (best < 0 || Math.abs(at - use.range.start.character) < Math.abs(best - use.range.start.character)) best = at;
  }
  if (best < 0) return use.range;
  return { start: { line, character: best }, end: { line, character: best + use.written.length } };
}

/**
 * What the answers about one declaration share, made once per model (the index's lifetime): the exact
 * ranges of its uses, and the replies that list every one of them. A name used a thousand times is asked
 * about again and again while the file does not change (highlights follow the cursor), and each reply is
 * encoded once (replyJson.ts).
 */
interface Answers {
  /** Every use, in the index's order; a task's `NOMAD_ADDR_<task>_<label>` task parts after them. */
  ranges: Range[];
  /** The uses a rename cannot change (written in text the file does not evaluate). */
  blocked: Use[];
  references?: Location[];
  referencesWithDeclaration?: Location[];
  highlights?: DocumentHighlight[];
  renames?: RenameParts;
}

/**
 * A rename's edits, and their JSON in pieces: each edit's text up to its new name (`{"range":...,"newText":`),
 * all of them as one run of UTF-8 bytes with where each ends, and which form of the name each takes.
 */
interface RenameParts {
  ranges: Range[];
  forms: NameForm[];
  heads: Buffer;
  headEnds: number[];
}

/** How a renamed use is written: the name itself, its environment form, or that upper-cased. */
const enum NameForm {
  Plain,
  Env,
  EnvUpper,
}

const answers = new WeakMap<ReferenceIndex, Map<Declaration, Answers>>();

function answersFor(input: FeatureInput, index: ReferenceIndex, declaration: Declaration): Answers {
  let byDeclaration = answers.get(index);
  if (!byDeclaration) answers.set(index, (byDeclaration = new Map()));
  let found = byDeclaration.get(declaration);
  if (!found) {
    const uses = index.usesOf(declaration);
    const viaTask = declaration.kind === 'task' && declaration.task ? index.viaTaskUsesOf(declaration.task) : [];
    const ranges = uses.map((use) => exactRange(input.document, use));
    for (const use of viaTask) ranges.push(use.viaTask!.range);
    const blocked = uses.filter((use) => use.form === 'text');
    for (const use of viaTask) if (use.form === 'text') blocked.push(use);
    byDeclaration.set(declaration, (found = { ranges, blocked }));
  }
  return found;
}

export function definition(input: FeatureInput, position: Position): Location[] | null {
  const { found } = lookup(input, position);
  const target = found?.declaration;
  if (!target) return null;
  return [{ uri: input.document.uri, range: target.range }];
}

export async function references(input: FeatureInput, position: Position, includeDeclaration: boolean, options: Partial<VarFileOptions> = {}): Promise<Location[] | null> {
  const { index, found } = lookup(input, position);
  const target = found?.declaration;
  if (!target) return null;
  const known = answersFor(input, index, target);
  const uri = input.document.uri;
  const inFile = includeDeclaration
    ? (known.referencesWithDeclaration ??= encodedOnce([{ uri, range: target.range }, ...known.ranges.map((range) => ({ uri, range }))]))
    : (known.references ??= encodedOnce(known.ranges.map((range) => ({ uri, range }))));
  if (target.kind !== 'variable') return inFile;
  // A variable is also set by name in the var files beside the job (the lines a rename edits too); they
  // are read now, as they may have changed on disk.
  const setters = await varFileSetters(uri, target.name, { maxFileSize: options.maxFileSize ?? input.settings.limits.maxFileSize, openText: options.openText });
  return setters.length > 0 ? [...inFile, ...setters] : inFile;
}

export function highlights(input: FeatureInput, position: Position): DocumentHighlight[] | null {
  const { index, found } = lookup(input, position);
  const target = found?.declaration;
  if (!target) {
    // A use of something the file does not declare: still show where the cursor's name is.
    return found?.use ? [{ range: exactRange(input.document, found.use), kind: DocumentHighlightKind.Read }] : null;
  }
  const known = answersFor(input, index, target);
  return (known.highlights ??= encodedOnce([
    { range: target.range, kind: DocumentHighlightKind.Write },
    ...known.ranges.map((range) => ({ range, kind: DocumentHighlightKind.Read })),
  ]));
}

function line(range: Range): string {
  return `line ${range.start.line + 1}`;
}

/** Why the name at the cursor cannot be renamed, or what a rename starts from. */
function renameTarget(input: FeatureInput, position: Position): { declaration: Declaration; range: Range; index: ReferenceIndex } | string {
  const { index, found } = lookup(input, position);
  if (!found) return 'Nothing here can be renamed: place the cursor on a variable, local, port label, volume, meta key, group, task or service name.';
  const declaration = found.declaration;
  if (!declaration) {
    const use = found.use!;
    return `Nothing in this file declares the ${KIND_NAMES[use.kind]} "${use.written}", so there is nothing to rename it with.`;
  }
  if (!NAME_RULES[declaration.kind]) return `A ${KIND_NAMES[declaration.kind]} is a path other tasks read; it is not renamed in the editor.`;
  if (!declaration.editable) return `The ${KIND_NAMES[declaration.kind]} "${declaration.name}" is not written as a plain name here, so it cannot be renamed in place.`;
  const { blocked } = answersFor(input, index, declaration);
  if (blocked.length > 0) {
    const first = blocked[0];
    const where = blocked.map((use) => line(use.range)).filter((v, i, all) => all.indexOf(v) === i).slice(0, 5).join(', ');
    return `"${declaration.name}" is also read by text this file does not evaluate (a template, a script or a driver's config), at ${where}${first.family ? ` (e.g. ${first.family.prefix}${first.viaTask ? first.viaTask.name + '_' : ''}${first.written})` : ''}. Rename it there by hand first; renaming here would leave it pointing at nothing.`;
  }
  const via = index.at(position)?.use?.viaTask;
  const range = via && touches(via.range, position) ? via.range : found.use ? found.use.range : declaration.range;
  return { declaration, range, index };
}

export function prepareRename(input: FeatureInput, position: Position): { range: Range; placeholder: string } | ResponseError<void> | null {
  const target = renameTarget(input, position);
  if (typeof target === 'string') return new ResponseError(ErrorCodes.InvalidRequest, target);
  return { range: target.range, placeholder: input.document.getText(target.range) };
}

export async function rename(input: FeatureInput, position: Position, newName: string, options: Partial<VarFileOptions> = {}): Promise<WorkspaceEdit | ResponseError<void>> {
  const target = renameTarget(input, position);
  if (typeof target === 'string') return new ResponseError(ErrorCodes.InvalidRequest, target);
  const { declaration, index } = target;
  const what = KIND_NAMES[declaration.kind];
  const rule = NAME_RULES[declaration.kind]!;
  if (!rule.pattern.test(newName)) return new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid ${what} name: use ${rule.description}.`);
  if (declaration.kind === 'task' && newName === 'alloc') return new ResponseError(ErrorCodes.InvalidParams, 'A task may not be named "alloc": Nomad refuses it.');
  const clash = index.declarations.find((d) => d !== declaration && d.kind === declaration.kind && d.name === newName && sameScope(d, declaration));
  if (clash) return new ResponseError(ErrorCodes.InvalidParams, `A ${what} "${newName}" already exists (${line(clash.range)}); renaming would merge the two.`);
  const parts = renameParts(input, index, declaration);
  const texts = [newName, envForm(newName), envForm(newName).toUpperCase()];
  const edits: TextEdit[] = parts.ranges.map((range, i) => ({ range, newText: texts[parts.forms[i]] }));
  const uri = input.document.uri;
  // A variable is also set by name in var files beside the job: those lines are renamed with it, or the
  // rename is refused naming the file (never a rename that leaves one behind).
  let others: Record<string, TextEdit[]> = {};
  if (declaration.kind === 'variable') {
    const found = await varFileEdits(uri, declaration.name, newName, { maxFileSize: options.maxFileSize ?? input.settings.limits.maxFileSize, openText: options.openText });
    if (typeof found === 'string') return new ResponseError(ErrorCodes.InvalidRequest, found);
    others = found;
  }
  // The edits' JSON from the remembered pieces: only the new names are encoded per request.
  return encodedBy({ changes: { [uri]: edits, ...others } }, () => {
    const rest = Object.entries(others).map(([other, list]) => `,${JSON.stringify(other)}:${JSON.stringify(list)}`).join('');
    return renameBytes(`{"changes":{${JSON.stringify(uri)}:[`, parts, texts, `]${rest}}}`);
  });
}

/**
 * The UTF-8 bytes of `open`, the edits of `parts` with the new name in its forms `texts`, and `close`: put
 * together in one buffer from the remembered bytes (as text, the ~1,700 edits of a name every task uses took
 * 1.5 ms to join and encode, against 0.25 ms).
 */
function renameBytes(open: string, parts: RenameParts, texts: readonly string[], close: string): Uint8Array {
  const names = texts.map((text) => Buffer.from(JSON.stringify(text) + '}', 'utf-8'));
  const start = Buffer.from(open, 'utf-8');
  const end = Buffer.from(close, 'utf-8');
  const { heads, headEnds, forms } = parts;
  let length = start.length + heads.length + Math.max(0, headEnds.length - 1) + end.length;
  for (const form of forms) length += names[form].length;
  const out = Buffer.allocUnsafe(length);
  let at = start.copy(out, 0);
  let from = 0;
  for (let i = 0; i < headEnds.length; i++) {
    if (i > 0) out[at++] = COMMA;
    at += heads.copy(out, at, from, headEnds[i]);
    from = headEnds[i];
    at += names[forms[i]].copy(out, at);
  }
  end.copy(out, at);
  return out;
}

const COMMA = 0x2c;

/** The edits a rename of `declaration` makes, without the new name (see RenameParts). */
function renameParts(input: FeatureInput, index: ReferenceIndex, declaration: Declaration): RenameParts {
  const known = answersFor(input, index, declaration);
  if (known.renames) return known.renames;
  const ranges: Range[] = [declaration.range];
  const forms: NameForm[] = [NameForm.Plain];
  for (const use of index.usesOf(declaration)) {
    ranges.push(use.range);
    forms.push(renamedForm(declaration, use));
  }
  if (declaration.kind === 'task' && declaration.task) {
    for (const use of index.viaTaskUsesOf(declaration.task)) {
      ranges.push(use.viaTask!.range);
      forms.push(NameForm.Env);
    }
  }
  // One edit per place: a use seen twice (the same text reached two ways) is replaced once.
  const seen = new Set<number>();
  const kept = { ranges: [] as Range[], forms: [] as NameForm[], headEnds: [] as number[] };
  let heads = '';
  ranges.forEach((range, i) => {
    const key = range.start.line * 0x100000 + range.start.character;
    if (seen.has(key)) return;
    seen.add(key);
    kept.ranges.push(range);
    kept.forms.push(forms[i]);
    heads += `{"range":${JSON.stringify(range)},"newText":`;
    kept.headEnds.push(heads.length);
  });
  // Numbers and ASCII punctuation only: as many bytes as characters.
  return (known.renames = { ...kept, heads: Buffer.from(heads, 'latin1') });
}

/** How the new name is written at one use: env forms follow how the old name was (as is, cleaned, upper-cased). */
function renamedForm(declaration: Declaration, use: Use): NameForm {
  if (use.form !== 'env') return NameForm.Plain;
  if (use.written === declaration.name) return NameForm.Plain;
  if (use.family?.upperCased && use.written === envForm(declaration.name).toUpperCase()) return NameForm.EnvUpper;
  return NameForm.Env;
}

function sameScope(a: Declaration, b: Declaration): boolean {
  switch (a.kind) {
    case 'port':
    case 'volume':
    case 'task':
      return a.group === b.group;
    case 'meta':
      return a.level === b.level && a.group === b.group && a.task === b.task;
    default:
      return true;
  }
}

type PositionParams = { textDocument: { uri: string }; position: Position };

export const navigationFeature: Feature = {
  name: 'navigation',
  capabilities: () => ({
    definitionProvider: true,
    declarationProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
  }),
  register(ctx) {
    const c = ctx.connection;
    c.onDefinition(documentHandler(ctx, 'definition', null as Location[] | null, (input, p: PositionParams) => definition(input, p.position)));
    c.onDeclaration(documentHandler(ctx, 'declaration', null as Location[] | null, (input, p: PositionParams) => definition(input, p.position)));
    c.onReferences(
      documentHandler(ctx, 'references', null, (input, p: PositionParams & { context: { includeDeclaration: boolean } }) =>
        references(input, p.position, p.context?.includeDeclaration !== false, { openText: (uri) => ctx.documents.get(uri)?.text }),
      ) as never,
    );
    c.onDocumentHighlight(documentHandler(ctx, 'documentHighlight', null as DocumentHighlight[] | null, (input, p: PositionParams) => highlights(input, p.position)));
    c.onPrepareRename(documentHandler(ctx, 'prepareRename', null, (input, p: PositionParams) => prepareRename(input, p.position)) as never);
    c.onRenameRequest(
      documentHandler(ctx, 'rename', null, (input, p: PositionParams & { newName: string }) => rename(input, p.position, p.newName, { openText: (uri) => ctx.documents.get(uri)?.text })) as never,
    );
  },
};
