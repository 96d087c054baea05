// The one pipeline from text to diagnostics, shared by the language server and the CLI:
// parse -> syntax errors -> job model -> checks. `DocumentAnalysis` is the incremental form used per open
// document (it keeps the tree and the model cache between edits); `analyse` is the one-shot form.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from './checks/codes';
import { runChecks } from './checks/index';
import { assembleFile, ModelBuilder, type EditSpan } from './model/build';
import { isPaused, stopAfter, withDeadline } from './pause';
import { createEvaluator, type EvaluateOptions } from './model/evaluate';
import type { Evaluator } from './model/eval';
import type { JobFile } from './model/types';
import type { HclParser } from './parser/parser';
import { collectSyntaxFindings, groupFindings } from './parser/syntaxErrors';
import { SyntaxDocument, type TextChange } from './parser/syntaxDocument';
import { dropFindingsShadowedBySyntaxErrors } from './syntaxShadow';
import type { EffectiveSettings } from './settings';

export interface Analysis {
  file: JobFile;
  evaluator: Evaluator;
  /** Syntax errors first, then the checks' findings. */
  diagnostics: Diagnostic[];
  syntaxDiagnostics: Diagnostic[];
  /** Set when the file was not analysed (too large, or too slow to parse): why, as told in its notice. */
  degraded?: string;
}

export interface AnalyseOptions {
  evaluate?: EvaluateOptions;
}

function syntaxDiagnostic(range: Diagnostic['range'], message: string): Diagnostic {
  return { range, severity: DIAGNOSTIC_CODES['syntax-error'].severity, code: 'syntax-error', source: DIAGNOSTIC_SOURCE, message };
}

/** The model and syntax errors of a parsed text: the first half of an analysis. */
export interface ModelStage {
  file: JobFile;
  evaluator: Evaluator;
  syntaxDiagnostics: Diagnostic[];
}

/**
 * Builds the model of a parsed text and finds its syntax errors. `builder` carries the model cache of a
 * document between edits. Under a deadline (pause.ts) it may throw PAUSED (see ModelBuilder.build).
 */
export function modelStage(tree: Tree, text: string, builder: ModelBuilder, options: AnalyseOptions = {}, edits?: readonly EditSpan[]): ModelStage {
  const built = builder.build(tree, text, edits);
  const findings = collectSyntaxFindings(tree, text);
  const notices: Diagnostic[] = [];
  for (const problem of built.problems) {
    if (problem.notice) notices.push(limitNotice(problem.message, problem.range));
    else findings.push({ range: problem.range, message: problem.message, specific: true });
  }
  const syntaxDiagnostics = groupFindings(findings).map((f) => syntaxDiagnostic(f.range, f.message));
  // Notices go with the syntax errors: published before the checks' findings, never shadowed by them.
  for (const notice of notices) syntaxDiagnostics.push(notice);
  return { file: built.file, evaluator: createEvaluator(built.file, options.evaluate), syntaxDiagnostics };
}

/** The checks' findings, then all diagnostics. Under a deadline it may throw PAUSED (groupMemo.ts). */
export function checkStage(model: ModelStage, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  let checkDiagnostics: Diagnostic[] = [];
  try {
    checkDiagnostics = runChecks(model.file, settings, model.evaluator, { evaluateOptions: options.evaluate });
  } catch (error) {
    if (isPaused(error)) throw error;
    checkDiagnostics = [];
  }
  checkDiagnostics = dropFindingsShadowedBySyntaxErrors(model.file, model.syntaxDiagnostics, checkDiagnostics);
  return { file: model.file, evaluator: model.evaluator, syntaxDiagnostics: model.syntaxDiagnostics, diagnostics: [...model.syntaxDiagnostics, ...checkDiagnostics] };
}

/** Analyses a parsed text. `builder` carries the model cache of a document between edits. */
export function analyseTree(tree: Tree, text: string, settings: EffectiveSettings, builder = new ModelBuilder(), options: AnalyseOptions = {}, edits?: readonly EditSpan[]): Analysis {
  return checkStage(modelStage(tree, text, builder, options, edits), settings, options);
}

/** One-shot: parse `text` and analyse it (a file above the size limit gets only the notice). */
export function analyse(parser: HclParser, text: string, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  if (text.length > settings.limits.maxFileSize) return degradedAnalysis(tooLarge(text.length, settings.limits.maxFileSize));
  const tree = parser.parse(text);
  try {
    return analyseTree(tree, text, settings, new ModelBuilder(), options);
  } finally {
    tree.delete();
  }
}

function megabytes(chars: number): string {
  const mb = chars / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

function tooLarge(size: number, limit: number): string {
  return `This file is ${megabytes(size)}, more than the ${megabytes(limit)} of the setting nomadExec.maxFileSize, so nomad-exec does not parse or check it: no diagnostics, outline, hover or completion here. Raise nomadExec.maxFileSize to analyse it.`;
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

  constructor(parser: HclParser, uri: string, text: string, version: number) {
    this.parser = parser.another();
    this.syntax = new SyntaxDocument(this.parser, uri, text, version);
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

  /** Whether the analysis of the current text under `settings` is complete. */
  isDone(settings: EffectiveSettings): boolean {
    return this.stage === 'done' && this.lastSettings === settings;
  }

  /**
   * Works on the analysis of the current text until `deadline` (performance.now()); returns it once
   * complete, undefined when there is more to do (call again: finished work is kept).
   */
  advance(settings: EffectiveSettings, deadline: number): Analysis | undefined {
    if (this.stage === 'done') {
      if (this.lastSettings === settings) return this.last;
      // Settings changed: checks and limits depend on them; the parse and model are kept when still current.
      this.stage = 'parse';
    }
    try {
      return withDeadline(deadline, () => this.step(settings));
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
        this.model = modelStage(tree, this.syntax.text, this.builder, {}, this.buildEdits);
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
    const analysis = checkStage(this.model!, settings);
    return this.complete(settings, analysis);
  }

  /** After an unexpected failure: an empty analysis for this version (nothing reported), so nothing waits forever. */
  fail(settings: EffectiveSettings): Analysis {
    const file = assembleFile({ items: [], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
    return this.complete(settings, { file, evaluator: createEvaluator(file), syntaxDiagnostics: [], diagnostics: [] });
  }

  private complete(settings: EffectiveSettings, analysis: Analysis): Analysis {
    this.last = analysis;
    this.lastSettings = settings;
    this.stage = 'done';
    return analysis;
  }

  /** Keeps nothing of a file it will not analyse (no tree, no model cache), only the notice. */
  private degrade(settings: EffectiveSettings, reason: string): Analysis {
    this.syntax.forgetTree();
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
    this.syntax.dispose();
    this.parser.delete();
    this.last = undefined;
    this.model = undefined;
  }
}
