// Workspace symbols: jobs, groups, tasks, variables, locals, ports, volumes and services of every
// `*.nomad.hcl` / `*.nomad` file in the workspace folders. Files are indexed in the background, one per
// turn of the event loop, so requests are never kept waiting; an open document is indexed again from its
// current text after it changes (also in the background: a query answers with what is indexed so far).
import type * as fs from 'node:fs';
import * as path from 'node:path';
import { host } from '../host';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver-types';
import type { Feature, FeatureContext } from '../feature';
import { buildModel } from '../model/build';
import type { JobFile } from '../model/types';
import { sharedParser, type HclParser } from '../parser/parser';
import { referenceIndex, type Declaration } from '../references/index';
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
export function fileSymbols(file: JobFile, uri: string): SymbolInformation[] {
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
export function matchesQuery(name: string, query: string): boolean {
  const n = name.toLowerCase();
  let at = 0;
  for (const c of query.toLowerCase()) {
    at = n.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

export class WorkspaceSymbolIndex {
  private readonly files = new Map<string, { version?: number; symbols: SymbolInformation[] }>();
  private readonly queue: Array<{ uri: string; text?: string; version?: number }> = [];
  private running = false;
  /** Called each time the queue runs empty, with the number of files indexed. */
  onIdle: ((files: number) => void) | undefined;

  enqueueFolder(folder: string): void {
    let count = this.files.size + this.queue.length;
    const walk = (dir: string, depth: number): void => {
      if (depth > 12 || count >= MAX_FILES) return;
      let entries: fs.Dirent[];
      try {
        entries = host.fs?.readdirSync(dir, { withFileTypes: true }) ?? [];
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.isSymbolicLink()) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full, depth + 1);
        } else if (entry.isFile() && isJobFile(entry.name) && count < MAX_FILES) {
          this.queue.push({ uri: host.pathToFileUrl(full) });
          count++;
        }
      }
    };
    walk(folder, 0);
    this.pump();
  }

  /** Index `text` as the content of `uri` (an open document at `version`), in the background. */
  refresh(uri: string, text: string, version: number): void {
    const known = this.files.get(uri);
    if (known?.version === version || this.queue.some((q) => q.uri === uri && q.version === version)) return;
    this.queue.push({ uri, text, version });
    this.pump();
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
    if (this.files.has(uri) || text.length > INLINE_BYTES) return this.refresh(uri, text, version);
    try {
      this.indexText(uri, text, version, parserNow);
    } catch {
      this.refresh(uri, text, version);
    }
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
      this.onIdle?.(this.files.size);
      return;
    }
    try {
      await this.index(item);
    } catch {
      // A file that cannot be read or understood has no symbols.
    }
    setImmediate(() => void this.next());
  }

  private async index(item: { uri: string; text?: string; version?: number }): Promise<void> {
    let text = item.text;
    if (text === undefined) {
      // An open document's own text wins over what is on disk.
      if (this.files.get(item.uri)?.version !== undefined) return;
      const file = host.fileUrlToPath(item.uri);
      if (file === undefined || !host.fs) return;
      const stat = await host.fs.promises.stat(file);
      if (stat.size > MAX_FILE_BYTES) return;
      text = await host.fs.promises.readFile(file, 'utf8');
    }
    parserNow = await sharedParser();
    this.indexText(item.uri, text, item.version, parserNow);
  }

  private indexText(uri: string, text: string, version: number | undefined, parser: HclParser | undefined): void {
    if (!parser) throw new Error('parser not loaded yet');
    const tree = parser.parse(text);
    try {
      const { file } = buildModel(tree, text);
      this.files.set(uri, { version, symbols: fileSymbols(file, uri) });
    } finally {
      tree.delete();
    }
  }
}

function refreshOpen(ctx: FeatureContext, index: WorkspaceSymbolIndex): void {
  for (const uri of ctx.documents.uris()) {
    const doc = ctx.documents.get(uri);
    if (doc) index.ensure(uri, doc.text, doc.version);
  }
}

export const workspaceSymbolIndex = new WorkspaceSymbolIndex();

export const workspaceSymbolsFeature: Feature = {
  name: 'workspaceSymbols',
  capabilities: () => ({ workspaceSymbolProvider: true }),
  register(ctx) {
    const index = workspaceSymbolIndex;
    index.onIdle = (files) => ctx.log(`workspace symbols: ${files} files indexed`);
    // Loaded by initialize already: this only keeps a handle for indexing small open documents inline.
    void sharedParser().then((p) => (parserNow = p), () => undefined);
    if (ctx.client.workspace?.workspaceFolders) {
      void ctx.connection.workspace
        .getWorkspaceFolders()
        .then((folders) => {
          for (const folder of folders ?? []) {
            // Where the host has no files (a browser), only open documents are indexed.
            const dir = host.fs && host.fileUrlToPath(folder.uri);
            if (dir) index.enqueueFolder(dir);
          }
        })
        .catch((error: unknown) => ctx.log(`workspace folders: ${String(error)}`));
    }
    ctx.connection.onWorkspaceSymbol(
      ctx.guard('workspaceSymbol', [] as SymbolInformation[], (params: { query: string }) => {
        refreshOpen(ctx, index);
        return index.query(params.query ?? '');
      }),
    );
  },
};
