// The job model: ranges, templates (escapes, heredocs, strip markers, directives), dynamic blocks,
// implicit groups, and evaluation of expressions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sharedParser } from '../server/src/parser/parser';
import { buildModel, attributeOf } from '../server/src/model/build';
import { createEvaluator, type EvaluateOptions } from '../server/src/model/evaluate';
import type { Attribute, Block, Expr, JobFile } from '../server/src/model/types';
import { UNKNOWN, type Value } from '../server/src/model/value';

async function model(text: string): Promise<JobFile> {
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    return buildModel(tree, text).file;
  } finally {
    tree.delete();
  }
}

function attr(file: JobFile, name: string): Attribute {
  const found: Attribute[] = [];
  const walk = (items: (Attribute | Block)[]): void => {
    for (const item of items) {
      if (item.kind === 'attribute' && item.name === name) found.push(item);
      if (item.kind === 'block') walk(item.body.items);
    }
  };
  walk(file.body.items);
  assert.equal(found.length, 1, `one attribute ${name}`);
  return found[0];
}

/** Evaluates `value = <expr>` in a file that may declare variables and locals before it. */
async function evaluate(exprText: string, prelude = '', options?: EvaluateOptions): Promise<Value> {
  const file = await model(`${prelude}\nlocals {\n  probe = ${exprText}\n}\n`);
  return createEvaluator(file, options).evaluate(file.locals.get('probe')!.value);
}

function sliceRange(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return [lines[range.start.line].slice(range.start.character), ...lines.slice(range.start.line + 1, range.end.line), lines[range.end.line].slice(0, range.end.character)].join('\n');
}

const JOB = `variable "image" {
  type    = string
  default = "web"
}

locals {
  name = "\${var.image}-app"
}

job "demo" {
  datacenters = ["dc1"]

  task "solo" {
    driver = "exec"
  }

  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/echo"
      }
    }
    dynamic "task" {
      for_each = ["a"]
      labels   = ["dyn"]
      content {
        driver = "raw_exec"
      }
    }
  }
}
`;

test('blocks, labels, attributes and values carry exact ranges', async () => {
  const file = await model(JOB);
  const job = file.jobs[0];
  assert.equal(job.name, 'demo');
  assert.equal(sliceRange(JOB, job.block.typeRange), 'job');
  assert.equal(sliceRange(JOB, job.block.labels[0].range), '"demo"');
  assert.equal(job.block.labels[0].quoted, true);
  assert.equal(sliceRange(JOB, job.block.openBrace!), '{');
  assert.equal(sliceRange(JOB, job.block.closeBrace!), '}');
  const command = attr(file, 'command');
  assert.equal(sliceRange(JOB, command.nameRange), 'command');
  assert.equal(sliceRange(JOB, command.value.range), '"/bin/echo"');
  assert.equal(sliceRange(JOB, command.range), 'command = "/bin/echo"');
  assert.deepEqual(command.value, { kind: 'literal', value: '/bin/echo', range: command.value.range });
});

test('jobs, implicit groups, dynamic tasks, variables and locals are collected', async () => {
  const file = await model(JOB);
  assert.deepEqual([...file.variables.keys()], ['image']);
  assert.deepEqual([...file.locals.keys()], ['name']);
  const [solo, g] = file.jobs[0].groups;
  assert.equal(solo.implicit, true);
  assert.equal(solo.name, 'solo');
  assert.equal(solo.tasks[0].name, 'solo');
  assert.equal(g.implicit, false);
  assert.deepEqual(g.tasks.map((t) => [t.name, t.driverName, !!t.dynamic]), [['t', 'exec', false], ['dyn', 'raw_exec', true]]);
  assert.equal(g.tasks[0].config?.type, 'config');
  const dyn = g.tasks[1].block;
  assert.equal(dyn.dynamic?.blockType, 'task');
  assert.equal(dyn.dynamic?.content?.items[0].kind, 'attribute');
});

