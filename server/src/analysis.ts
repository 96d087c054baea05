// The one pipeline from text to diagnostics, shared by the language server and the CLI:
// parse -> syntax errors -> job model -> checks. `DocumentAnalysis` is the incremental form used per open
// document (it keeps the tree and the model cache between edits); `analyse` is the one-shot form.
import * as path from 'node:path';
import { host } from './host';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from './checks/codes';
import { forgetRecentRuns, runChecks } from './checks/index';
import { referenceIndex } from './references/index';
import { assembleFile, ModelBuilder, type EditSpan } from './model/build';
import { forgetMoves } from './model/shift';
import { isPaused, stopAfter, withDeadline } from './pause';
import { createEvaluator, type EvaluateOptions } from './model/evaluate';
import type { Evaluator } from './model/eval';
import type { JobFile } from './model/types';
import type { HclParser } from './parser/parser';
import { collectSyntaxFindings, groupFindings, syntaxReport, type SyntaxFinding } from './parser/syntaxErrors';
import { hclSyntaxIssues } from './parser/hclVerdict';
import { VerdictCache } from './parser/verdictCache';
import { SyntaxDocument, type TextChange } from './parser/syntaxDocument';
import { dropFindingsShadowedBySyntaxErrors } from './syntaxShadow';
import { RepairedModels } from './syntaxRepair';
import type { EffectiveSettings } from './settings';

export interface Analysis {
  file: JobFile;
  evaluator: Evaluator;
  /** Syntax errors first, then the checks' findings. */
  diagnostics: Diagnostic[];
  syntaxDiagnostics: Diagnostic[];
  /** Despite syntax errors the model is sound: tree-sitter read the text cleanly, or the model was built from the text without its broken items (syntaxRepair). */
  brokenItemsLeftOut?: boolean;
  /** Set when the file was not analysed (too large, or too slow to parse): why, as told in its notice. */
  degraded?: string;
}

export interface AnalyseOptions {
  evaluate?: EvaluateOptions;
  /** The job file's folder on this machine (see CheckContext.documentDir). */
  documentDir?: string;
  /** Builds the model of the text without its broken items (see syntaxRepair); kept per document. */
  repair?: RepairedModels;
  /**
   * Texts longer than this (in UTF-16 units) get tree-sitter's syntax verdict only, not HCL's (which walks
   * the whole text on every edit). The CLI and the formatter always use HCL's.
   */
  hclVerdictLimit?: number;
  /** HCL's verdict of the document's previous text, for an incremental one (an open document's). */
  verdict?: VerdictCache;
  /** false: the checks compute everything afresh and remember nothing (runChecks' RunOptions.incremental). */
  incremental?: boolean;
}

function syntaxDiagnostic(range: Diagnostic['range'], message: string): Diagnostic {
  return { range, severity: DIAGNOSTIC_CODES['syntax-error'].severity, code: 'syntax-error', source: DIAGNOSTIC_SOURCE, message };
}

/**
 * HCL refuses an attribute set twice in any body, schema or not. The schema checks already say so, with
 * more context, for the bodies they know; the others get HCL's verdict as a `duplicate` finding.
 */
function withRedefinedAttributes(findings: Diagnostic[], redefined: SyntaxFinding[]): Diagnostic[] {
  if (redefined.length === 0) return findings;
  const known = new Set(findings.filter((d) => d.code === 'duplicate').map((d) => `${d.range.start.line}:${d.range.start.character}`));
  const extra = redefined
    .filter((f) => !known.has(`${f.range.start.line}:${f.range.start.character}`))
    .map((f): Diagnostic => ({ range: f.range, severity: DIAGNOSTIC_CODES.duplicate.severity, code: 'duplicate', source: DIAGNOSTIC_SOURCE, message: f.message }));
  return extra.length ? [...findings, ...extra] : findings;
}

/** The model and syntax errors of a parsed text: the first half of an analysis. */
export interface ModelStage {
  file: JobFile;
  evaluator: Evaluator;
  syntaxDiagnostics: Diagnostic[];
  /** Despite syntax errors the model is sound (see Analysis.brokenItemsLeftOut). */
  modelIntact: boolean;
  /** Attributes set twice in bodies the schema does not know (HCL's "Attribute redefined"). */
  duplicates: SyntaxFinding[];
}

