// The functions a job file may call in HCL expressions (the set `nomad job run` accepts), as data: name,
// parameters with types, the variadic parameter, the result type and a paragraph in our own words. Hover,
// completion, signature help and the call check read this table; the evaluator (model/functions.ts)
// implements most of them (`evaluated: false` marks those it leaves unknown while editing).

export type FunctionType = 'string' | 'number' | 'bool' | 'list' | 'map' | 'set' | 'tuple' | 'object' | 'any' | 'type';

export interface FunctionParameter {
  name: string;
  type: FunctionType;
  doc?: string;
  /** May be left out (only trailing parameters). */
  optional?: boolean;
}

export interface FunctionSchema {
  name: string;
  params: FunctionParameter[];
  /** Any number of further arguments of this shape. */
  variadic?: FunctionParameter;
  returns: FunctionType;
  /** Markdown, our own words. */
  doc: string;
  /** False when the editor's evaluator does not compute it (its value is unknown while editing). */
  evaluated?: false;
}

type P = [name: string, type: FunctionType, doc?: string];

function f(name: string, params: P[], returns: FunctionType, doc: string, options: { variadic?: P; optional?: number; evaluated?: false } = {}): FunctionSchema {
  const optionalFrom = options.optional === undefined ? params.length : params.length - options.optional;
  const schema: FunctionSchema = {
    name,
    params: params.map(([n, type, pdoc], i) => ({ name: n, type, ...(pdoc ? { doc: pdoc } : {}), ...(i >= optionalFrom ? { optional: true } : {}) })),
    returns,
    doc,
  };
  if (options.variadic) schema.variadic = { name: options.variadic[0], type: options.variadic[1], ...(options.variadic[2] ? { doc: options.variadic[2] } : {}) };
  if (options.evaluated === false) schema.evaluated = false;
  return schema;
}

