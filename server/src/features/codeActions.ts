// Quick fixes for our own diagnostics. Most checks put the fix in Diagnostic.data (`replacement` for the
// diagnostic's range, `missing` for an absent attribute, `capability` for a refused cap_add entry); the
// edits are computed here against the current model so they land in the right place.
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-types';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Feature } from '../feature';
import type { Attribute, Block, Expr } from '../model/types';
import { DIAGNOSTIC_SOURCE } from '../checks/codes';
import { configBodyFor, lookupAttribute } from '../schema';
import type { AttributeSchema } from '../schema/types';
import { documentHandler, runtimeScopeOf, type FeatureInput } from './featureInput';
import { hitAt, holds } from './modelQuery';

interface FixData {
  replacement?: unknown;
  missing?: unknown;
  path?: unknown;
  capability?: unknown;
  blockInsteadOfAttribute?: unknown;
}

export function codeActions(input: FeatureInput, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    try {
      actions.push(...fixesFor(input, diagnostic));
    } catch {
      // A fix that cannot be computed is simply not offered.
    }
  }
  return actions;
}

function fix(title: string, input: FeatureInput, diagnostic: Diagnostic, edits: TextEdit[], preferred = false): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: preferred || undefined,
    edit: { changes: { [input.document.uri]: edits } },
  };
}

function fixesFor(input: FeatureInput, diagnostic: Diagnostic): CodeAction[] {
  const data = (diagnostic.data ?? {}) as FixData;
  const replacement = typeof data.replacement === 'string' ? data.replacement : undefined;
  switch (diagnostic.code) {
    case 'relative-work-dir':
      return workDirFixes(input, diagnostic, replacement);
    case 'missing-required':
      return missingFixes(input, diagnostic, data);
    case 'capability-not-allowed':
      return capabilityNotAllowedFixes(input, diagnostic, typeof data.capability === 'string' ? data.capability : undefined);
    case 'unknown-attribute':
      if (typeof data.blockInsteadOfAttribute === 'string') return blockInsteadOfAttribute(input, diagnostic);
      if (!replacement) return removeItem(input, diagnostic);
      break;
    case 'unknown-block':
      if (!replacement) return removeItem(input, diagnostic);
      break;
    case 'unknown-variable':
      if (!replacement) return nearestRuntimeName(input, diagnostic);
      break;
    default:
      break;
  }
  if (!replacement) return [];
  const current = input.document.getText(diagnostic.range);
  if (current === replacement) return [];
  const title = diagnostic.code === 'host-namespace' ? `Use ${replacement} (own namespace)` : `Change to ${replacement}`;
  return [fix(title, input, diagnostic, [{ range: diagnostic.range, newText: replacement }], true)];
}

// ---- work_dir ---------------------------------------------------------------------------------------

