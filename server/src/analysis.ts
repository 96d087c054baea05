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
}

export interface AnalyseOptions {
  evaluate?: EvaluateOptions;
  /** The job file's folder on this machine (see CheckContext.documentDir). */
  documentDir?: string;
}

function syntaxDiagnostic(range: Diagnostic['range'], message: string): Diagnostic {
  return { range, severity: DIAGNOSTIC_CODES['syntax-error'].severity, code: 'syntax-error', source: DIAGNOSTIC_SOURCE, message };
}

/** Analyses a parsed text. `builder` carries the model cache of a document between edits. */
export function analyseTree(tree: Tree, text: string, settings: EffectiveSettings, builder = new ModelBuilder(), options: AnalyseOptions = {}, edits?: readonly EditSpan[]): Analysis {
  const built = builder.build(tree, text, edits);
  const findings = collectSyntaxFindings(tree, text);
  for (const problem of built.problems) findings.push({ range: problem.range, message: problem.message, specific: true });
  const syntaxDiagnostics = groupFindings(findings).map((f) => syntaxDiagnostic(f.range, f.message));
  const evaluator = createEvaluator(built.file, options.evaluate);
  let checkDiagnostics: Diagnostic[] = [];
  try {
    checkDiagnostics = runChecks(built.file, settings, evaluator, { evaluateOptions: options.evaluate, documentDir: options.documentDir });
  } catch {
    checkDiagnostics = [];
  }
  checkDiagnostics = dropFindingsShadowedBySyntaxErrors(built.file, syntaxDiagnostics, checkDiagnostics);
  return { file: built.file, evaluator, syntaxDiagnostics, diagnostics: [...syntaxDiagnostics, ...checkDiagnostics] };
}

/** One-shot: parse `text` and analyse it. */
export function analyse(parser: HclParser, text: string, settings: EffectiveSettings, options: AnalyseOptions = {}): Analysis {
  const tree = parser.parse(text);
  try {
    return analyseTree(tree, text, settings, new ModelBuilder(), options);
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

/** An open document: text, tree and model cache kept in step under incremental edits. */
export class DocumentAnalysis {
  readonly syntax: SyntaxDocument;
  private readonly builder = new ModelBuilder();
  private last: Analysis | undefined;
  private lastVersion = -1;
  private lastSettings: EffectiveSettings | undefined;
  private built = false;
  private readonly options: AnalyseOptions;

  constructor(parser: HclParser, uri: string, text: string, version: number) {
    this.syntax = new SyntaxDocument(parser, uri, text, version);
    this.options = { documentDir: documentDirOf(uri) };
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
    this.syntax.dispose();
    this.last = undefined;
  }
}
