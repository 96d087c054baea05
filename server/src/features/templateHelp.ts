// Hover and completion inside the text of `template { data = ... }`: functions from the template function
// table (signature, doc, whether a local run renders it), fields of a known call's result (`.Port` inside
// `range service "x"`, from the table's result types), env names with their value at render time when it
// is known, and Nomad's runtime names inside `env "`. hover.ts and completion.ts call in first.
import type { CompletionItem, CompletionList, Hover, Position } from 'vscode-languageserver-types';
import { CompletionItemKind, MarkupKind } from 'vscode-languageserver-types';
import type { Block, Task } from '../model/types';
import { readTemplate, type ReadTemplate } from '../checks/templateData';
import { localRunNote, TEMPLATE_FUNCTIONS, templateFunction, templateSignature, type TemplateFunctionInfo } from '../template/functionTable';
import { fieldAt } from '../template/tokens';
import type { FeatureInput } from './featureInput';
import { runtimeScopeOf } from './featureInput';
import { hitAt } from './modelQuery';

interface TemplateSpot {
  read: ReadTemplate;
  /** Offset of the position in the template text. */
  offset: number;
  task?: Task;
}

/** The template text under the position, when it is in a template block's `data`. */
function templateSpot(input: FeatureInput, position: Position): TemplateSpot | undefined {
  const hit = hitAt(input.file, position, true);
  if (hit.attribute?.name !== 'data') return undefined;
  const block: Block | undefined = hit.blocks[hit.blocks.length - 1];
  if (!block || !(block.type === 'template' || (block.type === 'dynamic' && block.dynamic?.blockType === 'template'))) return undefined;
  const body = block.type === 'dynamic' ? block.dynamic?.content : block.body;
  if (!body) return undefined;
  const read = readTemplate(input, { ...block, body });
  if (!read) return undefined;
  const offset = read.text.offsetAt(position);
  if (offset < 0) return undefined;
  return { read, offset, task: hit.task };
}

/** The start of the action the offset is in, or -1 when it is in literal text. */
function actionStart(read: ReadTemplate, offset: number): number {
  const text = read.text.text;
  const open = text.lastIndexOf(read.left, Math.max(0, offset - read.left.length));
  if (open < 0) return -1;
  const close = text.indexOf(read.right, open + read.left.length);
  return close >= 0 && close + read.right.length <= offset ? -1 : open;
}

export function functionMarkdown(info: TemplateFunctionInfo): string {
  return ['```gotemplate', templateSignature(info), '```', '', info.doc, '', `_${localRunNote(info)}_`].join('\n');
}

/** Hover for template text: undefined when the position is not in template data (hover.ts goes on). */
export function templateHover(input: FeatureInput, position: Position): Hover | null | undefined {
  const spot = templateSpot(input, position);
  if (!spot) return undefined;
  const { read, offset } = spot;
  if (actionStart(read, offset) < 0) return null;
  const text = read.text.text;
  let from = offset;
  let to = offset;
  while (from > 0 && /[A-Za-z0-9_]/.test(text[from - 1])) from--;
  while (to < text.length && /[A-Za-z0-9_]/.test(text[to])) to++;
  const word = text.slice(from, to);
  const range = read.text.rangeOf(from, to);
  // `.Port` inside `range service "x"`, `$s.Data.data` after `$s := secret "y"`: the field of a known call's result.
  if (word && text[from - 1] === '.') {
    const field = fieldAt(text, offset, read.left, read.right);
    if (!field) return null;
    const lines = ['```gotemplate', `${field.written}: ${field.field.type}`, '```', '', field.field.doc, '', `_A field of ${field.what} (\`${field.call}\`)._`];
    if (field.field.fields) lines.push('', `Its fields: ${field.field.fields.map((f) => `\`.${f.name}\``).join(', ')}.`);
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: read.text.rangeOf(field.offset, field.end) };
  }
  if (word && text[from - 1] !== '.' && text[from - 1] !== '$' && text[from - 1] !== '"') {
    const info = templateFunction(word);
    if (info) return { contents: { kind: MarkupKind.Markdown, value: functionMarkdown(info) }, range };
  }
  // `env "NAME"`: what the task has at render time.
  const quoteStart = text.lastIndexOf('"', offset - (text[offset] === '"' ? 1 : 0));
  if (quoteStart >= 0 && /\benv(OrDefault)?\s+$/.test(text.slice(Math.max(0, quoteStart - 20), quoteStart))) {
    const quoteEnd = text.indexOf('"', quoteStart + 1);
    if (quoteEnd >= offset) {
      const name = text.slice(quoteStart + 1, quoteEnd);
      const scope = spot.task ? runtimeScopeOf(input, spot.task) : undefined;
      const known = scope?.describe(name);
      const lines = [`\`${name}\`: environment variable read when the template renders.`];
      if (known) lines.push('', known.doc, ...(known.value !== undefined ? ['', `Value in a local run: \`${known.value}\``] : []));
      else if (scope && !scope.mayHaveEnv(name)) lines.push('', "Not in the task's environment; only the client agent's own environment could supply it.");
      return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: read.text.rangeOf(quoteStart, quoteEnd + 1) };
    }
  }
  return null;
}

/** Completion for template text: undefined when the position is not in template data (completion.ts goes on). */
export function templateCompletion(input: FeatureInput, position: Position): CompletionList | undefined {
  const spot = templateSpot(input, position);
  if (!spot) return undefined;
  const { read, offset } = spot;
  const start = actionStart(read, offset);
  if (start < 0) return { isIncomplete: false, items: [] };
  const before = read.text.text.slice(start + read.left.length, offset);
  const env = /\benv(?:OrDefault)?\s+"([A-Za-z0-9_.]*)$/.exec(before);
  if (env) {
    const scope = spot.task ? runtimeScopeOf(input, spot.task) : undefined;
    const items: CompletionItem[] = [...(scope?.env.values() ?? [])].map((entry) => ({
      label: entry.name,
      kind: CompletionItemKind.Variable,
      ...(entry.value !== undefined ? { detail: entry.value } : {}),
      documentation: { kind: MarkupKind.Markdown, value: entry.doc },
    }));
    return { isIncomplete: false, items };
  }
  const fn = /(?:^-?\s*|[|(]\s*|^-?\s*(?:if|with|range|else if)\s+)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
  if (!fn) return { isIncomplete: false, items: [] };
  const items: CompletionItem[] = [...TEMPLATE_FUNCTIONS.values()].map((info) => ({
    label: info.name,
    kind: CompletionItemKind.Function,
    detail: templateSignature(info) + (info.needs === 'local' ? '' : info.needs === 'unsupported' ? ' (not in a local run)' : ` (needs ${info.needs})`),
    documentation: { kind: MarkupKind.Markdown, value: functionMarkdown(info) },
    sortText: (info.needs === 'local' ? '0' : '1') + info.name,
  }));
  if (/^-?\s*[A-Za-z_]*$/.test(before)) {
    for (const keyword of ['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block']) items.push({ label: keyword, kind: CompletionItemKind.Keyword, sortText: '2' + keyword });
  }
  return { isIncomplete: false, items };
}
