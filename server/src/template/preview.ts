// A template rendered for the editor's preview: the engine a local run uses, with the task's environment as
// far as it is known while editing. Functions that need Consul, Vault or Nomad (or that a local run does not
// offer) give a visible placeholder, or the value the user supplied for that call (`values`, keyed
// `name "arg" ...`), never silent empty text.
import { builtinFunctions } from './builtins';
import { localFunctions } from './consul';
import { execute, TemplateExecError, type TemplateFunction } from './exec';
import { TEMPLATE_FUNCTIONS } from './functionTable';
import { TemplateSyntaxError } from './lexer';
import { parseTemplate } from './parse';
import { formatValue, type TemplateValue } from './values';

export interface PreviewOptions {
  leftDelimiter?: string;
  rightDelimiter?: string;
  env: Record<string, string>;
  /** Answers for remote calls, keyed by the call as written: `key "app/config"`, `secret "kv/data/db"`. */
  values?: Record<string, unknown>;
}

export interface PreviewResult {
  text: string;
  /** Calls shown as placeholders because nothing could answer them here. */
  placeholders: string[];
  error?: { message: string; line: number };
}

/** The key a values file uses for a call: the name and its arguments as Go would print them quoted. */
function callKey(name: string, args: readonly TemplateValue[]): string {
  return [name, ...args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : formatValue(a)))].join(' ');
}

export function renderPreview(text: string, options: PreviewOptions): PreviewResult {
  const placeholders: string[] = [];
  const functions = new Map<string, TemplateFunction>([...builtinFunctions(), ...localFunctions({ env: options.env, taskDir: '/nonexistent-task-dir' })]);
  for (const info of TEMPLATE_FUNCTIONS.values()) {
    if (info.needs === 'local' && info.name !== 'file') continue;
    functions.set(info.name, (...args) => {
      const key = callKey(info.name, args);
      if (options.values && Object.prototype.hasOwnProperty.call(options.values, key)) return options.values[key] as TemplateValue;
      placeholders.push(key);
      const why = info.name === 'file' ? 'read inside the task when it runs' : info.needs === 'unsupported' ? 'not rendered locally' : `needs ${info.needs}`;
      return `«${key}: ${why}»`;
    });
  }
  try {
    const parsed = parseTemplate(text, { leftDelim: options.leftDelimiter || '{{', rightDelim: options.rightDelimiter || '}}', isFunction: (name) => functions.has(name) });
    return { text: execute(parsed, null, { functions }), placeholders };
  } catch (error) {
    if (error instanceof TemplateSyntaxError || error instanceof TemplateExecError) return { text: '', placeholders, error: { message: error.message, line: error.line } };
    throw error;
  }
}
