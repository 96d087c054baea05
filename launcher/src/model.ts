// The one place where the launcher reads job files through the language server's parser and model builder:
// parse text into a JobFile, and small helpers to read blocks and attributes with an evaluator.
import * as fs from 'fs';
import { mark } from './timing';
import { sharedParser } from '../../server/src/parser/parser';
import { attributeOf, blocksOf, buildModel } from '../../server/src/model/build';
import type { Attribute, Block, Body, Expr, JobFile } from '../../server/src/model/types';
import type { Evaluator } from '../../server/src/model/eval';
import { Unknown, type Value } from '../../server/src/model/value';

export { attributeOf, blocksOf };
export type { Attribute, Block, Body, Expr, JobFile, Evaluator, Value };

export interface ParsedJobFile {
  file: JobFile;
  /** Syntax errors found while parsing, as "line N: message". */
  syntaxErrors: string[];
}

export async function parseJobText(text: string): Promise<ParsedJobFile> {
  mark('plan: parse wait');
  const parser = await sharedParser();
  mark('plan: parser ready');
  // Rows at LSP lines (a lone `\r` ends one), as the editor and the plan errors' places count them.
  const tree = parser.parseText(text);
  try {
    mark('plan: parsed');
    const built = buildModel(tree, text);
    mark('plan: model built');
    const syntaxErrors: string[] = [];
    if (tree.rootNode.hasError) {
      const first = findError(tree.rootNode as unknown as SyntaxNode);
      syntaxErrors.push(first ? `line ${first.startPosition.row + 1}: syntax error near ${JSON.stringify(first.text.slice(0, 30))}` : 'syntax error');
    }
    for (const problem of built.problems) {
      const p = problem as unknown as { message: string; range?: { start: { line: number } } };
      syntaxErrors.push(`line ${(p.range?.start.line ?? 0) + 1}: ${p.message}`);
    }
    return { file: built.file, syntaxErrors };
  } finally {
    tree.delete();
  }
}

export async function parseJobFile(path: string, text?: string): Promise<ParsedJobFile> {
  return parseJobText(text ?? fs.readFileSync(path, 'utf8'));
}

interface SyntaxNode {
  type: string;
  isMissing: boolean;
  hasError: boolean;
  text: string;
  startPosition: { row: number; column: number };
  children: SyntaxNode[];
}

function findError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing || child.type === 'ERROR') {
      const found = findError(child);
      if (found) return found;
    }
  }
  return undefined;
}

/** An attribute or a block of that name (`env = {...}` or `env {...}`) read as a map of strings. */
export function readStringMap(body: Body, name: string, evaluator: Evaluator, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const attr = attributeOf(body, name);
  if (attr) {
    const value = evaluator.evaluate(attr.value);
    if (value instanceof Unknown) problems.push(`${name} at line ${attr.range.start.line + 1} cannot be evaluated`);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) out[k] = valueText(v);
    }
  }
  for (const block of blocksOf(body, name)) {
    for (const item of block.body.items) {
      if (item.kind !== 'attribute') continue;
      const value = evaluator.evaluate(item.value);
      if (value instanceof Unknown) problems.push(`${name}.${item.name} at line ${item.range.start.line + 1} cannot be evaluated`);
      else out[item.name] = valueText(value);
    }
  }
  return out;
}

/** HCL's conversion of a primitive to a string. */
export function valueText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return '';
  return JSON.stringify(value);
}

export function evalAttr(body: Body, name: string, evaluator: Evaluator): Value | undefined {
  const attr = attributeOf(body, name);
  return attr ? evaluator.evaluate(attr.value) : undefined;
}

/** Go duration (`"1h30m"`, `"250ms"`) or integer nanoseconds -> milliseconds. */
export function durationMs(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return value / 1e6;
  if (typeof value !== 'string') return undefined;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of value.trim().matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0].length;
  }
  if (value.trim() === '0') return 0;
  return consumed === value.trim().length && consumed > 0 ? total : undefined;
}