export const HCL_FUNCTIONS: readonly FunctionSchema[] = [
  // numbers
  f('abs', [['number', 'number']], 'number', 'The number without its sign: `abs(-3)` is `3`.'),
  f('ceil', [['number', 'number']], 'number', 'Rounds up to the next whole number: `ceil(4.1)` is `5`.'),
  f('floor', [['number', 'number']], 'number', 'Rounds down to the whole number below: `floor(4.9)` is `4`.'),
  f('log', [['number', 'number'], ['base', 'number']], 'number', 'The logarithm of `number` in the given `base`: `log(8, 2)` is `3`.'),
  f('max', [], 'number', 'The largest of its arguments; at least one is needed. Spread a list with `max(list...)`.', { variadic: ['numbers', 'number'] }),
  f('min', [], 'number', 'The smallest of its arguments; at least one is needed. Spread a list with `min(list...)`.', { variadic: ['numbers', 'number'] }),
  f('parseint', [['text', 'string'], ['base', 'number', 'from 2 to 36']], 'number', 'Reads a whole number written in `base`: `parseint("ff", 16)` is `255`. Fails when the text has other digits.'),
  f('pow', [['base', 'number'], ['exponent', 'number']], 'number', '`base` raised to the power `exponent`: `pow(2, 10)` is `1024`.'),
  f('signum', [['number', 'number']], 'number', '`-1`, `0` or `1` for a negative number, zero or a positive number.'),
  // strings
  f('chomp', [['text', 'string']], 'string', 'Removes line breaks at the end of the text (`\\n` and `\\r\\n`), nothing else.'),
  f('format', [['spec', 'string', 'a printf-style pattern: %s, %d, %q, %v, %f ...']], 'string', 'Fills a printf-style pattern with the following arguments: `format("%s-%03d", "web", 7)` is `web-007`.', { variadic: ['args', 'any'] }),
  f('formatlist', [['spec', 'string']], 'list', 'Like `format`, once per element: list arguments are walked in step (they must have the same length), other arguments repeat.', { variadic: ['args', 'any'] }),
  f('indent', [['spaces', 'number'], ['text', 'string']], 'string', 'Puts `spaces` spaces before every line except the first, so a multi-line value lines up inside a heredoc.'),
  f('join', [['separator', 'string']], 'string', 'Glues the strings of one or more lists together with `separator` between them.', { variadic: ['lists', 'list'] }),
  f('lower', [['text', 'string']], 'string', 'The text with every letter in lower case.'),
  f('upper', [['text', 'string']], 'string', 'The text with every letter in upper case.'),
  f('regex', [['pattern', 'string', 'an RE2 regular expression'], ['text', 'string']], 'any', 'The first match of `pattern` in `text`: the matched text, a list of the captures, or a map of named captures. Fails when nothing matches.'),
  f('regexall', [['pattern', 'string', 'an RE2 regular expression'], ['text', 'string']], 'list', 'Every match of `pattern` in `text`, each shaped as `regex` would return it; an empty list when nothing matches.'),
  f('replace', [['text', 'string'], ['search', 'string', 'plain text, or a regular expression between slashes'], ['replacement', 'string']], 'string', 'Replaces each occurrence of `search`. Written as `/.../`, `search` is a regular expression and `replacement` may use `$1` or `${name}`.'),
  f('regex_replace', [['text', 'string'], ['pattern', 'string', 'an RE2 regular expression'], ['replacement', 'string']], 'string', 'Replaces every match of `pattern`; `replacement` may refer to captures as `$1` or `${name}`. Nomad\'s addition to the standard set.'),
  f('split', [['separator', 'string'], ['text', 'string']], 'list', 'Cuts the text at each `separator` into a list of strings.'),
  f('strrev', [['text', 'string']], 'string', 'The characters of the text in reverse order.'),
  f('strlen', [['text', 'string']], 'number', 'How many characters (not bytes) the text has.'),
  f('substr', [['text', 'string'], ['offset', 'number', 'negative counts from the end'], ['length', 'number', '-1 means up to the end']], 'string', 'Part of the text: `length` characters starting at `offset`.'),
  f('title', [['text', 'string']], 'string', 'The text with the first letter of each word in upper case.'),
  f('trimspace', [['text', 'string']], 'string', 'Removes spaces, tabs and line breaks at both ends.'),
  f('trim', [['text', 'string'], ['characters', 'string', 'every character in this string is removed']], 'string', 'Removes the given characters from both ends of the text.'),
  f('trimprefix', [['text', 'string'], ['prefix', 'string']], 'string', 'Removes `prefix` from the start when the text starts with it; otherwise the text is unchanged.'),
  f('trimsuffix', [['text', 'string'], ['suffix', 'string']], 'string', 'Removes `suffix` from the end when the text ends with it; otherwise the text is unchanged.'),
  // collections
  f('chunklist', [['list', 'list'], ['size', 'number']], 'list', 'Cuts a list into lists of `size` elements (the last may be shorter).'),
  f('coalesce', [], 'any', 'The first argument that is neither null nor an empty string.', { variadic: ['values', 'any'] }),
  f('coalescelist', [], 'list', 'The first of its list arguments that is not empty.', { variadic: ['lists', 'list'] }),
  f('compact', [['list', 'list']], 'list', 'The list without its empty strings and nulls.'),
  f('concat', [], 'list', 'All elements of the given lists, one list after the other.', { variadic: ['lists', 'list'] }),
  f('contains', [['list', 'list'], ['value', 'any']], 'bool', 'Whether the list has an element equal to `value`.'),
  f('distinct', [['list', 'list']], 'list', 'The list without repeated elements, keeping the first of each.'),
  f('element', [['list', 'list'], ['index', 'number']], 'any', 'The element at `index`, wrapping around past the end: with three elements, index 4 gives the second.'),
  f('flatten', [['list', 'list']], 'list', 'Lifts the elements of nested lists into one flat list.'),
  f('index', [['list', 'list'], ['value', 'any']], 'number', 'The position of the first element equal to `value`; fails when there is none.'),
  f('keys', [['map', 'map']], 'list', 'The keys of a map or object, in lexical order.'),
  f('length', [['value', 'any', 'a list, map or string']], 'number', 'How many elements a list or map has, or how many characters a string has.'),
  f('lookup', [['map', 'map'], ['key', 'string'], ['default', 'any']], 'any', 'The value under `key`, or `default` when the map has no such key (without a default, a missing key fails).', { optional: 1 }),
  f('merge', [], 'map', 'One map with the entries of all arguments; a later map wins for a key both have.', { variadic: ['maps', 'map'] }),
  f('range', [['start_or_limit', 'number'], ['limit', 'number'], ['step', 'number']], 'list', 'A list of numbers: `range(3)` is `[0, 1, 2]`, `range(1, 7, 2)` is `[1, 3, 5]`.', { optional: 2 }),
  f('reverse', [['list', 'list']], 'list', 'The list in the opposite order.'),
  f('setintersection', [['first', 'set']], 'set', 'The elements every given set has.', { variadic: ['others', 'set'] }),
  f('setproduct', [], 'list', 'Every combination taking one element from each argument, as lists.', { variadic: ['sets', 'set'] }),
  f('setsubtract', [['a', 'set'], ['b', 'set']], 'set', 'The elements of `a` that `b` does not have.', { evaluated: false }),
  f('setunion', [], 'set', 'The elements of all given sets, each once.', { variadic: ['sets', 'set'] }),
  f('slice', [['list', 'list'], ['start', 'number', 'inclusive'], ['end', 'number', 'exclusive']], 'list', 'The elements from index `start` up to, not including, `end`.'),
  f('sort', [['list', 'list']], 'list', 'The strings of the list in lexical order.'),
  f('transpose', [['map', 'map', 'a map of lists of strings']], 'map', 'Swaps keys and values of a map of lists: each value becomes a key listing the keys it appeared under.', { evaluated: false }),
  f('values', [['map', 'map']], 'list', 'The values of a map, in the lexical order of their keys.'),
  f('zipmap', [['keys', 'list'], ['values', 'list']], 'map', 'A map pairing each key with the value at the same position; both lists must have the same length.'),
  // encoding
  f('base64decode', [['text', 'string']], 'string', 'Decodes Base64 text into the string it encodes (the result must be UTF-8).'),
  f('base64encode', [['text', 'string']], 'string', 'Encodes the UTF-8 bytes of the text as Base64.'),
  f('csvdecode', [['text', 'string']], 'list', 'Reads CSV text whose first line names the columns: one map per following line.'),
  f('jsondecode', [['text', 'string']], 'any', 'Reads a JSON document into HCL values (objects, lists, strings, numbers, bools, null).'),
  f('jsonencode', [['value', 'any']], 'string', 'Writes a value as compact JSON text.'),
  f('urlencode', [['text', 'string']], 'string', 'Escapes the text for use in a URL query (spaces become `+`).'),
  f('yamldecode', [['text', 'string']], 'any', 'Reads a YAML document into HCL values.', { evaluated: false }),
  f('yamlencode', [['value', 'any']], 'string', 'Writes a value as YAML text.'),
  // type conversion
  f('tobool', [['value', 'any']], 'bool', 'Converts `"true"`/`"false"` or a bool to a bool; null stays null.'),
  f('tolist', [['value', 'any']], 'list', 'Converts a set or tuple to a list.'),
  f('tomap', [['value', 'any']], 'map', 'Converts an object to a map.'),
  f('tonumber', [['value', 'any']], 'number', 'Converts a number written as a string to a number; null stays null.'),
  f('toset', [['value', 'any']], 'set', 'Converts a list to a set: repeated elements go, order is not kept.'),
  f('tostring', [['value', 'any']], 'string', 'Converts a number or bool to its text; null stays null.'),
  f('convert', [['value', 'any'], ['type', 'type', 'a type expression such as list(string)']], 'any', 'Converts a value to the given type, failing when it cannot.', { evaluated: false }),
  f('can', [['expression', 'any']], 'bool', 'True when the expression evaluates without an error; for conditions and validations.', { evaluated: false }),
  f('try', [], 'any', 'The value of the first argument that evaluates without an error.', { variadic: ['expressions', 'any'], evaluated: false }),
  // hashes and crypto
  f('md5', [['text', 'string']], 'string', 'The MD5 digest of the text, as hexadecimal.'),
  f('sha1', [['text', 'string']], 'string', 'The SHA-1 digest of the text, as hexadecimal.'),
  f('sha256', [['text', 'string']], 'string', 'The SHA-256 digest of the text, as hexadecimal.'),
  f('sha512', [['text', 'string']], 'string', 'The SHA-512 digest of the text, as hexadecimal.'),
  f('bcrypt', [['text', 'string'], ['cost', 'number']], 'string', 'A bcrypt hash of the text (new salt each time, so not known while editing).', { optional: 1 }),
  f('rsadecrypt', [['ciphertext', 'string', 'Base64'], ['private_key', 'string', 'PEM']], 'string', 'Decrypts RSA-encrypted, Base64-encoded text with a PEM private key.', { evaluated: false }),
  f('uuidv4', [], 'string', 'A new random UUID each time the job is submitted (unknown while editing).'),
  f('uuidv5', [['namespace', 'string', 'dns, url, oid, x500 or a UUID'], ['name', 'string']], 'string', 'A UUID derived from a namespace and a name: the same inputs always give the same UUID.'),
  // network
  f('cidrhost', [['prefix', 'string'], ['host', 'number']], 'string', 'The address of host number `host` inside the CIDR `prefix`.', { evaluated: false }),
  f('cidrnetmask', [['prefix', 'string']], 'string', 'The netmask of an IPv4 CIDR prefix, in dotted form.', { evaluated: false }),
  f('cidrsubnet', [['prefix', 'string'], ['newbits', 'number'], ['netnum', 'number']], 'string', 'A subnet of `prefix`, `newbits` longer, numbered `netnum`.', { evaluated: false }),
  f('cidrsubnets', [['prefix', 'string']], 'list', 'Consecutive subnets of `prefix`, one per given number of extra bits.', { variadic: ['newbits', 'number'], evaluated: false }),
  // time
  f('timestamp', [], 'string', 'The time the job is submitted, in RFC 3339 form (unknown while editing).'),
  f('timeadd', [['timestamp', 'string', 'RFC 3339'], ['duration', 'string', 'e.g. "1h30m"']], 'string', 'A timestamp moved by a duration.', { evaluated: false }),
  f('formatdate', [['spec', 'string', 'e.g. "YYYY-MM-DD"'], ['timestamp', 'string', 'RFC 3339']], 'string', 'Writes a timestamp in another layout.', { evaluated: false }),
  // paths and files (relative to the folder the job is submitted from, read by the machine that submits it)
  f('abspath', [['path', 'string']], 'string', 'The path made absolute against the folder the job is submitted from.', { evaluated: false }),
  f('basename', [['path', 'string']], 'string', 'The last part of a path: `basename("/opt/app/run.sh")` is `run.sh`.', { evaluated: false }),
  f('dirname', [['path', 'string']], 'string', 'The path without its last part: `dirname("/opt/app/run.sh")` is `/opt/app`.', { evaluated: false }),
  f('pathexpand', [['path', 'string']], 'string', 'Replaces a leading `~` with the home folder of the user who submits the job.', { evaluated: false }),
  f('file', [['path', 'string']], 'string', 'The contents of a file, read when the job is submitted, relative to the folder the command runs in.'),
  f('fileexists', [['path', 'string']], 'bool', 'Whether a file exists at `path` where the job is submitted.'),
  f('fileset', [['dir', 'string'], ['pattern', 'string', 'a glob such as *.tpl or **/*.conf']], 'set', 'The paths under `dir` that match the glob, where the job is submitted.'),
];

