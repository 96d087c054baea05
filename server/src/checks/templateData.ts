// Templates checked while editing with the runner's own engine (server/src/template): the text of
// `template { data = ... }` as the client would hand it to consul-template (HCL `${}` evaluated first), its
// Go-template syntax, function names and argument counts from the function table, `env "X"` against the
// task's environment at render time, a `source` that nothing puts in place, and for `env = true` the rendered
// output read as the client reads an env file.
import * as path from 'node:path';
import { host } from '../host';
import type { Attribute, Block, Body, Group, Range } from '../model/types';
import { templateText, type TemplateText } from '../model/templateText';
import { ALWAYS_IN_ENV, runtimeScopeFor, type RuntimeScope } from '../schema/runtime';
import { findAttribute, knownString, taskBody } from '../schema/runtimeQuery';
import { arityProblem, nearestTemplateFunction, templateFunction } from '../template/functionTable';
import { TemplateSyntaxError } from '../template/lexer';
import { parseForEditor } from '../template/index';
import { readEnvFile } from '../template/envFile';
import { renderPreview } from '../template/preview';
import type { ParsedTemplate } from '../template/parse';
import type { Check, CheckContext } from './check';
import { live } from './memo';
import { pathExists } from './machine';

export const templateDataCheck: Check = {
  name: 'template-data',
  run() {
    // Templates live in tasks only: everything is per group.
  },
  groups: () => checkGroup,
};

function checkGroup(ctx: CheckContext, group: Group): void {
  for (const task of group.tasks) {
    const body = taskBody(task);
    if (!body) continue;
    const templates = templateBlocks(body);
    if (templates.length === 0) continue;
    let scope: RuntimeScope | undefined;
    const scopeOf = (): RuntimeScope => (scope ??= runtimeScopeFor(task, ctx.file, { evaluator: ctx.evaluator }));
    templates.forEach((block, i) => {
      checkData(ctx, block, scopeOf);
      checkSource(ctx, body, templates.slice(0, i), block);
    });
  }
}

/** The task's `template` blocks in order, with `dynamic "template"` content bodies. */
export function templateBlocks(body: Body): Block[] {
  const out: Block[] = [];
  for (const item of body.items) {
    if (item.kind !== 'block') continue;
    if (item.type === 'template') out.push(item);
    else if (item.type === 'dynamic' && item.dynamic?.blockType === 'template' && item.dynamic.content) out.push({ ...item, body: item.dynamic.content });
  }
  return out;
}

/** The delimiters a template block asks for (Nomad's defaults when not set or not known). */
function delimitersOf(ctx: Pick<CheckContext, 'evaluator'>, block: Block): { left: string; right: string } {
  const left = knownString(findAttribute(block.body, 'left_delimiter')?.value, ctx.evaluator) || '{{';
  const right = knownString(findAttribute(block.body, 'right_delimiter')?.value, ctx.evaluator) || '}}';
  return { left, right };
}

/** The template text of a block's `data`, parsed for the editor; `error` is set for a syntax error. */
export interface ReadTemplate {
  text: TemplateText;
  left: string;
  right: string;
  parsed?: ParsedTemplate;
  error?: TemplateSyntaxError;
  /** Longer than MAX_READ_TEMPLATE_TEXT: neither parsed nor checked while editing; the `data` name, where its notice goes. */
  tooLarge?: Range;
}

/**
 * Template text longer than this is not parsed while editing. Reading and checking a template is one step
 * that cannot pause (pause.ts), at about 40 ms per 100 KB, and is taken again at each keystroke in it: a
 * generated 440 KB template held the server for 180 ms at a time. Real templates are a few KB; a local run
 * renders any size.
 */
export const MAX_READ_TEMPLATE_TEXT = 128 * 1024;

export function readTemplate(ctx: Pick<CheckContext, 'evaluator'>, block: Block): ReadTemplate | undefined {
  const data = findAttribute(block.body, 'data');
  if (!data) return undefined;
  const text = templateText(data.value, ctx.evaluator);
  if (!text) return undefined;
  const { left, right } = delimitersOf(ctx, block);
  if (text.text.length > MAX_READ_TEMPLATE_TEXT) return { text, left, right, tooLarge: data.nameRange };
  const parse = parseOf(text.text, left, right);
  return parse && { text, left, right, ...parse };
}

type Parse = { parsed: ParsedTemplate } | { error: TemplateSyntaxError } | undefined;

/**
 * Parses by text and delimiters, remembered for a few recent texts: the same text comes back in a new model
 * object whenever the lines around its block are edited. Parses are never mutated by their readers.
 */
