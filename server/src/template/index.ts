// Rendering a task `template` block locally: Go text/template with consul-template's local functions.
// `checkTemplate` finds what would stop a local run (syntax errors, functions that need a server) without
// rendering, so `--plan` can report it; `renderTemplate` produces the output.
import { builtinFunctions } from './builtins';
import { localFunctions, REMOTE_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './consul';
import { execute, TemplateExecError, TemplateFunction } from './exec';
import { TemplateSyntaxError } from './lexer';
import { templateFunction } from './functionTable';
import { parseTemplate, ParsedTemplate } from './parse';

export { REMOTE_FUNCTIONS } from './consul';
export { TEMPLATE_FUNCTIONS, templateFunction } from './functionTable';

/** A problem with a template; `line` is 1-based within the template text. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** Set when the problem is a function that needs a server (or is not offered locally). */
    readonly functionName?: string,
    /** Offsets of the problem in the template text, when known. */
    readonly offset?: number,
    readonly end?: number,
  ) {
    super(message);
  }
}

export interface TemplateOptions {
  leftDelimiter?: string;
  rightDelimiter?: string;
}

export interface RenderOptions extends TemplateOptions {
  env: Record<string, string>;
  taskDir: string;
  /** Task paths that live outside the task dir on the host (`/alloc`, a staged `/secrets`). */
  mounts?: { host: string; task: string }[];
  errorOnMissingKey?: boolean;
}

/** Names a template may use: every row of the function table (implemented or not), as consul-template knows them. */
const isKnownFunction = (name: string): boolean => templateFunction(name) !== undefined;

/** The parsed template for the editor: every function name accepted so that all problems can be listed. */
export function parseForEditor(text: string, options: TemplateOptions = {}): ParsedTemplate {
  return parseTemplate(text, { leftDelim: options.leftDelimiter || '{{', rightDelim: options.rightDelimiter || '}}', isFunction: () => true });
}

/** Parses the template and refuses functions a local run cannot offer. Throws TemplateError. */
export function checkTemplate(text: string, options: TemplateOptions = {}): ParsedTemplate {
  let parsed: ParsedTemplate;
  try {
    parsed = parseTemplate(text, {
      leftDelim: options.leftDelimiter || '{{',
      rightDelim: options.rightDelimiter || '}}',
      isFunction: isKnownFunction,
    });
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new TemplateError(error.message, error.line, undefined, error.offset, error.end);
    throw error;
  }
  for (const [name, line] of parsed.functions) {
    const service = REMOTE_FUNCTIONS.get(name);
    if (service) {
      throw new TemplateError(`function "${name}" needs a ${service} server, which a local run does not have`, line, name);
    }
    const why = UNSUPPORTED_FUNCTIONS.get(name);
    if (why) throw new TemplateError(`function "${name}" is not available in a local run: ${why}`, line, name);
  }
  return parsed;
}

/** Renders the template text. Text without any action comes back unchanged. Throws TemplateError. */
export function renderTemplate(text: string, options: RenderOptions): string {
  if (!text.includes(options.leftDelimiter || '{{')) return text;
  const parsed = checkTemplate(text, options);
  const functions = new Map<string, TemplateFunction>([
    ...builtinFunctions(),
    ...localFunctions({ env: options.env, taskDir: options.taskDir, mounts: options.mounts }),
  ]);
  try {
    return execute(parsed, null, { functions, errorOnMissingKey: options.errorOnMissingKey });
  } catch (error) {
    if (error instanceof TemplateExecError) throw new TemplateError(error.message, error.line);
    throw error;
  }
}

export { parseEnvFile, readEnvFile } from './envFile';