test('templates: escapes, interpolations, directives and strip markers', async () => {
  const text = 'locals {\n  a = "x$${y}%%{z}\\"q\\"\\n\\u00e9 ${ var.v ~}  b %{ if true }yes%{ else }no%{ endif }"\n}\n';
  const file = await model(text);
  const value = file.locals.get('a')!.value;
  assert.equal(value.kind, 'template');
  if (value.kind !== 'template') return;
  assert.deepEqual(value.parts.map((p) => p.kind), ['literal', 'interpolation', 'literal', 'directive']);
  // The text with escapes resolved, and what was written (template data diagnostics map back through it).
  assert.deepEqual(value.parts[0], { kind: 'literal', text: 'x${y}%{z}"q"\né ', range: value.parts[0].range, source: { raw: 'x$${y}%%{z}\\"q\\"\\n\\u00e9 ', quoted: true, indent: 0, atLineStart: false } });
  assert.equal(value.parts[1].kind === 'interpolation' && value.parts[1].stripRight, true);
  // The strip marker removed the spaces after the interpolation.
  assert.equal(value.parts[2].kind === 'literal' && value.parts[2].text, 'b ');
  assert.equal(sliceRange(text, value.parts[1].range), '${ var.v ~}');
  assert.equal(await evaluate('"a %{ for x in [1, 2] }<${x}>%{ endfor } b"'), 'a <1><2> b');
  assert.equal(await evaluate('"%{ if 1 > 2 }big%{ else }small%{ endif }"'), 'small');
});

test('heredocs: plain and indented, escapes only for $${ and %%{', async () => {
  const text = 'locals {\n  plain = <<EOT\n  keep ${1 + 1} \\n $${x}\nEOT\n  ind = <<-EOT\n    one\n      two ${"2"}\n    EOT\n}\n';
  const file = await model(text);
  const plain = file.locals.get('plain')!.value;
  assert.equal(plain.kind === 'template' && plain.heredoc?.marker, 'EOT');
  assert.equal(plain.kind === 'template' && plain.heredoc?.indented, false);
  const evaluator = createEvaluator(file);
  assert.equal(evaluator.evaluate(plain), '  keep 2 \\n ${x}\n');
  assert.equal(evaluator.evaluate(file.locals.get('ind')!.value), 'one\n  two 2\n');
});

test('references, traversals, splats, calls, for and operators are kept as expressions', async () => {
  const file = await model('locals {\n  r = var.a.b[0].*.c[*].d\n  c = concat(x, y...)\n  f = { for k, v in m : k => v... if v != null }\n  o = -1 + 2 * 3 > 4 && !false ? 1 : 2\n  l = x.0\n}\n');
  const get = (n: string): Expr => file.locals.get(n)!.value;
  const r = get('r');
  assert.equal(r.kind, 'reference');
  if (r.kind === 'reference') {
    assert.equal(r.root, 'var');
    assert.deepEqual(r.path.map((p) => p.kind), ['attr', 'attr', 'index', 'splat', 'attr', 'splat', 'attr']);
  }
  const c = get('c');
  assert.equal(c.kind === 'call' && c.expandFinal, true);
  const f = get('f');
  assert.equal(f.kind === 'for' && f.grouping && f.keyName === 'k' && !!f.condition, true);
  assert.equal(get('o').kind, 'conditional');
  const l = get('l');
  assert.equal(l.kind === 'reference' && l.path[0].kind === 'index', true);
});