/**
 * Builds the model of a parsed text and finds its syntax errors (HCL's verdict, tree-sitter's messages where
 * they describe the same spot). `tree` is parsed from `lineEnds.treeText(text)`, so its rows are LSP lines;
 * `builder` carries the model cache of a document between edits. Under a
 * deadline (pause.ts) it may throw PAUSED (see ModelBuilder.build).
 */
export function modelStage(tree: Tree, text: string, builder: ModelBuilder, options: AnalyseOptions = {}, edits?: readonly EditSpan[]): ModelStage {
  const built = builder.build(tree, text, edits);
  const findings = collectSyntaxFindings(tree, text);
  const notices: Diagnostic[] = [];
  for (const problem of built.problems) {
    if (problem.notice) notices.push(limitNotice(problem.message, problem.range));
    else findings.push({ range: problem.range, message: problem.message, specific: true });
  }
  const issues = text.length > (options.hclVerdictLimit ?? Infinity) ? undefined : options.verdict ? options.verdict.issues(text) : hclSyntaxIssues(text);
  const report = syntaxReport(text, groupFindings(findings), issues);
  const syntaxDiagnostics = report.syntax.map((f) => syntaxDiagnostic(f.range, f.message));
  // With syntax errors, the model comes from the text without its broken items when that parses cleanly,
  // so the blocks whose text is intact keep their findings.
  // Only needed when tree-sitter itself lost its way; a clean tree gives an intact model already.
  let intact: JobFile | undefined;
  if (syntaxDiagnostics.length > 0 && tree.rootNode.hasError) intact = options.repair?.model(text, issues);
  const modelIntact = intact !== undefined || (syntaxDiagnostics.length > 0 && issues !== undefined && !tree.rootNode.hasError);
  const file = intact ?? built.file;
  // Notices go with the syntax errors: published before the checks' findings, never shadowed by them.
  syntaxDiagnostics.push(...notices);
  return { file, evaluator: createEvaluator(file, options.evaluate), syntaxDiagnostics, modelIntact, duplicates: report.duplicates };
}

/** The checks' findings, then all diagnostics. Under a deadline it may throw PAUSED (groupMemo.ts). */
export function checkStage(model: ModelStage, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  let checkDiagnostics: Diagnostic[] = [];
  try {
    checkDiagnostics = runChecks(model.file, settings, model.evaluator, { evaluateOptions: options.evaluate, documentDir: options.documentDir, incremental: options.incremental });
  } catch (error) {
    if (isPaused(error)) throw error;
    checkDiagnostics = [];
  }
  checkDiagnostics = dropFindingsShadowedBySyntaxErrors(model.file, model.syntaxDiagnostics, checkDiagnostics, model.modelIntact);
  checkDiagnostics = withRedefinedAttributes(checkDiagnostics, model.duplicates);
  return {
    file: model.file,
    evaluator: model.evaluator,
    syntaxDiagnostics: model.syntaxDiagnostics,
    diagnostics: [...model.syntaxDiagnostics, ...checkDiagnostics],
    ...(model.modelIntact ? { brokenItemsLeftOut: true } : {}),
  };
}

/** Analyses a parsed text. `builder` carries the model cache of a document between edits. */
export function analyseTree(tree: Tree, text: string, settings: EffectiveSettings, builder = new ModelBuilder(), options: AnalyseOptions = {}, edits?: readonly EditSpan[]): Analysis {
  return checkStage(modelStage(tree, text, builder, options, edits), settings, options);
}

/** One-shot: parse `text` and analyse it (a file above the size limit, or binary data, gets only the notice). */
export function analyse(parser: HclParser, text: string, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  if (text.length > settings.limits.maxFileSize) return degradedAnalysis(tooLarge(text.length, settings.limits.maxFileSize));
  const shape = shapeNotice(text);
  if (shape) return degradedAnalysis(shape);
  // The tree's rows are LSP lines; the model reads the text as written.
  const tree = parser.parseText(text);
  try {
    const repair = new RepairedModels(parser);
    try {
      return analyseTree(tree, text, settings, new ModelBuilder(), { repair, ...options });
    } finally {
      repair.dispose();
    }
  } finally {
    tree.delete();
  }
}

