// Var files next to a job: `nomad job run -var-file=prod.vars.hcl job.nomad.hcl` sets the job's input
// variables from `name = value` lines of another file. Renaming a variable in the job leaves such a line
// setting a variable that no longer exists (Nomad then refuses the run), so a rename edits them too. Which
// files count: `*.vars.hcl`, `*.vars` (so `*.nomad.vars.hcl`) and `*.vars.json` in the job file's folder, the
// folder a team keeps them in beside the job. Where a var file cannot be edited safely (JSON, syntax errors,
// too large, shared with another job of the folder declaring the same variable) the rename is refused with
// the file's name: a rename that silently leaves one behind is the one wrong answer.
import type * as fs from 'node:fs';
import * as path from 'node:path';
import { host } from '../host';
import { DISK_WAIT_MS, readPlainFileLater, withinDiskWait } from '../host/plainFile';
import type { Location, TextEdit } from 'vscode-languageserver-types';
import type { Attribute } from '../model/types';
import { buildModel } from '../model/build';
import { sharedParser } from '../parser/parser';
import { isJobFile } from './workspaceSymbols';
import { escapeRegExp } from '../template/tokens';

function isVarFile(name: string): boolean {
  return name.endsWith('.vars.hcl') || name.endsWith('.vars') || name.endsWith('.vars.json');
}

export interface VarFileOptions {
  maxFileSize: number;
  /** The editor's text of a file it has open (it wins over the disk's). */
  openText?: (uri: string) => string | undefined;
}

interface VarFile {
  name: string;
  uri: string;
  /** undefined: unreadable, a link, or larger than maxFileSize. */
  text: string | undefined;
}

/** What the folder of a job holds: its var files, by name, and its entries. */
interface JobFolder {
  dir: string;
  jobPath: string;
  entries: fs.Dirent[];
  files: VarFile[];
}

/**
 * The var files in the folder of the job at `jobUri`; undefined when the folder cannot be listed (not a file,
 * no such folder); a sentence when it did not answer in time (a hung mount: its var files cannot be known).
 * Read off the thread: a request waits for the disk, not the server.
 */
async function varFilesOf(jobUri: string, options: VarFileOptions): Promise<JobFolder | string | undefined> {
  if (!jobUri.startsWith('file:')) return undefined;
  const jobPath = host.fileUrlToPath(jobUri);
  const disk = host.fs;
  if (jobPath === undefined || !disk) return undefined;
  const dir = path.dirname(jobPath);
  let entries: fs.Dirent[] | undefined;
  try {
    entries = await withinDiskWait(dir, () => disk.promises.readdir(dir, { withFileTypes: true }));
  } catch {
    return undefined;
  }
  if (!entries) return `The job's folder ${dir} did not answer within ${DISK_WAIT_MS / 1000} s (a hung mount?), so the var files beside the job cannot be looked at.`;
  const files = await Promise.all(
    entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && isVarFile(e.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (entry): Promise<VarFile> => {
        const file = path.join(dir, entry.name);
        const uri = host.pathToFileUrl(file);
        return { name: entry.name, uri, text: options.openText?.(uri) ?? (await readBounded(file, options.maxFileSize)) };
      }),
  );
  return { dir, jobPath, entries, files };
}

/**
 * Where the HCL var files beside the job at `jobUri` set variable `name` (the names of their `name = value`
 * lines), for Find All References. Files that cannot be read or parsed cleanly, and JSON ones, add nothing.
 */
export async function varFileSetters(jobUri: string, name: string, options: VarFileOptions): Promise<Location[]> {
  const found: Location[] = [];
  const folder = await varFilesOf(jobUri, options);
  for (const file of typeof folder === 'object' ? folder.files : []) {
    if (file.text === undefined || !file.text.includes(name) || file.name.endsWith('.json')) continue;
    const attributes = await settingAttributes(file.text);
    for (const a of attributes ?? []) if (a.name === name) found.push({ uri: file.uri, range: a.nameRange });
  }
  return found;
}

