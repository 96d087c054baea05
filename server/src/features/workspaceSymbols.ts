// Workspace symbols: jobs, groups, tasks, variables, locals, ports, volumes and services of every
// `*.nomad.hcl` / `*.nomad` file in the workspace folders. Files are indexed in the background, in slices,
// so requests are never kept waiting; files created, changed or deleted on disk come in as file events, and
// an open document counts with its current text (from its analysis when that is complete).
import type * as fs from 'node:fs';
import * as path from 'node:path';
import { host } from '../host';
import { DISK_WAIT_MS, readPlainFileLater, withinDiskWait } from '../host/plainFile';
import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind } from 'vscode-languageserver';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver-types';
import type { Feature, FeatureContext } from '../feature';
import { buildModel, ModelBuilder, type EditSpan } from '../model/build';
import type { JobFile } from '../model/types';
import { sharedParser, type HclParser, type Tree } from '../parser/parser';
import { treeText } from '../parser/lineEnds';
import { isPaused, stopAfter, withDeadline } from '../pause';
import { referenceIndex, walkUnits, type Declaration } from '../references/index';
import type { ReferenceKind } from '../schema/types';

/** Limits for a workspace that is not what we expect (a home folder, a monorepo). */
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 4 << 20;
const MAX_RESULTS = 1000;
/** Open documents up to this size are indexed inline on their first query. */
const INLINE_BYTES = 256 << 10;
let parserNow: HclParser | undefined;
const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', '.vscode-test', 'out', 'dist']);

const KINDS: Record<ReferenceKind, SymbolKind> = {
  variable: SymbolKind.Variable,
  local: SymbolKind.Constant,
  port: SymbolKind.Property,
  volume: SymbolKind.File,
  meta: SymbolKind.Key,
  group: SymbolKind.Namespace,
  task: SymbolKind.Function,
  service: SymbolKind.Interface,
  file: SymbolKind.File,
};

export function isJobFile(name: string): boolean {
  return name.endsWith('.nomad.hcl') || name.endsWith('.nomad');
}

/** The symbols of one job file. */
function fileSymbols(file: JobFile, uri: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const job of file.jobs) {
    out.push({ name: job.name || 'job', kind: SymbolKind.Module, location: { uri, range: job.block.labels[0]?.range ?? job.block.typeRange } });
  }
  const jobName = file.jobs[0]?.name;
  const groupName = (d: Declaration) => (d.group?.type === 'group' ? d.group.labels[0]?.value : undefined);
  for (const d of referenceIndex(file).declarations) {
    if (d.kind === 'file' || d.kind === 'meta' || !d.name) continue;
    const container = d.kind === 'variable' || d.kind === 'local' ? undefined : d.kind === 'group' ? jobName : (d.task && d.kind !== 'task' ? d.task.labels[0]?.value : undefined) ?? groupName(d) ?? jobName;
    out.push({ name: d.name, kind: KINDS[d.kind], location: { uri, range: d.range }, ...(container ? { containerName: container } : {}) });
  }
  return out;
}

