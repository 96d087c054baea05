// Rendering a task `template` block locally: Go text/template with consul-template's local functions.
// `checkTemplate` finds what would stop a local run (syntax errors, functions that need a server) without
// rendering, so `--plan` can report it; `renderTemplate` produces the output.
import { builtinFunctions } from './builtins';
import { localFunctions, REMOTE_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './consul';
import { execute, TemplateExecError, TemplateFunction } from './exec';
import { TemplateSyntaxError } from './lexer';
import { parseTemplate, ParsedTemplate } from './parse';

export { REMOTE_FUNCTIONS } from './consul';

/** A problem with a template; `line` is 1-based within the template text. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** Set when the problem is a function that needs a server (or is not offered locally). */
    readonly functionName?: string,
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

const KNOWN_FOR_PARSING = new Set<string>([
  ...builtinFunctions().keys(),
  ...localFunctions({ env: {}, taskDir: '/' }).keys(),
  ...REMOTE_FUNCTIONS.keys(),
  ...UNSUPPORTED_FUNCTIONS.keys(),
]);

/** Parses the template and refuses functions a local run cannot offer. Throws TemplateError. */
export function checkTemplate(text: string, options: TemplateOptions = {}): ParsedTemplate {
  let parsed: ParsedTemplate;
  try {
    parsed = parseTemplate(text, {
      leftDelim: options.leftDelimiter || '{{',
      rightDelim: options.rightDelimiter || '}}',
      isFunction: (name) => KNOWN_FOR_PARSING.has(name),
    });
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new TemplateError(error.message, error.line);
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

/** Parses `KEY=VALUE` lines of an `env = true` template's output (blank lines and `#` comments skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice(7).trim() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) continue;
    const key = body.slice(0, eq).trim();
    let value = body.slice(eq + 1).trim();
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
      value = value.startsWith('"') ? value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : value.slice(1, -1);
    }
    env[key] = value;
  }
  return env;
}