test('evaluation: variables, locals, defaults, unknowns', async () => {
  const prelude = 'variable "a" {\n  default = 2\n}\nvariable "unset" {}\nlocals {\n  twice = var.a * 2\n  loop1 = local.loop2\n  loop2 = local.loop1\n}\n';
  assert.equal(await evaluate('local.twice + 1', prelude), 5);
  assert.equal(await evaluate('var.a', prelude, { variables: { a: 10 } }), 10);
  assert.equal(await evaluate('var.unset', prelude), UNKNOWN);
  assert.equal(await evaluate('"${var.unset}-x"', prelude), UNKNOWN);
  assert.equal(await evaluate('local.loop1', prelude), UNKNOWN);
  assert.equal(await evaluate('var.nope', prelude), UNKNOWN);
  assert.equal(await evaluate('NOMAD_TASK_DIR'), UNKNOWN);
  assert.equal(await evaluate('"${attr.kernel.name}"'), UNKNOWN);
  assert.equal(await evaluate('env["HOME"]'), UNKNOWN);
  const runtime: EvaluateOptions['runtime'] = (root, path) => (root === 'NOMAD_TASK_DIR' ? '/local' : root === 'env' && 'index' in path[0] ? `env:${path[0].index}` : undefined);
  assert.equal(await evaluate('"${NOMAD_TASK_DIR}/x"', '', { runtime }), '/local/x');
  assert.equal(await evaluate('env["HOME"]', '', { runtime }), 'env:HOME');
  assert.equal(await evaluate('true ? "y" : var.unset', prelude), 'y');
  assert.equal(await evaluate('var.unset ? 1 : 2', prelude), UNKNOWN);
  assert.equal(await evaluate('false && var.unset', prelude), false);
  assert.equal(await evaluate('1 / 0'), UNKNOWN);
  assert.equal(await evaluate('[1, 2][5]'), UNKNOWN);
});

test('evaluation: collections, for expressions, splats', async () => {
  assert.deepEqual(await evaluate('[for x in [1, 2, 3] : x * 2 if x > 1]'), [4, 6]);
  assert.deepEqual(await evaluate('{ for k, v in { a = 1, b = 2 } : v => k }'), { 1: 'a', 2: 'b' });
  assert.deepEqual(await evaluate('{ for x in ["a", "b", "a"] : x => x... }'), { a: ['a', 'a'], b: ['b'] });
  assert.deepEqual(await evaluate('[{ n = 1 }, { n = 2 }][*].n'), [1, 2]);
  assert.deepEqual(await evaluate('{ a = { b = [10, 20] } }.a.b[1]'), 20);
  assert.deepEqual(await evaluate('{ "x y" = 1, z = "2" }'), { 'x y': 1, z: '2' });
});

test('evaluation: max and min of a list expanded into 200,000 arguments', async () => {
  // Too many arguments for Math.max(...): the functions fold them instead.
  assert.equal(await evaluate('max(flatten([for i in range(200) : range(i, i + 1000)])...)'), 1198);
  assert.equal(await evaluate('min(flatten([for i in range(200) : range(i + 5, i + 1005)])...)'), 5);
});