function parseOf(text: string, left: string, right: string): Parse {
  const key = `${left}\u0000${right}\u0000${text}`;
  if (text.length <= MAX_REMEMBERED_TEXT && parses.has(key)) return parses.get(key);
  let parse: Parse;
  try {
    parse = { parsed: parseForEditor(text, { leftDelimiter: left, rightDelimiter: right }) };
  } catch (error) {
    parse = error instanceof TemplateSyntaxError ? { error } : undefined;
  }
  // Not a text that is most of the file (a heredoc left open while typing): a few would hold megabytes.
  if (text.length > MAX_REMEMBERED_TEXT) return parse;
  if (parses.size >= RECENT_PARSES) parses.delete(parses.keys().next().value!);
  parses.set(key, parse);
  return parse;
}

const RECENT_PARSES = 64;
const MAX_REMEMBERED_TEXT = 16 * 1024;
const parses = new Map<string, Parse>();

/**
 * By the `data` attribute: what readTemplate gave for it with these delimiters in the run of `file` (the file
 * token, memo.ts). The text and its parse depend on the attribute, the delimiters and what the evaluator
 * knows, which the file token covers; an unchanged attribute is the same object at the same place
 * (model/build.ts), also when another line of its block was edited. Building the text's source map and
 * parsing it were most of this check's time on every edit of a task.
 */
const readTemplates = new WeakMap<Attribute, { file: object; left: string; right: string; read: ReadTemplate | undefined }>();

/** readTemplate, remembered across runs of the same file token (computed afresh outside incremental runs). */
function rememberedTemplate(ctx: CheckContext, block: Block): ReadTemplate | undefined {
  const file = ctx.incremental?.file;
  const data = findAttribute(block.body, 'data');
  if (!file || !data) return readTemplate(ctx, block);
  const { left, right } = delimitersOf(ctx, block);
  const known = readTemplates.get(data);
  if (known && known.file === file && known.left === left && known.right === right) return known.read;
  const read = readTemplate(ctx, block);
  readTemplates.set(data, { file, left, right, read });
  return read;
}

function checkData(ctx: CheckContext, block: Block, scopeOf: () => RuntimeScope): void {
  const read = rememberedTemplate(ctx, block);
  if (!read) return;
  const { text, error, parsed } = read;
  if (read.tooLarge) {
    const kb = (size: number) => `${Math.round(size / 1024).toLocaleString('en-US')} KB`;
    // At `data`: where its text starts is known only from a map of every character, which is what this saves.
    ctx.report({
      range: read.tooLarge,
      code: 'analysis-limit',
      message: `This template's text is ${kb(text.text.length)}, more than the ${kb(MAX_READ_TEMPLATE_TEXT)} nomad-exec reads while editing: it is not checked here, and a local run still renders it.`,
    });
    return;
  }
  if (error) {
    if (!nearUnknown(read, error.offset ?? 0, error.end ?? text.text.length)) {
      const from = error.offset ?? 0;
      const to = Math.max(error.end ?? from + 1, from + 1);
      ctx.report({ range: text.rangeOf(from, Math.min(to, text.text.length)), code: 'template-syntax', message: `Template syntax: ${error.message}. The client cannot render this template, so the task does not start.` });
    }
    return;
  }
  if (!parsed) return;
  for (const call of parsed.calls) {
    const range = text.rangeOf(call.offset, call.end);
    const info = templateFunction(call.name);
    if (!info) {
      const near = nearestTemplateFunction(call.name);
      ctx.report({
        range,
        code: 'unknown-template-function',
        message: `consul-template has no function "${call.name}"${near ? `; did you mean "${near}"?` : '.'} The client refuses to render the template.`,
        ...(near ? { data: { replacement: near } } : {}),
      });
      continue;
    }
    const arity = arityProblem(call.name, call.count);
    if (arity) {
      ctx.report({ range, code: 'template-argument-count', message: `${arity} (${[info.name, ...info.params].join(' ')}; a piped value is the last argument).` });
    }
    if (call.name === 'env' || call.name === 'envOrDefault') checkEnvName(ctx, read, call.args[0], call.name, scopeOf);
  }
  const envFile = findAttribute(block.body, 'env');
  if (envFile && ctx.evaluator.evaluate(envFile.value) === true) checkEnvFile(ctx, block, read, scopeOf);
}

/**
 * `env = true`: the client reads the rendered file as `KEY=value` lines and fails the task on a line it
 * cannot read. Checked when this machine renders the template exactly as the client would: every value it
 * reads known while editing, no Consul, Vault or Nomad call, no file read inside the task.
 */