function workDirFixes(input: FeatureInput, diagnostic: Diagnostic, replacement: string | undefined): CodeAction[] {
  const written = input.document.getText(diagnostic.range);
  const match = /^"(.*)"$/s.exec(written);
  if (!match) return replacement ? [fix(`Change to ${replacement}`, input, diagnostic, [{ range: diagnostic.range, newText: replacement }])] : [];
  const relative = match[1].replace(/^\.\//, '');
  const actions: CodeAction[] = [];
  if (!relative.startsWith('local/') && relative !== 'local') {
    const underLocal = `"/local/${relative}"`;
    actions.push(fix(`Make absolute under the task directory: ${underLocal}`, input, diagnostic, [{ range: diagnostic.range, newText: underLocal }], true));
  }
  const rooted = replacement ?? `"/${relative}"`;
  actions.push(fix(`Make absolute: ${rooted}`, input, diagnostic, [{ range: diagnostic.range, newText: rooted }], actions.length === 0));
  return actions;
}

// ---- missing attributes and blocks ------------------------------------------------------------------

function lineIndent(input: FeatureInput, line: number): string {
  const text = input.document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return /^[ \t]*/.exec(text)?.[0] ?? '';
}

/** Edits that add `lines` (already without indentation) as the first items of `block`'s body. */
function insertIntoBlock(input: FeatureInput, block: Block, lines: string[], atEnd = false): TextEdit[] | undefined {
  if (!block.openBrace) return undefined;
  const outer = lineIndent(input, block.typeRange.start.line);
  const inner = outer + '  ';
  const body = block.body.items;
  const indented = lines.map((l) => (l ? inner + l : l));
  if (body.length > 0 && !atEnd) {
    const first = body[0];
    if (first.range.start.line > block.openBrace.start.line) {
      const at: Position = { line: first.range.start.line, character: 0 };
      return [{ range: { start: at, end: at }, newText: indented.join('\n') + '\n' }];
    }
  }
  if (block.closeBrace && block.closeBrace.start.line > block.openBrace.start.line && (body.length === 0 || atEnd)) {
    const beforeBrace = input.document.getText({ start: { line: block.closeBrace.start.line, character: 0 }, end: block.closeBrace.start });
    if (beforeBrace.trim() === '') {
      const at: Position = { line: block.closeBrace.start.line, character: 0 };
      return [{ range: { start: at, end: at }, newText: indented.join('\n') + '\n' }];
    }
  }
  if (block.closeBrace && body.length === 0) {
    // `config {}` on one line: open it up.
    return [{ range: { start: block.openBrace.end, end: block.closeBrace.start }, newText: `\n${indented.join('\n')}\n${outer}` }];
  }
  return undefined;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

function placeholder(schema: AttributeSchema | undefined, name: string): string {
  if (name === 'driver') return '"exec"';
  switch (schema?.type.kind) {
    case 'bool':
      return 'false';
    case 'number':
      return '0';
    case 'list':
      return '[]';
    case 'map':
    case 'object':
      return '{}';
    default:
      return '""';
  }
}

function missingFixes(input: FeatureInput, diagnostic: Diagnostic, data: FixData): CodeAction[] {
  const missing = typeof data.missing === 'string' ? data.missing : undefined;
  if (!missing) return [];
  const hit = hitAt(input.file, diagnostic.range.start);
  // Reported on the block's type name, or on its body when the check only had the body at hand.
  let block = hit.part === 'blockType' ? hit.block : undefined;
  if (!block && hit.part === 'body') {
    const inner = hit.blocks[hit.blocks.length - 1];
    const body = inner?.dynamic?.content ?? inner?.body;
    if (body && samePosition(body.range.start, diagnostic.range.start)) block = inner;
  }
  if (!block) return [];
  if (missing === 'config') {
    // The driver's required attributes (and the first of each one-of group) with placeholders.
    const configBody = configBodyFor(hit.task?.driverName ?? 'exec');
    const names = [
      ...Object.entries(configBody.attributes).filter(([, a]) => a.required).map(([n]) => n),
      ...(configBody.requireOneOf ?? []).map((group) => group[0]),
    ];
    const lines = names.map((n) => `  ${n} = ${placeholder(configBody.attributes[n], n)}`);
    const edits = insertIntoBlock(input, block.dynamic?.content ? { ...block, body: block.dynamic.content } : block, ['', 'config {', ...lines, '}'], true);
    return edits ? [fix(`Add a config block with ${names.join(', ')}`, input, diagnostic, edits, true)] : [];
  }
  const schema = lookupAttribute(hit.path, missing, hit.task?.driverName);
  if (!schema) return [];
  const edits = insertIntoBlock(input, block, [`${missing} = ${placeholder(schema, missing)}`]);
  return edits ? [fix(`Add ${missing}`, input, diagnostic, edits, true)] : [];
}

// ---- capabilities -----------------------------------------------------------------------------------

function capAddAt(input: FeatureInput, range: Range): { attribute: Attribute; items: Expr[]; index: number } | undefined {
  const hit = hitAt(input.file, range.start);
  const attribute = hit.attribute;
  if (!attribute || attribute.name !== 'cap_add' || attribute.value.kind !== 'tuple') return undefined;
  const items = attribute.value.items;
  const index = items.findIndex((item) => holds(item.range, range.start));
  return index >= 0 ? { attribute, items, index } : undefined;
}

function capabilityNotAllowedFixes(input: FeatureInput, diagnostic: Diagnostic, capability: string | undefined): CodeAction[] {
  const found = capAddAt(input, diagnostic.range);
  const actions: CodeAction[] = [];
  const name = capability ?? input.document.getText(diagnostic.range).replace(/"/g, '');
  if (found) {
    const { items, index } = found;
    const item = items[index];
    let range: Range;
    if (index + 1 < items.length) range = { start: item.range.start, end: items[index + 1].range.start };
    else if (index > 0) range = { start: items[index - 1].range.end, end: item.range.end };
    else range = item.range;
    actions.push(fix(`Remove "${name}" from cap_add`, input, diagnostic, [{ range, newText: '' }], true));
    const line = found.attribute.range.start.line;
    const indent = lineIndent(input, line);
    const note = `${indent}# "${name}" needs the client agent to allow it: plugin "exec" { config { allow_caps = [..., "${name}"] } }\n`;
    actions.push(fix(`Add a note: the client's allow_caps must include "${name}"`, input, diagnostic, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: note }]));
  }
  return actions;
}

// ---- attribute written where a block belongs ---------------------------------------------------------

function blockInsteadOfAttribute(input: FeatureInput, diagnostic: Diagnostic): CodeAction[] {
  const hit = hitAt(input.file, diagnostic.range.start);
  const attribute = hit.attribute;
  if (!attribute || attribute.value.kind !== 'object') return [];
  const edit: TextEdit = { range: { start: attribute.nameRange.end, end: attribute.value.range.start }, newText: ' ' };
  return [fix(`Write ${attribute.name} as a block`, input, diagnostic, [edit], true)];
}

// ---- unknown names with nothing near them ------------------------------------------------------------

/** Deletes the attribute or block the diagnostic names, with its whole lines when it has them to itself. */
function removeItem(input: FeatureInput, diagnostic: Diagnostic): CodeAction[] {
  const hit = hitAt(input.file, diagnostic.range.start);
  const item = hit.part === 'attributeName' ? hit.attribute : hit.part === 'blockType' ? hit.block : undefined;
  if (!item) return [];
  // Where the text holds a syntax error from the item on, the parser's recovery decides where the item ends: a
  // string left open in it takes in the lines after it, and a block whose `}` was deleted ends at the next
  // block's `}`, holding that block. Removing it would take out what follows it too.
  if (errorFrom(input.tree.rootNode, input.document.offsetAt(item.range.start))) return [];
  const { start, end } = item.range;
  const before = input.document.getText({ start: { line: start.line, character: 0 }, end: start });
  const after = input.document.getText({ start: end, end: { line: end.line + 1, character: 0 } });
  const wholeLines = before.trim() === '' && after.trim() === '';
  const range: Range = wholeLines ? { start: { line: start.line, character: 0 }, end: { line: end.line + 1, character: 0 } } : item.range;
  const name = item.kind === 'attribute' ? item.name : item.type;
  return [fix(`Remove ${name}`, input, diagnostic, [{ range, newText: '' }])];
}

/** Whether an ERROR or MISSING node of the tree (`node` itself or below it) lies at or after `from`, or holds it. */
function errorFrom(node: SyntaxNode, from: number): boolean {
  if (node.isMissing) return node.startIndex >= from;
  if (node.isError) return node.endIndex > from;
  if (!node.hasError) return false;
  for (const child of node.children) if (child && child.endIndex >= from && errorFrom(child, from)) return true;
  return false;
}

// ---- runtime names without a suggestion from the check ----------------------------------------------

function nearestRuntimeName(input: FeatureInput, diagnostic: Diagnostic): CodeAction[] {
  const written = input.document.getText(diagnostic.range);
  if (!/^[A-Za-z_][\w.-]*$/.test(written)) return [];
  const task = hitAt(input.file, diagnostic.range.start).task;
  if (!task) return [];
  const nearest = runtimeScopeOf(input, task)?.nearest(written);
  if (!nearest || nearest === written) return [];
  return [fix(`Change to ${nearest}`, input, diagnostic, [{ range: diagnostic.range, newText: nearest }], true)];
}

export const codeActionsFeature: Feature = {
  name: 'codeAction',
  capabilities: () => ({ codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } }),
  register(ctx) {
    ctx.connection.onCodeAction(
      documentHandler(ctx, 'codeAction', [] as CodeAction[], (input, params: { textDocument: { uri: string }; context: { diagnostics: Diagnostic[] } }) =>
        codeActions(input, params.context.diagnostics),
      ),
    );
  },
};
