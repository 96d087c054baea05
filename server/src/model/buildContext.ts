// State shared by the builders of one model: the source text and the syntax problems found on the way
// (HCL2 rules that tree-sitter-hcl does not enforce, reported as `syntax-error`).
import type { Range } from 'vscode-languageserver-types';

export interface SyntaxProblem {
  range: Range;
  message: string;
  /** Not a syntax error: a note that part of the file was left out of the model (an analysis limit). */
  notice?: true;
}

export interface BuildContext {
  text: string;
  problems: SyntaxProblem[];
}
