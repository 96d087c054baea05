// Variable and locals declarations as Nomad's job parser reads them before anything else: what it refuses
// is said while editing (each with a clean twin that says nothing). Through the real pipeline.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnose } from './helpers/diagnose';
import { execJob } from './helpers/jobText';

const CODES = new Set(['invalid-name', 'duplicate', 'invalid-value', 'type-mismatch', 'unknown-variable']);

/** A small valid exec job below `top` and a local that reads var.a (so that it is used). */
function withTop(top: string): string {
  return execJob({ top: `${top}locals {\n  read_a = var.a\n}\n`, config: '        command = "/bin/sh"', names: { job: 'demo', group: 'web', task: 'app' } });
}

async function findings(top: string): Promise<Diagnostic[]> {
  return (await diagnose(withTop(top))).filter((d) => CODES.has(String(d.code)));
}

/** The text at a diagnostic's range (ranges here lie on one line). */
function at(top: string, d: Diagnostic): string {
  return withTop(top).split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

const clean = async (top: string): Promise<void> => assert.deepEqual(await findings(top), [], top);

test('a variable name that is not an identifier is refused; an identifier is not', async () => {
  const top = 'variable "a b" {\n  default = "x"\n}\nvariable "a" {\n  default = "y"\n}\n';
  const [d, ...rest] = await findings(top);
  assert.deepEqual(rest, []);
  assert.equal(d.code, 'invalid-name');
  assert.equal(at(top, d), '"a b"');
  assert.match(d.message, /"a b" is not a valid variable name/);
  await clean('variable "a" {\n  default = "y"\n}\nvariable "b-c_1" {\n  default = "y"\n}\n');
});

test('a variable declared twice, by two blocks or a block and a variables attribute, and a local set in two locals blocks', async () => {
  const twice = 'variable "a" {\n  default = "x"\n}\nvariables {\n  a = "y"\n}\n';
  const [d] = await findings(twice);
  assert.equal(d.code, 'duplicate');
  assert.equal(at(twice, d), 'a');
  assert.equal(d.range.start.line, 4);
  assert.match(d.message, /Variable "a" is declared twice \(first on line 1\)/);
  // The uses are linked to the first: the second is not called unused on top of being a duplicate.
  assert.deepEqual((await diagnose(withTop(twice))).filter((f) => f.code === 'unused-declaration' && /variable "a"/.test(f.message)), []);
  const locals = 'variable "a" {\n  default = local.b\n}\nlocals {\n  b = 1\n}\nlocals {\n  c = 2\n  b = 3\n}\n';
  const found = (await findings(locals)).filter((f) => f.code === 'duplicate');
  assert.equal(found.length, 1);
  assert.equal(found[0].range.start.line, 8);
  assert.match(found[0].message, /Local value "b" is set in two locals blocks \(first on line 5\)/);
  await clean('variable "a" {\n  default = "x"\n}\nvariables {\n  b = "y"\n}\nlocals {\n  c = 1\n}\nlocals {\n  d = 2\n}\n');
});

test('a type that is not an exact type is refused, naming the nearest type word; exact types, nested, are not', async () => {
  for (const [type, written, message] of [
    ['strin', 'strin', /`strin` is not a type.*Did you mean string\?/],
    ['any', 'any', /`any` is not one/],
    ['list', 'list', /`list` needs its element type/],
    ['map(number, string)', 'map(number, string)', /map\(\.\.\.\) takes exactly one argument/],
    ['object({ name = optional(string) })', 'optional', /`optional\(\.\.\.\)` marks an attribute/],
    ['object({ "name" = string })', '"name"', /named by a bare name/],
    ['tuple(string)', 'string', /tuple\(\.\.\.\) takes a list/],
    ['lst(string)', 'lst', /`lst\(\.\.\.\)` is not a type constructor.*Did you mean list\?/],
    ['string(1)', 'string(1)', /is a type by itself/],
  ] as const) {
    const top = `variable "a" {\n  type = ${type}\n}\n`;
    const [d, ...rest] = await findings(top);
    assert.deepEqual(rest, [], type);
    assert.equal(d.code, 'invalid-value', type);
    assert.equal(at(top, d), written, type);
    assert.match(d.message, message, type);
  }
  const [misspelt] = await findings('variable "a" {\n  type = numbr\n}\n');
  assert.deepEqual(misspelt.data, { replacement: 'number' });
  await clean('variable "a" {\n  type = object({ name = string, ports = list(number), tags = map(set(bool)), pair = tuple([string, number]) })\n}\n');
});

test('a default that reads anything or does not fit its type is refused; one that converts as HCL converts is not', async () => {
  for (const [top, written, code, message] of [
    ['variable "b" {\n  default = "x"\n}\nvariable "a" {\n  default = var.b\n}\n', 'var.b', 'invalid-value', /cannot read `var\.b`: write the value itself/],
    ['variable "a" {\n  default = upper("x")\n}\n', 'upper', 'invalid-value', /cannot call upper\(\)/],
    ['variable "a" {\n  type    = number\n  default = "abc"\n}\n', '"abc"', 'type-mismatch', /type number: a number is needed, and "abc" is not one/],
    ['variable "a" {\n  type    = list(string)\n  default = "x"\n}\n', '"x"', 'type-mismatch', /a list is needed, not a string/],
    ['variable "a" {\n  type    = object({ host = string, port = number })\n  default = { host = "h" }\n}\n', '{ host = "h" }', 'type-mismatch', /attribute "port" is required/],
    ['variable "a" {\n  type    = map(number)\n  default = { x = 1, y = "two" }\n}\n', '{ x = 1, y = "two" }', 'type-mismatch', /"y": a number is needed/],
  ] as const) {
    const [d, ...rest] = await findings(top);
    assert.deepEqual(rest, [], top);
    assert.equal(d.code, code, top);
    assert.equal(at(top, d), written, top);
    assert.match(d.message, message, top);
  }
  await clean(
    'variable "a" {\n  type    = number\n  default = "12.5"\n}\nvariable "b" {\n  type    = bool\n  default = "true"\n}\nvariable "c" {\n  type    = string\n  default = 8080\n}\n' +
      'variable "d" {\n  type    = list(number)\n  default = [1, "2"]\n}\nvariable "e" {\n  type    = object({ host = string })\n  default = { host = "h" }\n}\nvariable "f" {\n  type    = string\n  default = null\n}\n' +
      'locals {\n  all = [var.b, var.c, var.d, var.e, var.f]\n}\n',
  );
});

test('a validation block tests only its own variable, with a message written as sentences', async () => {
  const validation = (condition: string, message: string) => `variable "a" {\n  default = "x"\n  validation {\n    condition     = ${condition}\n    error_message = ${message}\n  }\n}\nvariable "b" {\n  default = "y"\n}\nlocals {\n  b = var.b\n}\n`;
  for (const [condition, message, written, expected] of [
    ['length(var.a) > length(var.b)', '"The value is too short."', 'var.b', /may read only the variable it checks: var\.a, not `var\.b`/],
    ['true', '"The value is wrong."', 'true', /must read var\.a to test the value/],
    ['var.a != ""', '"the value is empty."', '"the value is empty."', /full sentences/],
    ['var.a != ""', '"The value is empty"', '"The value is empty"', /full sentences/],
    ['var.a != ""', '""', '""', /may not be empty/],
    ['var.a != ""', '"Not ${var.b}."', '"Not ${var.b}."', /cannot hold references/],
  ] as const) {
    const top = validation(condition, message);
    const [d, ...rest] = (await findings(top)).filter((f) => f.code === 'invalid-value');
    assert.deepEqual(rest, [], `${condition} / ${message}`);
    assert.equal(at(top, d), written, `${condition} / ${message}`);
    assert.match(d.message, expected, `${condition} / ${message}`);
  }
  await clean(validation('length(var.a) > 0 && can(regex("^x", var.a))', '"The value must start with x. Try again?"'));
  await clean(validation('alltrue([for s in [var.a] : s != ""])', '"Élan must not be empty!"'));
});

test('a variable whose name is not an identifier is not offered as what an unknown var.* meant', async () => {
  const [d] = (await findings('variable "my var" {\n  default = "x"\n}\nlocals {\n  x = var.my_vas\n}\n')).filter((f) => f.code === 'unknown-variable');
  assert.doesNotMatch(d.message, /Did you mean/);
  assert.equal(d.data, undefined);
  const [twin] = (await findings('variable "my_var" {\n  default = "x"\n}\nlocals {\n  x = var.my_vas\n}\n')).filter((f) => f.code === 'unknown-variable');
  assert.deepEqual(twin.data, { replacement: 'var.my_var' });
});