/** Case-insensitive subsequence match, as editors filter symbol names. */
function matchesQuery(name: string, query: string): boolean {
  const n = name.toLowerCase();
  let at = 0;
  for (const c of query.toLowerCase()) {
    at = n.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/** How long one step of background indexing may hold the thread before giving it back to requests. */
const SLICE_MS = 8;

/** One file to index: from disk, or an open document's text at a version. */
interface Item {
  uri: string;
  text?: string;
  version?: number;
  /** The file's event count when queued: a later event (changed again, deleted) makes this item stale. */
  generation: number;
}

/** Gives the thread back to the event loop (pending requests run first). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The symbols of the workspace's job files. Files are found by walking the workspace folders, kept current
 * by file events (workspace/didChangeWatchedFiles: created, changed, deleted on disk) and by the open
 * documents' text. Indexing runs one step at a time between requests: a file is parsed, built and walked
 * in slices of a few milliseconds, so even a file near nomadExec.maxFileSize never holds up an answer.
 */
export class WorkspaceSymbolIndex {
  private readonly files = new Map<string, { version?: number; symbols: SymbolInformation[] }>();
  private readonly queue: Item[] = [];
  private readonly generations = new Map<string, number>();
  private readonly folders: string[] = [];
  private running = false;
  /** Folder walks under way (enqueueFolder): the index is not idle before they end. */
  private walking = 0;
  /** A parser of the index's own: its parses are paused between slices. */
  private parser: HclParser | undefined;
  /** Called each time the queue runs empty, with the number of files indexed. */
  onIdle: ((files: number) => void) | undefined;
  /** Called with a folder or file left out because the disk did not answer in time (DISK_WAIT_MS). */
  onSkipped: ((path: string) => void) | undefined;
  /** Files above this size (bytes) are not indexed (nomadExec.maxFileSize), and parses over maxParseMs give up. */
  limits: () => { maxFileSize: number; maxParseMs: number } = () => ({ maxFileSize: MAX_FILE_BYTES, maxParseMs: 5000 });
  /** Whether the editor has `uri` open: its text, not the disk's, is indexed then. */
  isOpen: (uri: string) => boolean = () => false;

  /**
   * Finds the job files below `folder` and queues them. The tree is read a folder at a time, each read off
   * the thread (a workspace of a hundred thousand folders must not hold the server while it answers).
   */
  enqueueFolder(folder: string): void {
    if (!this.folders.includes(folder)) this.folders.push(folder);
    this.walking++;
    void this.walkFolder(folder).finally(() => {
      this.walking--;
      // Said once the walk is over, even when it found nothing: onIdle reports a complete index.
      this.pump();
    });
  }

  private async walkFolder(folder: string): Promise<void> {
    const disk = host.fs;
    if (!disk) return;
    const pending: [string, number][] = [[folder, 0]];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [dir, depth] = next;
      // A folder removed from the workspace meanwhile, or the index full: stop.
      if (!this.folders.includes(folder) || this.files.size + this.queue.length >= MAX_FILES) return;
      let entries: fs.Dirent[] | undefined;
      try {
        entries = await withinDiskWait(dir, () => disk.promises.readdir(dir, { withFileTypes: true }));
      } catch {
        continue;
      }
      if (!entries) {
        this.onSkipped?.(dir);
        continue;
      }
      for (const entry of entries) {
        if (entry.isSymbolicLink()) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!skippedDir(entry.name) && depth < 12) pending.push([full, depth + 1]);
        } else if (entry.isFile() && isJobFile(entry.name) && this.files.size + this.queue.length < MAX_FILES && this.folders.includes(folder)) {
          this.push({ uri: host.pathToFileUrl(full) });
        }
      }
      this.pump();
    }
  }

  /**
   * A workspace folder was removed: its job files leave the index, unless open or inside another folder
   * still in the workspace (folders may nest).
   */
  removeFolder(folder: string): void {
    const at = this.folders.indexOf(folder);
    if (at < 0) return;
    this.folders.splice(at, 1);
    const gone = (uri: string): boolean => {
      const file = filePathOf(uri);
      return file !== undefined && !this.inFolders(file) && !this.isOpen(uri);
    };
    for (const known of [...this.files.keys()]) {
      if (!gone(known)) continue;
      this.files.delete(known);
      this.bump(known);
    }
    for (const item of this.queue) if (gone(item.uri)) this.bump(item.uri);
  }

  /** Index `text` as the content of `uri` (an open document at `version`), in the background. */
  refresh(uri: string, text: string, version: number): void {
    const known = this.files.get(uri);
    if (known?.version === version || this.queue.some((q) => q.uri === uri && q.version === version)) return;
    this.push({ uri, text, version });
    this.pump();
  }

  /** The symbols of an open document from its completed analysis (no parse of its own). */
  fromModel(uri: string, file: JobFile, version: number): void {
    if (this.files.get(uri)?.version === version) return;
    this.bump(uri);
    this.files.set(uri, { version, symbols: fileSymbols(file, uri) });
  }

  /**
   * A job file created or changed on disk (a file event). An open document keeps its editor text; a file
   * outside the workspace folders, or in a folder the walk skips, is not indexed.
   */
  changedOnDisk(uri: string): void {
    const file = filePathOf(uri);
    if (!file || !isJobFile(file) || !this.inFolders(file) || this.isOpen(uri)) return;
    if (!this.files.has(uri) && this.files.size + this.queue.length >= MAX_FILES) return;
    this.push({ uri });
    this.pump();
  }

  /** A file or folder deleted on disk: its job files leave the index (open documents stay, with their text). */
  deletedOnDisk(uri: string): void {
    const prefix = uri.endsWith('/') ? uri : uri + '/';
    const gone = (u: string) => (u === uri || u.startsWith(prefix)) && !this.isOpen(u);
    for (const known of [...this.files.keys()]) {
      if (!gone(known)) continue;
      this.files.delete(known);
      this.bump(known);
    }
    for (const item of this.queue) if (gone(item.uri)) this.bump(item.uri);
  }

  /** An open document was closed: what is on disk counts again (its last symbols stand until read). */
  closed(uri: string): void {
    const known = this.files.get(uri);
    if (known) known.version = undefined;
    const file = filePathOf(uri);
    if (file && isJobFile(file) && this.inFolders(file)) this.push({ uri });
    else {
      this.files.delete(uri);
      this.bump(uri);
    }
    this.pump();
  }

  /** Indexed files that were open documents (their text, not the disk's, is indexed). */
  openOnes(): string[] {
    return [...this.files].filter(([, f]) => f.version !== undefined).map(([uri]) => uri);
  }

  query(query: string): SymbolInformation[] {
    const out: SymbolInformation[] = [];
    for (const { symbols } of this.files.values()) {
      for (const symbol of symbols) {
        if (matchesQuery(symbol.name, query)) out.push(symbol);
        if (out.length >= MAX_RESULTS) return out;
      }
    }
    return out;
  }

  /** Indexes an open document at once when it is small and not indexed yet (a first query should find it). */
  ensure(uri: string, text: string, version: number): void {
    if (text.length > this.limits().maxFileSize) return;
    if (this.files.has(uri) || text.length > INLINE_BYTES || !parserNow) return this.refresh(uri, text, version);
    this.bump(uri);
    const tree = parserNow.parseText(text);
    try {
      this.files.set(uri, { version, symbols: fileSymbols(buildModel(tree, text).file, uri) });
    } finally {
      tree.delete();
    }
  }

  private bump(uri: string): number {
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    return generation;
  }

  private push(item: Omit<Item, 'generation'>): void {
    this.queue.push({ ...item, generation: this.bump(item.uri) });
  }

  private stale(item: Item): boolean {
    return this.generations.get(item.uri) !== item.generation;
  }

  private inFolders(file: string): boolean {
    return this.folders.some((folder) => {
      const relative = path.relative(folder, file);
      if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return false;
      return relative.split(path.sep).slice(0, -1).every((dir) => !skippedDir(dir));
    });
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.next());
  }

  private async next(): Promise<void> {
    const item = this.queue.shift();
    if (!item) {
      this.running = false;
      if (this.walking === 0) this.onIdle?.(this.files.size);
      return;
    }
    if (!this.stale(item)) {
      try {
        await this.index(item);
      } catch {
        // A file that cannot be read or understood has no symbols.
        if (!this.stale(item)) this.files.delete(item.uri);
      }
    }
    setImmediate(() => void this.next());
  }

  private async index(item: Item): Promise<void> {
    const { maxFileSize } = this.limits();
    let text = item.text;
    if (text === undefined) {
      const file = host.fileUrlToPath(item.uri);
      if (file === undefined || !host.fs) return;
      // Opened as the var files are: a link (the walk would not follow it either) or a FIFO swapped in since
      // the folder was listed is refused, never read through or waited on.
      const read = await readPlainFileLater(file, { maxBytes: maxFileSize, followLinks: false });
      if (this.stale(item)) return;
      // Gone, not a plain file, too large, or on a disk that did not answer: no symbols.
      if ('problem' in read) {
        this.files.delete(item.uri);
        if (read.unanswered) this.onSkipped?.(file);
        return;
      }
      text = read.text;
    }
    if (text.length > maxFileSize || this.stale(item)) {
      if (!this.stale(item)) this.files.delete(item.uri);
      return;
    }
    const symbols = await this.symbolsOf(item, text);
    if (symbols && !this.stale(item)) this.files.set(item.uri, { version: item.version, symbols });
  }

  /** Parse, model and reference walk of `text`, a slice at a time; undefined when the item went stale or the parse took too long. */
  private async symbolsOf(item: Item, text: string): Promise<SymbolInformation[] | undefined> {
    const parser = (this.parser ??= (await sharedParser()).another());
    parser.reset();
    const { maxParseMs } = this.limits();
    let parseMs = 0;
    let tree: Tree | undefined;
    const source = treeText(text);
    for (;;) {
      const started = performance.now();
      tree = parser.parseUntil(source, null, stopAfter(started + SLICE_MS));
      parseMs += performance.now() - started;
      if (tree) break;
      if (parseMs > maxParseMs) return undefined;
      await turn();
      if (this.stale(item)) return undefined;
    }
    try {
      const builder = new ModelBuilder();
      let edits: EditSpan[] | undefined;
      let file: JobFile | undefined;
      while (!file) {
        try {
          file = withDeadline(performance.now() + SLICE_MS, () => builder.build(tree!, text, edits)).file;
        } catch (error) {
          if (!isPaused(error)) throw error;
          // Paused with the finished items kept: the next build of the same text goes on from them.
          edits = [];
          await turn();
          if (this.stale(item)) return undefined;
        }
      }
      while (!walkUnits(file, stopAfter(performance.now() + SLICE_MS))) {
        await turn();
        if (this.stale(item)) return undefined;
      }
      return fileSymbols(file, item.uri);
    } finally {
      tree.delete();
    }
  }
}

