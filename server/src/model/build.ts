// Syntax tree -> job model (model/types.ts). `ModelBuilder` keeps a cache between builds of one document
// so that an incremental edit rebuilds only the items on the edited path; `buildModel` is the one-shot form.
// Never throws: a broken tree yields as much model as can be understood.
import type { Node, Tree } from 'web-tree-sitter';
import type { Attribute, Block, Body, BodyItem, Group, Job, JobFile, Task, VariableDecl } from './types';
import type { BuildContext, SyntaxProblem } from './buildContext';
import { BodyBuilder, type EditSpan, type WholeBuild } from './body';
import { ChildLists, Rows, SyntaxReader } from './syntax';
import { isPaused } from '../pause';
import { forgetMoves, recordMoves } from './shift';
import { shiftedGroup, whitespaceShift } from './columnShift';

export type { EditSpan };
import { createEvaluator } from './evaluate';
import { sameDeclarations, scopeReadsOf, scopeViewOf, type ScopeView } from './scopeReads';
import type { Evaluator } from './eval';

export type { SyntaxProblem };

export interface BuildResult {
  file: JobFile;
  /** HCL2 syntax rules that the tree-sitter grammar does not enforce (reported as `syntax-error`). */
  problems: SyntaxProblem[];
}

/** Marks `file` when the build left part of it out (see JobFile.unread). */
function withUnread(file: JobFile, problems: readonly SyntaxProblem[]): JobFile {
  if (problems.some((problem) => problem.notice)) file.unread = true;
  return file;
}

export class ModelBuilder {
  private readonly bodies = new BodyBuilder();
  private readonly groups: GroupCache = emptyGroupCache();
  /** The file each clean build assembled (see takeBack): kept as long as the body cache keeps that build. */
  private readonly assembled = new WeakMap<WholeBuild, Assembled>();
  /** Line starts counted in the text of the last build, and its tree's long child lists. */
  private rows: Rows | undefined;
  private lists: ChildLists | undefined;

