// The job model: what a job file says, typed, with a source range for everything a feature may point at.
// It is built from the tree-sitter syntax tree by model/build.ts and read by checks, hover, completion,
// symbols, formatting and the launch planner. It holds no tree-sitter objects, so it outlives the tree.
// Model objects are never mutated once built, and when a document is edited, items the edit did not touch
// are the same objects as in the previous model (ModelBuilder's cache; only Group.job is re-pointed when a
// group is reused). So a check or feature may memoise results per Block/Body in a WeakMap, keyed also on
// whatever else it reads (settings, variables, the job's own attributes).
import type { Range } from 'vscode-languageserver-types';

export type { Range };

/** A part of a template: literal text (escapes such as `$${` already resolved), `${expr}` or `%{ ... }`. */
export interface LiteralSource {
  raw: string;
  /** Quoted strings resolve backslash escapes; heredocs do not. */
  quoted: boolean;
  /** `<<-`: whitespace characters removed from each line start. */
  indent: number;
  /** Whether the raw text starts at a line start (its first line loses indentation too). */
  atLineStart: boolean;
}

export type TemplatePart =
  | {
      kind: 'literal';
      text: string;
      range: Range;
      /**
       * Set when `text` differs from the source (escapes, `<<-` indentation, `$${`): what the literal was
       * built from, so a place in `text` can be mapped back to the job file (template data diagnostics).
       */
      source?: LiteralSource;
    }
  | { kind: 'interpolation'; expr: Expr; range: Range; stripLeft?: boolean; stripRight?: boolean }
  | {
      kind: 'directive';
      directive: 'if' | 'for';
      /** `if` condition, or the collection of a `for`. */
      expr: Expr;
      /** `for k, v in ...` names (key first when there are two). */
      names?: string[];
      then: TemplatePart[];
      else?: TemplatePart[];
      range: Range;
    };

/** One step after the root of a reference: `.name`, `[expr]`, `.*` or `[*]`. */
export type Traverser =
  | { kind: 'attr'; name: string; range: Range }
  | { kind: 'index'; key: Expr; range: Range }
  | { kind: 'splat'; range: Range };

export interface ObjectItem {
  key: Expr;
  /** The key as a plain name when it is an identifier or a literal string. */
  keyName?: string;
  value: Expr;
  range: Range;
}

/** HCL2 expressions, kept as expressions: evaluation happens later, in model/eval.ts. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; range: Range; /** A quoted string's text as written, when escapes changed it. */ raw?: string }
  | {
      kind: 'template';
      parts: TemplatePart[];
      /** Set for heredocs: the marker and whether it is the indented `<<-` form. */
      heredoc?: { marker: string; indented: boolean };
      range: Range;
    }
  /** `var.x`, `local.y.z`, `NOMAD_TASK_DIR`, `attr.kernel.name`, `env["X"]`, `meta.k`, `node.unique.id`. */
  | { kind: 'reference'; root: string; rootRange: Range; path: Traverser[]; range: Range }
  | { kind: 'call'; name: string; nameRange: Range; args: Expr[]; expandFinal: boolean; range: Range }
  | { kind: 'tuple'; items: Expr[]; range: Range }
  | { kind: 'object'; items: ObjectItem[]; range: Range }
  | { kind: 'conditional'; condition: Expr; then: Expr; else: Expr; range: Range }
  | {
      kind: 'for';
      keyName?: string;
      valueName: string;
      collection: Expr;
      keyExpr?: Expr; // object form: `{ for k, v in x : k => v }`
      valueExpr: Expr;
      condition?: Expr;
      grouping: boolean;
      range: Range;
    }
  | { kind: 'unary'; op: '-' | '!'; operand: Expr; range: Range }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; range: Range }
  /** An expression applied to a traversal that does not start with a name, e.g. `foo()[0]` or `[1,2][0]`. */
  | { kind: 'traversal'; target: Expr; path: Traverser[]; range: Range }
  | { kind: 'parens'; inner: Expr; range: Range }
  /** Text that could not be understood (a syntax error lies inside); never reported as a type problem. */
  | { kind: 'invalid'; text: string; range: Range };

export interface Attribute {
  kind: 'attribute';
  name: string;
  nameRange: Range;
  value: Expr;
  /** The whole `name = value`. */
  range: Range;
}

export interface Label {
  value: string;
  range: Range;
  /** Labels may be identifiers or quoted strings; an interpolation inside a label is a syntax error in HCL. */
  quoted: boolean;
}

export interface Block {
  kind: 'block';
  type: string;
  typeRange: Range;
  labels: Label[];
  body: Body;
  /** From the block type to the closing brace (or to where the text ends when the brace is missing). */
  range: Range;
  /** The `{`; absent when the block is too broken to have one. */
  openBrace?: Range;
  /** The `}`; absent when it is missing (half-typed file). */
  closeBrace?: Range;
  /**
   * For `dynamic "x" { for_each = ... content { ... } }`: the generated block type `x`, and the content body.
   * Checks treat the content body as the body of an `x` block.
   */
  dynamic?: { blockType: string; content?: Body };
}

export type BodyItem = Attribute | Block;

export interface Body {
  /** In source order; attributes and blocks interleaved as written. */
  items: BodyItem[];
  /** Inside the braces (or the whole file for the root body). */
  range: Range;
}

export interface VariableDecl {
  name: string;
  block: Block;
  type?: Expr;
  default?: Attribute;
  description?: string;
}

export interface Task {
  name: string;
  block: Block;
  group: Group;
  driver?: Attribute;
  /** The driver's name when it is a known literal (after evaluating variables); undefined otherwise. */
  driverName?: string;
  config?: Block;
  /**
   * Set when the task comes from the `content` of a `dynamic "task"` block: `block` is the dynamic block,
   * the task body is `block.dynamic.content`, and `name` is '' unless `labels` is a known literal.
   */
  dynamic?: boolean;
}

export interface Group {
  name: string;
  /** The `group` block, or the `task` block itself for a task placed directly under `job`. */
  block: Block;
  implicit: boolean;
  job: Job;
  tasks: Task[];
  /** Set for the `content` of a `dynamic "group"` block (see Task.dynamic). */
  dynamic?: boolean;
}

export interface Job {
  name: string;
  block: Block;
  groups: Group[];
}

export interface JobFile {
  /** The root body: `variable`, `variables`, `locals`, `job` and anything else written at top level. */
  body: Body;
  variables: Map<string, VariableDecl>;
  /** Every attribute of every `locals` block, by name. */
  locals: Map<string, Attribute>;
  /** Normally one; more than one is a `duplicate` mistake the checks report. */
  jobs: Job[];
  /**
   * Set when part of the file was left out of the model (a list of more than 1,000 elements, a string of
   * more than 1,000 interpolations: an `analysis-limit` notice): what that part reads is not known.
   */
  unread?: true;
}