function skippedDir(name: string): boolean {
  return SKIP_DIRS.has(name) || name.startsWith('.');
}

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return host.fileUrlToPath(uri);
  } catch {
    return undefined;
  }
}

function refreshOpen(ctx: FeatureContext, index: WorkspaceSymbolIndex): void {
  const open = new Set(ctx.documents.uris());
  for (const uri of index.openOnes()) if (!open.has(uri)) index.closed(uri);
  for (const uri of open) {
    const doc = ctx.documents.get(uri);
    if (!doc) continue;
    // A completed analysis has the model already; else the text is indexed on its own.
    const snapshot = doc.isDone(ctx.settings()) ? doc.snapshot() : undefined;
    if (snapshot && !snapshot.analysis.degraded) index.fromModel(uri, snapshot.analysis.file, snapshot.version);
    else index.ensure(uri, doc.text, doc.version);
  }
}

const workspaceSymbolIndex = new WorkspaceSymbolIndex();

/** The job files (and, for deletions, any folder) the server asks the editor to report changes of. */
const WATCHERS = [{ globPattern: '**/*.nomad.hcl' }, { globPattern: '**/*.nomad' }, { globPattern: '**/*', kind: WatchKind.Delete }];

export const workspaceSymbolsFeature: Feature = {
  name: 'workspaceSymbols',
  capabilities: () => ({ workspaceSymbolProvider: true, workspace: { workspaceFolders: { supported: true, changeNotifications: true } } }),
  register(ctx) {
    const index = workspaceSymbolIndex;
    index.onIdle = (files) => ctx.log(`workspace symbols: ${files} files indexed`);
    index.onSkipped = (skipped) => ctx.log(`workspace symbols: ${skipped} did not answer within ${DISK_WAIT_MS / 1000} s (a hung mount?); left out`);
    index.limits = () => ctx.settings().limits;
    index.isOpen = (uri) => ctx.documents.get(uri) !== undefined;
    // Loaded by initialize already: this only keeps a handle for indexing small open documents inline.
    void sharedParser().then((p) => (parserNow = p), () => undefined);
    if (ctx.client.workspace?.workspaceFolders) {
      void ctx.connection.workspace
        .getWorkspaceFolders()
        .then((folders) => {
          for (const folder of folders ?? []) {
            const folderPath = host.fileUrlToPath(folder.uri);
            if (folderPath !== undefined) index.enqueueFolder(folderPath);
          }
        })
        .catch((error: unknown) => ctx.log(`workspace folders: ${String(error)}`));
    }
    // Folders added to or removed from the workspace while the server runs.
    if (ctx.client.workspace?.workspaceFolders) {
      ctx.connection.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const folder of event.removed) {
          const folderPath = host.fileUrlToPath(folder.uri);
          if (folderPath !== undefined) index.removeFolder(folderPath);
        }
        for (const folder of event.added) {
          const folderPath = host.fileUrlToPath(folder.uri);
          if (folderPath !== undefined) index.enqueueFolder(folderPath);
        }
      });
    }
    // Files changed on disk outside the editor: the editor watches them for us when it can register
    // watchers at run time (VS Code can); other editors send what their own watchers see, if anything.
    if (ctx.client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void ctx.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHERS }).catch((error: unknown) => ctx.log(`watching job files: ${String(error)}`));
    }
    ctx.onDidChangeFiles((changes) => {
      for (const change of changes) {
        try {
          if (change.type === FileChangeType.Deleted) index.deletedOnDisk(change.uri);
          else index.changedOnDisk(change.uri);
        } catch (error) {
          ctx.log(`file event for ${change.uri}: ${String(error)}`);
        }
      }
    });
    ctx.connection.onWorkspaceSymbol(
      ctx.guard('workspaceSymbol', [] as SymbolInformation[], (params: { query: string }) => {
        refreshOpen(ctx, index);
        return index.query(params.query ?? '');
      }),
    );
  },
};