/**
 * The edits renaming variable `name` to `newName` in the var files of the job at `jobUri`'s folder, by
 * file URI; or why the rename must not go ahead (a sentence naming the file).
 */
export async function varFileEdits(jobUri: string, name: string, newName: string, options: VarFileOptions): Promise<Record<string, TextEdit[]> | string> {
  const folder = await varFilesOf(jobUri, options);
  if (!folder) return {};
  if (typeof folder === 'string') return `${folder} Rename by hand, or try again once it answers.`;
  const changes: Record<string, TextEdit[]> = {};
  const setters: string[] = [];
  for (const { name: fileName, uri, text } of folder.files) {
    if (text === undefined) return `The var file ${fileName} next to this job cannot be read, is a link or is larger than nomadExec.maxFileSize, so the rename cannot tell whether it sets "${name}". Rename by hand, or move the file away and try again.`;
    if (!text.includes(name)) continue;
    if (fileName.endsWith('.json')) {
      if (!setsInJson(text, name)) continue;
      return `The var file ${fileName} sets "${name}", and rename does not edit JSON var files. Rename "${name}" there by hand first, then rename it here.`;
    }
    const edits = await hclEdits(text, name, newName);
    if (typeof edits === 'string') return `The var file ${fileName} ${edits}`;
    if (edits.length === 0) continue;
    changes[uri] = edits;
    setters.push(fileName);
  }
  if (setters.length === 0) return changes;
  // A var file beside two jobs may be meant for both: renaming here would unset the other's variable.
  const declares = new RegExp(`^\\s*variable\\s+"?${escapeRegExp(name)}"?\\s*\\{`, 'm');
  for (const entry of folder.entries) {
    if (!entry.isFile() || !isJobFile(entry.name) || path.join(folder.dir, entry.name) === folder.jobPath) continue;
    const text = await readBounded(path.join(folder.dir, entry.name), options.maxFileSize);
    if (text !== undefined && declares.test(text)) {
      return `The var file ${setters[0]} sets "${name}", and ${entry.name} in the same folder declares a variable "${name}" too: renaming would change what that job gets. Rename by hand in all of them.`;
    }
  }
  return changes;
}

/**
 * The text of a plain file of at most `maxFileSize` bytes. Opened without following a link (it may lead
 * anywhere) and without blocking, then checked on the descriptor: a name swapped for a link or a FIFO after
 * the folder was listed is refused, never read through or waited on.
 */
async function readBounded(file: string, maxFileSize: number): Promise<string | undefined> {
  const read = await readPlainFileLater(file, { maxBytes: maxFileSize, followLinks: false });
  return 'text' in read ? read.text : undefined;
}

function setsInJson(text: string, name: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, name);
  } catch {
    // Not JSON we can read: it may set it.
    return true;
  }
}

/** The top-level attributes of an HCL var file; undefined when it has syntax errors. */
async function settingAttributes(text: string): Promise<Attribute[] | undefined> {
  const parser = await sharedParser();
  const tree = parser.parseText(text);
  try {
    if (tree.rootNode.hasError) return undefined;
    return buildModel(tree, text).file.body.items.filter((item): item is Attribute => item.kind === 'attribute');
  } finally {
    tree.delete();
  }
}

/** The edits in one HCL var file, or the end of a sentence saying why it cannot be edited. */
async function hclEdits(text: string, name: string, newName: string): Promise<TextEdit[] | string> {
  const attributes = await settingAttributes(text);
  if (!attributes) return `has syntax errors, so the rename cannot be sure it finds every place that sets "${name}". Fix it first.`;
  if (attributes.some((a) => a.name === newName)) return `already sets "${newName}": renaming would set it twice.`;
  return attributes.filter((a) => a.name === name).map((a) => ({ range: a.nameRange, newText: newName }));
}