export const HCL_FUNCTION_BY_NAME: ReadonlyMap<string, FunctionSchema> = new Map(HCL_FUNCTIONS.map((fn) => [fn.name, fn]));

/** `format(spec string, args... any) string` */
export function functionSignature(fn: FunctionSchema): string {
  const params = fn.params.map((p) => `${p.name}${p.optional ? '?' : ''} ${p.type}`);
  if (fn.variadic) params.push(`${fn.variadic.name}... ${fn.variadic.type}`);
  return `${fn.name}(${params.join(', ')}) ${fn.returns}`;
}

/** How many arguments a call may have. */
export function argumentCount(fn: FunctionSchema): { min: number; max: number } {
  const min = fn.params.filter((p) => !p.optional).length + (fn.variadic && ['max', 'min', 'coalesce', 'setproduct'].includes(fn.name) ? 1 : 0);
  return { min, max: fn.variadic ? Infinity : fn.params.length };
}

/** Markdown for hover and completion. */
export function functionMarkdown(fn: FunctionSchema): string {
  const lines = ['```hcl', functionSignature(fn), '```', '', fn.doc];
  const documented = [...fn.params, ...(fn.variadic ? [fn.variadic] : [])].filter((p) => p.doc);
  if (documented.length) lines.push('', ...documented.map((p) => `- \`${p.name}\`: ${p.doc}`));
  if (fn.evaluated === false) lines.push('', '_Its value is not worked out while editing._');
  return lines.join('\n');
}
