// HCL functions in the editor: signature help with the active parameter, completion items for function
// names, and hover text, all from the function table (schema/functions.ts). Signature help reads the text
// before the cursor, so it works while the call is still half-typed (the syntax tree has no call yet).
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
  type SignatureHelp,
  type SignatureInformation,
} from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import { CONFIG_FUNCTIONS } from '../schema/runtimeNames';
import { HCL_FUNCTIONS, HCL_FUNCTION_BY_NAME, functionMarkdown, functionSignature, type FunctionSchema } from '../schema/functions';
import { documentHandler, type FeatureInput } from './featureInput';
import { treeText } from '../parser/lineEnds';

/** How far back signature help reads: a call's arguments rarely span more. */
const LOOK_BACK = 4000;

interface OpenCall {
  name: string;
  commas: number;
}

/**
 * The innermost unclosed call before `offset` and how many of its arguments are complete, read from the
 * text: strings (with `${ }` inside them) and comments are skipped, brackets nested.
 */
function openCallAt(text: string, offset: number): OpenCall | undefined {
  let start = Math.max(0, offset - LOOK_BACK);
  if (start > 0) start = text.indexOf('\n', start) + 1 || start;
  type Frame = { kind: 'paren'; call?: OpenCall } | { kind: 'bracket' } | { kind: 'brace' } | { kind: 'string' } | { kind: 'interp' };
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  for (let i = start; i < offset; i++) {
    const c = text[i];
    const frame = top();
    if (frame?.kind === 'string') {
      if (c === '\\') i++;
      else if (c === '"') stack.pop();
      else if (c === '\n') stack.pop(); // an unclosed string ends at the line
      else if (c === '$' && text[i + 1] === '{' && text[i - 1] !== '$') {
        stack.push({ kind: 'interp' });
        i++;
      }
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      if (end < 0 || end >= offset) return undefined;
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end >= offset) return undefined;
      i = end + 1;
      continue;
    }
    switch (c) {
      case '"':
        stack.push({ kind: 'string' });
        break;
      case '(': {
        const name = /([A-Za-z_][A-Za-z0-9_:]*)\s*$/.exec(text.slice(Math.max(start, i - 64), i))?.[1];
        stack.push({ kind: 'paren', call: name ? { name, commas: 0 } : undefined });
        break;
      }
      case '[':
        stack.push({ kind: 'bracket' });
        break;
      case '{':
        stack.push({ kind: 'brace' });
        break;
      case ')':
      case ']':
        if (frame && frame.kind !== 'interp') stack.pop();
        break;
      case '}':
        if (frame) stack.pop();
        break;
      case ',':
        if (frame?.kind === 'paren' && frame.call) frame.call.commas++;
        break;
    }
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i];
    if (frame.kind === 'paren') return frame.call;
    if (frame.kind === 'string') continue;
    // The cursor is inside a list or object argument: the call around it is still the one to show.
  }
  return undefined;
}

function signatureOf(fn: FunctionSchema): SignatureInformation {
  const params = [...fn.params, ...(fn.variadic ? [fn.variadic] : [])];
  return {
    label: functionSignature(fn),
    documentation: { kind: MarkupKind.Markdown, value: fn.doc },
    parameters: params.map((p) => ({
      label: p === fn.variadic ? `${p.name}... ${p.type}` : `${p.name}${p.optional ? '?' : ''} ${p.type}`,
      ...(p.doc ? { documentation: p.doc } : {}),
    })),
  };
}

export function signatureHelp(input: FeatureInput, position: Position): SignatureHelp | null {
  // A lone `\r` ends a line here too, as it does for the tree (lineEnds.treeText).
  const text = treeText(input.document.getText());
  const call = openCallAt(text, input.document.offsetAt(position));
  if (!call) return null;
  const fn = HCL_FUNCTION_BY_NAME.get(call.name);
  if (!fn) {
    const config = CONFIG_FUNCTIONS.find((f) => f.name === call.name);
    if (!config) return null;
    return { signatures: [{ label: config.signature, documentation: config.doc }], activeSignature: 0, activeParameter: call.commas };
  }
  const count = fn.params.length;
  const active = fn.variadic ? Math.min(call.commas, count) : Math.min(call.commas, Math.max(0, count - 1));
  return { signatures: [signatureOf(fn)], activeSignature: 0, activeParameter: active };
}

/** Completion items for every function name, replacing `range`. */
export function functionItems(range: Range, snippets: boolean, sort = '7'): CompletionItem[] {
  return HCL_FUNCTIONS.map((fn) => ({
    label: fn.name,
    kind: CompletionItemKind.Function,
    detail: functionSignature(fn),
    documentation: { kind: MarkupKind.Markdown, value: functionMarkdown(fn) },
    sortText: sort + fn.name,
    filterText: fn.name,
    textEdit: { range, newText: snippets ? `${fn.name}($1)` : fn.name },
    insertTextFormat: snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    command: snippets ? { title: 'Signature help', command: 'editor.action.triggerParameterHints' } : undefined,
  }));
}

/** Hover text for a function name. */
export function functionHover(name: string): string | undefined {
  const fn = HCL_FUNCTION_BY_NAME.get(name);
  if (fn) return functionMarkdown(fn);
  const config = CONFIG_FUNCTIONS.find((f) => f.name === name);
  return config ? `**\`${config.signature}\`**\n\n${config.doc}` : undefined;
}

export const signatureHelpFeature: Feature = {
  name: 'signatureHelp',
  capabilities: () => ({ signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] } }),
  register(ctx) {
    ctx.connection.onSignatureHelp(
      documentHandler(ctx, 'signatureHelp', null as SignatureHelp | null, (input, p: { textDocument: { uri: string }; position: Position }) => signatureHelp(input, p.position)),
    );
  },
};