/** The folder of a `file:` document on this machine; undefined for anything else (untitled, remote). */
export function documentDirOf(uri: string): string | undefined {
  try {
    const file = host.fileUrlToPath(uri);
    return file === undefined ? undefined : path.dirname(file);
  } catch {
    return undefined;
  }
}

/**
 * HCL's verdict walks the whole text: about 0.4 ms for a 1,000-line job, tens of ms per MB. Above this size
 * an open document keeps tree-sitter's verdict while typing (`nomad-exec check` and formatting still use
 * HCL's).
 */
export const PER_EDIT_HCL_VERDICT_LIMIT = 256 * 1024;


function megabytes(chars: number): string {
  const mb = chars / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

function tooLarge(size: number, limit: number): string {
  return `This file is ${megabytes(size)}, more than the ${megabytes(limit)} of the setting nomadExec.maxFileSize, so nomad-exec does not parse or check it: no diagnostics, outline, hover or completion here. Raise nomadExec.maxFileSize to analyse it.`;
}

/** How much of a text's start is looked at to tell binary data. */
const BINARY_SAMPLE = 64 * 1024;

/**
 * The notice for a text that is binary data rather than a job file: more than a tenth of its first 64 KB
 * are control characters (other than tabs and line ends) or U+FFFD (bytes that were not UTF-8). Parsing
 * such a text costs tree-sitter seconds and hundreds of MB, for one syntax error at its first character;
 * a job file with a few stray control characters is still analysed.
 */
export function binaryNotice(text: string): string | undefined {
  const n = Math.min(text.length, BINARY_SAMPLE);
  if (n < 256) return undefined;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd) odd++;
  }
  if (odd * 10 <= n) return undefined;
  return `This file looks like binary data, not a job file (${Math.round((odd / n) * 100)}% of its first ${n >= BINARY_SAMPLE ? '64 KB' : 'characters'} are control characters or bytes that are not UTF-8), so nomad-exec does not parse or check it.`;
}

/**
 * Brackets left open this deep make tree-sitter's error recovery slow, and worse, in steps it cannot
 * interrupt: 20,000 unclosed `{` cost 90 ms at a time, 50,000 close to 400 ms (10,000: about 25 ms).
 * Real job files nest a few dozen deep at most.
 */
export const MAX_OPEN_BRACKETS = 10_000;

/** The notice for a text with more than MAX_OPEN_BRACKETS brackets open at once (strings not told apart). */
export function nestingNotice(text: string): string | undefined {
  let open = 0;
  let most = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91 || c === 40) {
      if (++open > most) most = open;
    } else if ((c === 125 || c === 93 || c === 41) && open > 0) open--;
  }
  if (most <= MAX_OPEN_BRACKETS) return undefined;
  return `This file has ${most.toLocaleString('en-US')} brackets open at once, more than the ${MAX_OPEN_BRACKETS.toLocaleString('en-US')} nomad-exec parses (the parser's recovery from so many is slow and cannot be interrupted), so it does not parse or check it. Close the brackets, and it is analysed again.`;
}

/** Why a text is not parsed at all, whatever its size: binary data, or brackets nested far too deep. */
export function shapeNotice(text: string): string | undefined {
  return binaryNotice(text) ?? nestingNotice(text);
}

function limitNotice(message: string, range: Diagnostic['range'] = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }): Diagnostic {
  return { range, severity: DIAGNOSTIC_CODES['analysis-limit'].severity, code: 'analysis-limit', source: DIAGNOSTIC_SOURCE, message };
}