test('evaluation: the jobspec2 functions', async () => {
  const cases: [string, Value][] = [
    ['abs(-3)', 3], ['ceil(1.2)', 2], ['floor(1.8)', 1], ['max(1, 5, 3)', 5], ['min(4, 2)', 2],
    ['parseint("ff", 16)', 255], ['pow(2, 10)', 1024], ['signum(-7)', -1],
    ['chomp("a\\n\\n")', 'a'], ['format("%s-%03d %v %.1f %q", "a", 7, true, 1.26, "q")', 'a-007 true 1.3 "q"'],
    ['formatlist("%s=%d", ["a", "b"], [1, 2])', ['a=1', 'b=2']], ['indent(2, "a\\nb")', 'a\n  b'],
    ['join(",", ["a", "b"], ["c"])', 'a,b,c'], ['lower("AbC")', 'abc'], ['upper("abc")', 'ABC'],
    ['regex("(\\\\d+)-(\\\\d+)", "10-20")', ['10', '20']], ['regex("(?P<y>\\\\d{4})", "in 2024")', { y: '2024' }],
    ['regexall("\\\\d", "a1b2")', ['1', '2']], ['replace("a-b-c", "-", "+")', 'a+b+c'], ['replace("a1b2", "/\\\\d/", "#")', 'a#b#'],
    ['split(",", "a,b")', ['a', 'b']], ['strrev("abc")', 'cba'], ['substr("hello", 1, 3)', 'ell'], ['substr("hello", -3, -1)', 'llo'],
    ['title("hello world")', 'Hello World'], ['trimspace("  x ")', 'x'], ['trim("?!x!?", "!?")', 'x'],
    ['trimprefix("nomad-x", "nomad-")', 'x'], ['trimsuffix("x.hcl", ".hcl")', 'x'],
    ['chunklist([1, 2, 3], 2)', [[1, 2], [3]]], ['coalesce("", "b")', 'b'], ['coalescelist([], [1])', [1]],
    ['compact(["a", "", "b"])', ['a', 'b']], ['concat([1], [2, 3])', [1, 2, 3]], ['contains(["a"], "a")', true],
    ['distinct([1, 1, 2])', [1, 2]], ['element(["a", "b"], 3)', 'b'], ['flatten([[1], [2, [3]]])', [1, 2, 3]],
    ['index(["a", "b"], "b")', 1], ['keys({ b = 1, a = 2 })', ['a', 'b']], ['length("héllo")', 5], ['length([1, 2])', 2],
    ['lookup({ a = 1 }, "b", 9)', 9], ['merge({ a = 1 }, { b = 2 })', { a: 1, b: 2 }], ['range(3)', [0, 1, 2]], ['range(1, 10, 4)', [1, 5, 9]],
    ['reverse([1, 2])', [2, 1]], ['setintersection([1, 2], [2, 3])', [2]], ['setproduct(["a"], [1, 2])', [['a', 1], ['a', 2]]],
    ['setunion([1], [1, 2])', [1, 2]], ['slice([1, 2, 3], 1, 3)', [2, 3]], ['sort(["b", "a"])', ['a', 'b']],
    ['values({ b = 1, a = 2 })', [2, 1]], ['zipmap(["a"], [1])', { a: 1 }],
    ['base64encode("hi")', 'aGk='], ['base64decode("aGk=")', 'hi'], ['csvdecode("a,b\\n1,2\\n")', [{ a: '1', b: '2' }]],
    ['jsondecode("{\\"a\\": [1]}")', { a: [1] }], ['jsonencode({ a = [1, "x"] })', '{"a":[1,"x"]}'], ['urlencode("a b&c")', 'a+b%26c'],
    ['yamlencode({ a = 1, b = ["x"] })', 'a: 1\nb:\n- x\n'],
    ['tobool("true")', true], ['tolist([1])', [1]], ['tomap({ a = 1 })', { a: 1 }], ['tonumber("5")', 5], ['toset(["a", "a"])', ['a']], ['tostring(5)', '5'],
    ['try(local.missing_thing.x, "fallback")', UNKNOWN], ['try([][0], "fallback")', 'fallback'], ['can([][0])', false], ['can(1)', true],
    ['sha1("x")', '11f6ad8ec52a2984abaafd7c3b516503785c2072'], ['md5("x")', '9dd4e461268c8034f5c8564e155c67a6'],
    ['sha256("x")', '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
    ['uuidv4()', UNKNOWN], ['timestamp()', UNKNOWN], ['file("x.txt")', UNKNOWN], ['no_such_function(1)', UNKNOWN],
    ['upper(var.unset)', UNKNOWN], ['"5" + 1', 6],
  ];
  for (const [expr, expected] of cases) assert.deepEqual(await evaluate(expr, 'variable "unset" {}'), expected, expr);
  assert.match(String(await evaluate('sha512("x")')), /^[0-9a-f]{128}$/);
});

test('a half-typed file still has a model', async () => {
  const file = await model('job "x" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n        args = ["a", "${"]\n');
  const task = file.jobs[0]?.groups[0]?.tasks[0];
  assert.equal(task?.name, 't');
  assert.equal(task?.driverName, 'exec');
  assert.equal(task?.config && attributeOf(task.config.body, 'command')?.value.kind, 'literal');
});
