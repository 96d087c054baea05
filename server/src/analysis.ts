// The one pipeline from text to diagnostics, shared by the language server and the CLI:
// parse -> syntax errors -> job model -> checks. `DocumentAnalysis` is the incremental form used per open
// document (it keeps the tree and the model cache between edits); `analyse` is the one-shot form.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Tree } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from './checks/codes';
import { runChecks } from './checks/index';
import { ModelBuilder, type EditSpan } from './model/build';
import { createEvaluator, type EvaluateOptions } from './model/evaluate';
import type { Evaluator } from './model/eval';
import type { JobFile } from './model/types';
import type { HclParser } from './parser/parser';
import { collectSyntaxFindings, groupFindings, syntaxReport, type SyntaxFinding } from './parser/syntaxErrors';
import { hclSyntaxIssues } from './parser/hclVerdict';
import { treeRowsToLspLines } from './parser/lineEnds';
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

/** Analyses a parsed text. `builder` carries the model cache of a document between edits. */
export function analyseTree(tree: Tree, text: string, settings: EffectiveSettings, builder = new ModelBuilder(), options: AnalyseOptions = {}, edits?: readonly EditSpan[]): Analysis {
  const built = builder.build(tree, text, edits);
  const findings = collectSyntaxFindings(tree, text);
  for (const problem of built.problems) findings.push({ range: problem.range, message: problem.message, specific: true });
  const issues = text.length <= (options.hclVerdictLimit ?? Infinity) ? hclSyntaxIssues(text) : undefined;
  // Ranges from the tree count rows at `\n` only; LSP also ends a line at a lone `\r`.
  const toLsp = treeRowsToLspLines(text);
  const treeFindings = groupFindings(findings).map((f) => (toLsp ? { ...f, range: toLsp(f.range) } : f));
  const report = syntaxReport(text, treeFindings, issues);
  const syntaxDiagnostics = report.syntax.map((f) => syntaxDiagnostic(f.range, f.message));
  // With syntax errors, the model comes from the text without its broken items when that parses cleanly,
  // so the blocks whose text is intact keep their findings.
  // Only needed when tree-sitter itself lost its way; a clean tree gives an intact model already.
  let intact: JobFile | undefined;
  if (syntaxDiagnostics.length > 0 && tree.rootNode.hasError) intact = options.repair?.model(text, issues);
  else if (issues) options.repair?.follow(text, issues);
  const modelIntact = intact !== undefined || (syntaxDiagnostics.length > 0 && issues !== undefined && !tree.rootNode.hasError);
  const file = intact ?? built.file;
  const evaluator = createEvaluator(file, options.evaluate);
  let checkDiagnostics: Diagnostic[] = [];
  try {
    checkDiagnostics = runChecks(file, settings, evaluator, { evaluateOptions: options.evaluate, documentDir: options.documentDir });
  } catch {
    checkDiagnostics = [];
  }
  checkDiagnostics = dropFindingsShadowedBySyntaxErrors(file, syntaxDiagnostics, checkDiagnostics, modelIntact);
  if (toLsp) checkDiagnostics = checkDiagnostics.map((d) => ({ ...d, range: toLsp(d.range) }));
  checkDiagnostics = withRedefinedAttributes(checkDiagnostics, report.duplicates);
  return { file, evaluator, syntaxDiagnostics, diagnostics: [...syntaxDiagnostics, ...checkDiagnostics], ...(modelIntact ? { brokenItemsLeftOut: true } : {}) };
}

/** One-shot: parse `text` and analyse it. */
export function analyse(parser: HclParser, text: string, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  const tree = parser.parse(text);
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
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.dirname(fileURLToPath(uri));
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

/** An open document: text, tree and model cache kept in step under incremental edits. */
export class DocumentAnalysis {
  readonly syntax: SyntaxDocument;
  private readonly builder = new ModelBuilder();
  private last: Analysis | undefined;
  private lastVersion = -1;
  private lastSettings: EffectiveSettings | undefined;
  private built = false;
  private readonly options: AnalyseOptions;

  private readonly repair: RepairedModels;

  constructor(parser: HclParser, uri: string, text: string, version: number) {
    this.syntax = new SyntaxDocument(parser, uri, text, version);
    this.repair = new RepairedModels(parser);
    this.options = { documentDir: documentDirOf(uri), repair: this.repair, hclVerdictLimit: PER_EDIT_HCL_VERDICT_LIMIT };
  }

  get version(): number {
    return this.syntax.version;
  }

  get text(): string {
    return this.syntax.text;
  }

  applyChanges(changes: readonly TextChange[], version: number): void {
    this.syntax.applyChanges(changes, version);
    this.last = undefined;
  }

  /** The analysis of the current text (cached until the next change or a settings change). */
  analyse(settings: EffectiveSettings): Analysis {
    if (this.last && this.lastVersion === this.syntax.version && this.lastSettings === settings) return this.last;
    const tree = this.syntax.tree();
    // The first analysis has no previous build: takeEdits() then only clears the record.
    const edits = this.syntax.takeEdits();
    this.last = analyseTree(tree, this.syntax.text, settings, this.builder, this.options, this.built ? edits : undefined);
    this.built = true;
    this.lastVersion = this.syntax.version;
    this.lastSettings = settings;
    return this.last;
  }

  /** The current tree (features may read it; do not delete it). */
  tree(): Tree {
    return this.syntax.tree();
  }

  dispose(): void {
    this.builder.dispose();
    this.repair.dispose();
    this.syntax.dispose();
    this.last = undefined;
  }
}