function checkEnvFile(ctx: CheckContext, block: Block, read: ReadTemplate, scopeOf: () => RuntimeScope): void {
  const { parsed, text } = read;
  if (!parsed || text.unknown.length > 0) return;
  const scope = scopeOf();
  const env: Record<string, string> = {};
  for (const entry of scope.env.values()) if (entry.value !== undefined) env[entry.name] = entry.value;
  for (const call of parsed.calls) {
    const info = templateFunction(call.name);
    if (!info || info.needs !== 'local' || call.name === 'file') return;
    if (call.name === 'env' || call.name === 'envOrDefault') {
      const arg = call.args[0];
      // A name the task does not have falls back to the client agent's own environment: not known here.
      if (!arg || arg.kind !== 'string' || !(arg.value in env)) return;
    }
  }
  const rendered = renderPreview(text.text, { leftDelimiter: read.left, rightDelimiter: read.right, env });
  if (rendered.error || rendered.placeholders.length > 0) return;
  for (const problem of readEnvFile(rendered.text).problems) {
    const line = rendered.text.slice(problem.offset, problem.end);
    // The line as written in the template when it is there once (literal text), else the template's data.
    const at = line.trim() === '' ? -1 : text.text.indexOf(line);
    const written = at >= 0 && text.text.indexOf(line, at + 1) < 0;
    const data = findAttribute(block.body, 'data')!;
    ctx.report({
      range: written ? text.rangeOf(at, at + line.length) : data.nameRange,
      code: 'template-env-file',
      message: `With env = true the client reads the rendered file as KEY=value lines, and line ${problem.line} (${JSON.stringify(line)}) is not one: ${problem.message}. The task fails to start.`,
    });
  }
}

function checkEnvName(ctx: CheckContext, read: ReadTemplate, arg: ParsedTemplate['calls'][number]['args'][number] | undefined, fn: string, scopeOf: () => RuntimeScope): void {
  if (!arg || arg.kind !== 'string' || arg.value === '') return;
  if (nearUnknown(read, arg.offset, arg.end)) return;
  // `node.*`, `attr.*` and `meta.*` are the client node's values, which env also reads.
  if (arg.value.includes('.')) return;
  if (ALWAYS_IN_ENV.has(arg.value)) return;
  const scope = scopeOf();
  if (scope.mayHaveEnv(arg.value)) return;
  const near = scope.nearest(arg.value);
  // Any other name may come from the client agent's own environment (consul-template falls back to it), so
  // only Nomad's own names, which the client sets for the task, are worth a warning.
  if (!arg.value.startsWith('NOMAD_')) return;
  const fallback = fn === 'envOrDefault' ? ' and the default is used' : ' and renders as empty text';
  ctx.report({
    range: read.text.rangeOf(arg.offset, arg.end),
    code: 'template-env-unknown',
    message: `${JSON.stringify(arg.value)} is not in the task's environment when the template renders${near ? ` (did you mean "${near}"?)` : ''}; unless the client agent's own environment has it, ${fn} finds nothing${fallback}.`,
  });
}

/** True when [from, to) lies in an action that holds text not known while editing (`${var.x}`, `%{ if }`). */
function nearUnknown(read: ReadTemplate, from: number, to: number): boolean {
  if (read.text.unknown.length === 0) return false;
  const source = read.text.text;
  const start = source.lastIndexOf(read.left, from);
  const closing = source.indexOf(read.right, to);
  const end = closing < 0 ? source.length : closing;
  return read.text.unknown.some(([a]) => a >= (start < 0 ? 0 : start) && a <= end);
}

/**
 * `source` read beside the job file by a local run (relative paths): reported when it is not there and no
 * artifact or earlier template of the task can put it in place before this template renders.
 */
function checkSource(ctx: CheckContext, body: Body, earlier: Block[], block: Block): void {
  const attribute = findAttribute(block.body, 'source');
  const files = host.fs;
  if (!attribute || !ctx.documentDir || !files) return;
  if (findAttribute(block.body, 'data')) return; // data wins over source
  const source = knownString(attribute.value, ctx.evaluator);
  if (source === undefined || source === '' || path.isAbsolute(source) || source.includes('${')) return;
  if (body.items.some((item) => item.kind === 'block' && (item.type === 'artifact' || (item.type === 'dynamic' && item.dynamic?.blockType === 'artifact')))) return;
  const wanted = path.posix.normalize(source).replace(/^\.\//, '');
  for (const other of earlier) {
    const destination = knownString(findAttribute(other.body, 'destination')?.value, ctx.evaluator);
    if (destination === undefined) return; // an earlier destination not known while editing may be it
    const normal = path.posix.normalize(destination.replace(/^\$\{NOMAD_TASK_DIR\}/, 'local').replace(/^\$\{NOMAD_ALLOC_DIR\}/, '../alloc')).replace(/^\/+/, '').replace(/^\.\//, '');
    if (normal === wanted) return;
  }
  const dir = ctx.documentDir;
  const range = attribute.value.range;
  live(ctx, (ctx) => {
    if (pathExists(path.resolve(dir, source))) return;
    ctx.report({
      range,
      code: 'template-source-missing',
      message: `source ${JSON.stringify(source)} does not exist next to the job file (${path.resolve(dir, source)}), and no artifact or earlier template of the task puts it in place: the template cannot render.`,
    });
  });
}