  /**
   * `edits`: the changes from the text of the previous build to `text` (see SyntaxDocument.takeEdits);
   * items outside them are reused. Without it, everything is built afresh. Under a deadline (pause.ts) it
   * may throw PAUSED: the next call, with the same tree and text and no edits (`[]`), goes on from there.
   */
  build(tree: Tree, text: string, edits?: readonly EditSpan[]): BuildResult {
    const root = tree.rootNode;
    const clean = !root.hasError;
    // Read before an undo makes another build the last one.
    const last = this.bodies.lastWhole;
    const undone = clean && edits !== undefined && edits.length > 0 ? this.bodies.undo(edits, text) : undefined;
    if (undone) {
      // Nothing moved: the items are those of that build, where they were.
      this.rows = undone.rows;
      const kept = this.assembled.get(undone);
      if (kept) return { file: takeBack(kept, this.groups), problems: [...undone.problems] };
      return { file: withUnread(assembleFile(undone.body, this.groups), undone.problems), problems: [...undone.problems] };
    }
    const ctx: BuildContext = { text, problems: [] };
    let body: Body;
    this.bodies.begin(edits);
    // The same text as the build before (resumed after a pause, or unchanged): its line count holds, and
    // with the same tree so do its long child lists.
    const sameText = edits !== undefined && edits.length === 0 && this.rows?.text === text;
    if (!sameText || !this.rows) this.rows = new Rows(text, this.crFree(text, edits));
    if (!sameText || this.lists?.tree !== tree) this.lists = new ChildLists(tree);
    const reader = SyntaxReader.of(tree, text, this.rows, this.lists);
    let whole: WholeBuild | undefined;
    try {
      body = this.bodies.root(reader.root, ctx);
      whole = clean ? { body, problems: ctx.problems, rows: this.rows } : undefined;
      this.bodies.finish(whole);
    } catch (error) {
      if (isPaused(error)) {
        // Stopped at a deadline, not broken: keep the items finished so far for the next attempt.
        this.bodies.pause();
        throw error;
      }
      // Should not happen; start from scratch next time rather than trust a half-updated cache.
      this.bodies.clear();
      body = { items: [], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    } finally {
      reader.delete();
    }
    if (last && clean && edits?.length === 1) this.whitespaceMove(root, text, last, edits[0], body);
    const file = withUnread(assembleFile(body, this.groups, edits === undefined || edits.length > 0), ctx.problems);
    if (whole) this.assembled.set(whole, { file, scope: this.groups.scope, view: this.groups.view, groups: this.groups.groups });
    recordMoves(file, this.bodies.moves);
    if (!edits) {
      // Built afresh: no block of before can come back.
      this.groups.olderScope = [];
      this.groups.olderGroups = new Map();
    }
    return { file, problems: ctx.problems };
  }

  /**
   * Records the group an edit of whitespace between two tokens was in (model/columnShift.ts) as moved from the
   * group of the last build, along its line.
   */
  private whitespaceMove(root: Node, text: string, last: WholeBuild, edit: EditSpan, body: Body): void {
    const columns = whitespaceShift(root, text, last.rows.text, edit);
    if (!columns) return;
    const groups = shiftedGroup(last.body, body, { line: columns.line, character: columns.column });
    if (groups && !this.bodies.moves.has(groups.to)) this.bodies.moves.set(groups.to, { from: groups.from, rows: 0, columns });
  }

  /**
   * Whether `text` holds no `\r`, known without searching it all when the previous text held none and one
   * edit inserted none (an editor's usual case: LF files, one change at a time).
   */
  private crFree(text: string, edits: readonly EditSpan[] | undefined): boolean {
    const before = this.rows;
    if (before?.crFree && edits?.length === 1) {
      const { start, newEnd } = edits[0];
      for (let i = start; i < newEnd; i++) if (text.charCodeAt(i) === 13) return false;
      return true;
    }
    return text.indexOf('\r') === -1;
  }

  /** Forgets cached items (e.g. when the document is closed). */
  dispose(): void {
    this.bodies.clear();
    this.rows = undefined;
    this.lists = undefined;
    Object.assign(this.groups, emptyGroupCache());
  }
}

/** A file as assembled, with the group cache as it left it: what an undo to its text gives back. */
interface Assembled {
  file: JobFile;
  scope: Block[];
  view: ScopeView;
  groups: Map<Block, Group>;
}

/**
 * The file of a build an undo went back to, the very object: what the checks, the reference index and the
 * features keep per file then holds at once (a file assembled again around the same body missed every one of
 * them, the checks' file-level parts and the whole reference index run again). The group cache steps as
 * assembleFile steps it, and the groups, shared between files, point to this file's jobs again.
 */
function takeBack(kept: Assembled, cache: GroupCache): JobFile {
  cache.olderScope = cache.scope;
  cache.olderView = cache.view;
  cache.olderGroups = cache.groups;
  cache.scope = kept.scope;
  cache.view = kept.view;
  cache.groups = kept.groups;
  for (const job of kept.file.jobs) for (const group of job.groups) group.job = job;
  // Moves recorded for its analysis then (one never completed keeps them) were from the build before that.
  forgetMoves(kept.file);
  return kept.file;
}

/** Builds the model of a tree once, without keeping a cache. */
export function buildModel(tree: Tree, text: string): BuildResult {
  return new ModelBuilder().build(tree, text);
}

export function blocksOf(body: Body, type?: string): Block[] {
  return body.items.filter((i): i is Block => i.kind === 'block' && (type === undefined || i.type === type));
}

export function attributeOf(body: Body, name: string): Attribute | undefined {
  return body.items.find((i): i is Attribute => i.kind === 'attribute' && i.name === name);
}

/**
 * Groups of the previous build, reused when their block is the same (cached) object and the variables and
 * locals they may be evaluated against are unchanged: a large job then costs nothing per edit here. The
 * build before that is kept too, as the body cache keeps it (BodyBuilder): its blocks come back on an undo.
 */
export interface GroupCache {
  scope: Block[];
  /** The variables and locals `groups` were assembled against. */
  view: ScopeView;
  groups: Map<Block, Group>;
  olderScope: Block[];
  olderView: ScopeView;
  olderGroups: Map<Block, Group>;
}

const NO_SCOPE: ScopeView = { variables: new Map(), locals: new Map() };

function emptyGroupCache(): GroupCache {
  return { scope: [], view: NO_SCOPE, groups: new Map(), olderScope: [], olderView: NO_SCOPE, olderGroups: new Map() };
}

/**
 * Groups of an earlier build that may be reused: all of them when the variables and locals are the same
 * blocks, else (`before` set) those whose own expressions read the same declarations (scopeReads.ts): a
 * group's assembly evaluates its own expressions only (dynamic labels, driver names).
 */
interface Reusable {
  groups: Map<Block, Group>;
  before?: ScopeView;
}

function scopeBlocks(body: Body): Block[] {
  return body.items.filter((i): i is Block => i.kind === 'block' && (i.type === 'variable' || i.type === 'variables' || i.type === 'locals'));
}

function sameBlocks(a: Block[], b: Block[]): boolean {
  return a.length === b.length && a.every((block, i) => block === b[i]);
}

/**
 * Variables, locals and jobs from the root body. Cheap: it looks at job, group and task blocks only.
 * `newText`: false when the body is of the same text as the previous call (the cache then keeps its older
 * generation, which is still one edit behind).
 */
export function assembleFile(body: Body, cache?: GroupCache, newText = true): JobFile {
  const variables = new Map<string, VariableDecl>();
  const locals = new Map<string, Attribute>();
  for (const item of body.items) {
    if (item.kind !== 'block') continue;
    if (item.type === 'variable' && item.labels[0]) {
      const name = item.labels[0].value;
      const decl: VariableDecl = { name, block: item };
      const type = attributeOf(item.body, 'type');
      if (type) decl.type = type.value;
      const def = attributeOf(item.body, 'default');
      if (def) decl.default = def;
      const description = attributeOf(item.body, 'description');
      if (description?.value.kind === 'literal' && typeof description.value.value === 'string') decl.description = description.value.value;
      if (!variables.has(name)) variables.set(name, decl);
    } else if (item.type === 'variables') {
      for (const attr of item.body.items) {
        if (attr.kind === 'attribute' && !variables.has(attr.name)) variables.set(attr.name, { name: attr.name, block: item, default: attr });
      }
    } else if (item.type === 'locals') {
      for (const attr of item.body.items) {
        if (attr.kind === 'attribute' && !locals.has(attr.name)) locals.set(attr.name, attr);
      }
    }
  }
  const file: JobFile = { body, variables, locals, jobs: [] };
  const evaluator = createEvaluator(file);
  const scope = scopeBlocks(body);
  const view = scopeViewOf(file);
  const reusable: Reusable[] = [];
  if (cache) {
    reusable.push({ groups: cache.groups, before: sameBlocks(cache.scope, scope) ? undefined : cache.view });
    reusable.push({ groups: cache.olderGroups, before: sameBlocks(cache.olderScope, scope) ? undefined : cache.olderView });
  }
  const seen = new Map<Block, Group>();
  for (const block of blocksOf(body, 'job')) file.jobs.push(assembleJob(block, evaluator, reusable, seen, view));
  if (cache) {
    if (newText) {
      cache.olderScope = cache.scope;
      cache.olderView = cache.view;
      cache.olderGroups = cache.groups;
    }
    cache.scope = scope;
    cache.view = view;
    cache.groups = seen;
  }
  return file;
}

/** A group of an earlier build for `item`, when it may be reused (see Reusable). */
function reusableGroup(reusable: readonly Reusable[], item: Block, view: ScopeView): Group | undefined {
  for (const { groups, before } of reusable) {
    const group = groups.get(item);
    if (group && (!before || sameDeclarations(scopeReadsOf(item), before, view))) return group;
  }
  return undefined;
}

function labelName(block: Block): string {
  return block.labels[0]?.value ?? '';
}

function assembleJob(block: Block, evaluator: Evaluator, reusable: readonly Reusable[], seen: Map<Block, Group>, view: ScopeView): Job {
  const job: Job = { name: labelName(block), block, groups: [] };
  for (const item of block.body.items) {
    if (item.kind !== 'block') continue;
    const previous = reusable.length === 0 ? undefined : reusableGroup(reusable, item, view);
    if (previous) {
      // Set first and told apart by the size: one lookup fewer per group of a large job, on every edit.
      const size = seen.size;
      seen.set(item, previous);
      if (seen.size > size) {
        previous.job = job;
        job.groups.push(previous);
        continue;
      }
      // The same block met twice: a group of its own, as any block met first (it replaces this entry).
    }
    const before = job.groups.length;
    if (item.type === 'group') {
      job.groups.push(assembleGroup(item, item.body, job, evaluator, false));
    } else if (item.type === 'task') {
      // A task directly under `job` is a group of its own, named after the task.
      const group: Group = { name: labelName(item), block: item, implicit: true, job, tasks: [] };
      group.tasks.push(assembleTask(item, item.body, group, evaluator, false));
      job.groups.push(group);
    } else if (item.dynamic?.blockType === 'group' && item.dynamic.content) {
      job.groups.push(assembleGroup(item, item.dynamic.content, job, evaluator, true));
    }
    if (job.groups.length > before) seen.set(item, job.groups[job.groups.length - 1]);
  }
  return job;
}

function dynamicName(block: Block, evaluator: Evaluator): string {
  const labels = attributeOf(block.body, 'labels');
  if (!labels) return '';
  const value = evaluator.evaluate(labels.value);
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

function assembleGroup(block: Block, body: Body, job: Job, evaluator: Evaluator, dynamic: boolean): Group {
  const group: Group = { name: dynamic ? dynamicName(block, evaluator) : labelName(block), block, implicit: false, job, tasks: [] };
  if (dynamic) group.dynamic = true;
  for (const item of body.items as BodyItem[]) {
    if (item.kind !== 'block') continue;
    if (item.type === 'task') group.tasks.push(assembleTask(item, item.body, group, evaluator, false));
    else if (item.dynamic?.blockType === 'task' && item.dynamic.content) group.tasks.push(assembleTask(item, item.dynamic.content, group, evaluator, true));
  }
  return group;
}

function assembleTask(block: Block, body: Body, group: Group, evaluator: Evaluator, dynamic: boolean): Task {
  const task: Task = { name: dynamic ? dynamicName(block, evaluator) : labelName(block), block, group };
  if (dynamic) task.dynamic = true;
  const driver = attributeOf(body, 'driver');
  if (driver) {
    task.driver = driver;
    try {
      const value = evaluator.evaluate(driver.value);
      if (typeof value === 'string') task.driverName = value;
    } catch {
      // Unknown driver: leave driverName unset.
    }
  }
  const config = blocksOf(body, 'config')[0];
  if (config) task.config = config;
  return task;
}