/** An analysis of nothing, with one notice saying why (the file is too large or too slow to parse). */
function degradedAnalysis(reason: string): Analysis {
  const file = assembleFile({ items: [], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  return { file, evaluator: createEvaluator(file), syntaxDiagnostics: [], diagnostics: [limitNotice(reason)], degraded: reason };
}

/** The current analysis of an open document, with the tree it was made from, for feature requests. */
export interface DocumentSnapshot {
  uri: string;
  version: number;
  document: TextDocument;
  analysis: Analysis;
  /** undefined when the file was not parsed (analysis.degraded says why). Valid until the next edit. */
  tree: Tree | undefined;
}

type Stage = 'parse' | 'model' | 'checks' | 'done';

/**
 * An open document: text, tree and model cache kept in step under incremental edits. Its analysis runs in
 * steps (`advance`), each until a deadline, so that the server can answer requests between them; an edit
 * drops the unfinished analysis of the text before it (nothing of a stale version is ever reported).
 */
export class DocumentAnalysis {
  readonly syntax: SyntaxDocument;
  private readonly parser: HclParser;
  private readonly builder = new ModelBuilder();
  private stage: Stage = 'parse';
  private model: ModelStage | undefined;
  /** The edits the model build under way was started with; null: not started. */
  private buildEdits: readonly EditSpan[] | undefined | null = null;
  /** The builder holds a build (finished or paused) that later edits are relative to. */
  private hasBuilt = false;
  private last: Analysis | undefined;
  private lastSettings: EffectiveSettings | undefined;
  /** Time spent parsing the current text so far (a parse may take several steps). */
  private parseMs = 0;
  /**
   * A text whose parse ran out of time: one of about that length is not tried again under the same limit
   * (each try would cost the whole budget again).
   */
  private slow: { length: number; maxParseMs: number } | undefined;
  /** Why the text is not parsed whatever its size (shapeNotice), as found at about this length. */
  private shape: { length: number; notice: string | undefined } | undefined;
  private readonly options: AnalyseOptions;
  private readonly repair: RepairedModels;

  constructor(parser: HclParser, uri: string, text: string, version: number) {
    this.parser = parser.another();
    this.syntax = new SyntaxDocument(this.parser, uri, text, version);
    // Repairs parse other texts from start to end at once: the shared parser, never this document's, whose
    // own parse may be paused half-way.
    this.repair = new RepairedModels(parser);
    this.syntax.onTreeEdit = (edit) => this.repair.follow(edit);
    this.options = { documentDir: documentDirOf(uri), repair: this.repair, hclVerdictLimit: PER_EDIT_HCL_VERDICT_LIMIT, verdict: new VerdictCache() };
  }

  get version(): number {
    return this.syntax.version;
  }

  get text(): string {
    return this.syntax.text;
  }

  applyChanges(changes: readonly TextChange[], version: number): void {
    this.syntax.applyChanges(changes, version);
    this.stage = 'parse';
    this.parseMs = 0;
    this.model = undefined;
    this.buildEdits = null;
    this.last = undefined;
  }

  /**
   * Files on the machine changed (forgetMachine): a complete analysis runs its checks again on the same model
   * (their memos replay everything but what read the disk); one under way reads the disk anyway.
   */
  recheck(): void {
    if (this.stage === 'done' && this.model) this.stage = 'checks';
  }

  /** Whether the analysis of the current text under `settings` is complete. */
  isDone(settings: EffectiveSettings): boolean {
    return this.stage === 'done' && this.lastSettings === settings;
  }

  /**
   * Works on the analysis of the current text until `deadline` (performance.now()); returns it once
   * complete, undefined when there is more to do (call again: finished work is kept). `catchUpMs`: see
   * withDeadline (pause.ts).
   */
  advance(settings: EffectiveSettings, deadline: number, catchUpMs?: number): Analysis | undefined {
    if (this.stage === 'done') {
      if (this.lastSettings === settings) return this.last;
      // Settings changed: checks and limits depend on them; the parse and model are kept when still current.
      this.stage = 'parse';
    }
    try {
      return withDeadline(deadline, () => this.step(settings), catchUpMs);
    } catch (error) {
      if (isPaused(error)) return undefined;
      throw error;
    }
  }

  /** The analysis of the current text, completed now however long it takes (tests, one-off requests). */
  analyse(settings: EffectiveSettings): Analysis {
    for (;;) {
      const done = this.advance(settings, Infinity);
      if (done) return done;
    }
  }

  /** The completed analysis of the current text and the tree it was made from; undefined while pending. */
  snapshot(): DocumentSnapshot | undefined {
    if (this.stage !== 'done' || !this.last) return undefined;
    return {
      uri: this.syntax.uri,
      version: this.syntax.version,
      document: this.syntax.textDocument,
      analysis: this.last,
      tree: this.last.degraded ? undefined : this.syntax.parsedTree(),
    };
  }

  private step(settings: EffectiveSettings): Analysis | undefined {
    const { maxFileSize, maxParseMs } = settings.limits;
    const size = this.syntax.text.length;
    if (size > maxFileSize) {
      return this.degrade(settings, tooLarge(size, maxFileSize));
    }
    const slowNotice = `Parsing this file took more than ${maxParseMs / 1000} s (the setting nomadExec.maxParseTime), so nomad-exec stopped: no diagnostics, outline, hover or completion here. Text the parser recovers from slowly, such as thousands of unclosed \`{\`, causes this; it is tried again when the file's size changes by a tenth, or raise nomadExec.maxParseTime.`;
    const slow = this.slow;
    if (slow && slow.maxParseMs === maxParseMs && Math.abs(size - slow.length) < slow.length / 10) return this.degrade(settings, slowNotice);
    // Looked at again only when the size changes by more than a few characters (a paste, not typing).
    const shape = this.shape;
    if (!shape || Math.abs(size - shape.length) > Math.max(256, shape.length / 20)) this.shape = { length: size, notice: shapeNotice(this.syntax.text) };
    const shapeText = this.shape!.notice;
    if (shapeText) return this.degrade(settings, shapeText);
    if (this.stage === 'parse') {
      if (!this.syntax.parsedTree()) {
        const started = performance.now();
        const tree = this.syntax.advance(stopAfter(started + Math.max(0, maxParseMs - this.parseMs)));
        this.parseMs += performance.now() - started;
        if (!tree) {
          if (this.parseMs < maxParseMs) return undefined;
          this.slow = { length: size, maxParseMs };
          return this.degrade(settings, slowNotice);
        }
        this.model = undefined;
      }
      this.slow = undefined;
      this.stage = this.model ? 'checks' : 'model';
    }
    if (this.stage === 'model') {
      const tree = this.syntax.parsedTree()!;
      if (this.buildEdits === null) {
        // The first build has no previous one: takeEdits() then only clears the record.
        const edits = this.syntax.takeEdits();
        this.buildEdits = this.hasBuilt ? edits : undefined;
      }
      try {
        this.model = modelStage(tree, this.syntax.text, this.builder, this.options, this.buildEdits);
      } catch (error) {
        if (isPaused(error)) {
          // The builder kept what it finished as a build of this text: go on from it with no edits.
          this.hasBuilt = true;
          this.buildEdits = [];
        }
        throw error;
      }
      this.hasBuilt = true;
      this.buildEdits = null;
      this.stage = 'checks';
    }
    // The reference index first, in slices of its own (the references check and navigation read it):
    // built inside the checks, a cold one was one long step.
    referenceIndex(this.model!.file);
    const analysis = checkStage(this.model!, settings, this.options);
    return this.complete(settings, analysis);
  }

  /** After an unexpected failure: an empty analysis for this version (nothing reported), so nothing waits forever. */
  fail(settings: EffectiveSettings): Analysis {
    const file = assembleFile({ items: [], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
    return this.complete(settings, { file, evaluator: createEvaluator(file), syntaxDiagnostics: [], diagnostics: [] });
  }

  private complete(settings: EffectiveSettings, analysis: Analysis): Analysis {
    // What the build moved was read by this analysis' checks and reference index, and by nothing later.
    forgetMoves(analysis.file);
    this.last = analysis;
    this.lastSettings = settings;
    this.stage = 'done';
    return analysis;
  }

  /** Keeps nothing of a file it will not analyse (no tree, no model cache), only the notice. */
  private degrade(settings: EffectiveSettings, reason: string): Analysis {
    this.syntax.forgetTree();
    this.options.verdict?.forget();
    this.builder.dispose();
    this.hasBuilt = false;
    this.buildEdits = null;
    this.model = undefined;
    this.parseMs = 0;
    return this.complete(settings, degradedAnalysis(reason));
  }

  /** The current tree (features may read it; do not delete it). Parses now if needed, however long. */
  tree(): Tree {
    return this.syntax.tree();
  }

  dispose(): void {
    this.builder.dispose();
    this.repair.dispose();
    this.syntax.dispose();
    this.parser.delete();
    this.last = undefined;
    this.model = undefined;
    forgetRecentRuns();
  }
}
