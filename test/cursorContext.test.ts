// The cursor context behind completion, on whole, half-typed and broken texts (with and without a tree).
import test from 'node:test';
import assert from 'node:assert/strict';
import { cursorContext, type CursorContext } from '../server/src/features/cursorContext';
import { sharedParser } from '../server/src/parser/parser';
import { cursor } from './helpers/featureClient';

async function contextAt(marked: string, withTree = true): Promise<CursorContext> {
  const { text, position } = cursor(marked);
  const lines = text.split('\n');
  let offset = position.character;
  for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
  if (!withTree) return cursorContext(text, offset);
  const tree = (await sharedParser()).parse(text);
  try {
    return cursorContext(text, offset, tree);
  } finally {
    tree.delete();
  }
}

const TASK = 'job "x" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n';

for (const withTree of [true, false]) {
  const how = withTree ? 'with the tree' : 'from the text alone';

  test(`half-typed cap_add with no closing brackets (${how})`, async () => {
    const ctx = await contextAt(`${TASK}      config {\n        cap_add = ["|`, withTree);
    assert.equal(ctx.kind, 'string');
    assert.equal(ctx.attribute, 'cap_add');
    assert.ok(ctx.inList);
    assert.deepEqual(ctx.path, ['job', 'group', 'task', 'config']);
  });

  test(`list items before the cursor, names set after it (${how})`, async () => {
    const ctx = await contextAt(`${TASK}      config {\n        cap_add = ["chown", "net_|"]\n        command = "x"\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(ctx.prefix, 'net_');
    assert.deepEqual(ctx.listItems, ['chown']);
    assert.ok(ctx.seen.has('command'));
    assert.ok(!ctx.seen.has('cap_add'), 'the statement at the cursor is not "already set"');
  });

  test(`a name being typed in a body (${how})`, async () => {
    const ctx = await contextAt(`${TASK}      config {\n        comm|\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(ctx.kind, 'body');
    assert.equal(ctx.prefix, 'comm');
    assert.deepEqual(ctx.path, ['job', 'group', 'task', 'config']);
  });

  test(`after \${ in a string and in a heredoc (${how})`, async () => {
    const inString = await contextAt(`${TASK}      config {\n        args = ["\${NOMAD_T|"]\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(inString.kind, 'interpolation');
    assert.equal(inString.prefix, 'NOMAD_T');
    assert.equal(inString.attribute, 'args');
    const inHeredoc = await contextAt(`${TASK}      template {\n        data = <<EOF\n  \${attr.ker|}\nEOF\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(inHeredoc.kind, 'interpolation');
    assert.equal(inHeredoc.prefix, 'attr.ker');
    assert.equal(inHeredoc.attribute, 'data');
    const escaped = await contextAt(`${TASK}      env {\n        A = "$\${NOMAD_|"\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(escaped.kind, 'string', '$${ is a literal ${');
  });

  test(`between \$ and { of \${ the cursor is in the text, not yet in an interpolation (${how})`, async () => {
    // Completion once took it for an interpolation begun after the `{`, and offered names with a range that
    // ended before it started (found by a fuzz property: a completion's range holds the cursor).
    for (const [marked, kind] of [
      [`${TASK}      config {\n        args = ["$|{NOMAD_ADDR_http}"]\n      }\n    }\n  }\n}\n`, 'string'],
      [`${TASK}      template {\n        data = <<EOF\n  $|{attr.kernel.name}\nEOF\n      }\n    }\n  }\n}\n`, 'heredoc'],
      [`${TASK}      env {\n        A = "$$|{NOMAD_X}"\n      }\n    }\n  }\n}\n`, 'string'],
    ] as const) {
      const ctx = await contextAt(marked, withTree);
      assert.equal(ctx.kind, kind, marked);
      assert.equal(ctx.interpolation, undefined, marked);
    }
    const after = await contextAt(`${TASK}      config {\n        args = ["\${|NOMAD_ADDR_http}"]\n      }\n    }\n  }\n}\n`, withTree);
    assert.equal(after.kind, 'interpolation');
    assert.equal(after.prefix, '');
  });

  test(`values, comments and labels (${how})`, async () => {
    const value = await contextAt('job "x" {\n  type = |\n}\n', withTree);
    assert.equal(value.kind, 'value');
    assert.equal(value.attribute, 'type');
    const comment = await contextAt('job "x" {\n  # type = |\n}\n', withTree);
    assert.equal(comment.kind, 'comment');
    const label = await contextAt('job "x" {\n  group "|', withTree);
    assert.equal(label.kind, 'label');
    assert.deepEqual(label.words, ['group']);
  });

  test(`an unclosed list does not swallow the block around it (${how})`, async () => {
    const ctx = await contextAt(`${TASK}      config {\n        args = ["a",\n      }\n      |\n    }\n  }\n}\n`, withTree);
    assert.equal(ctx.kind, 'body');
    assert.deepEqual(ctx.path, ['job', 'group', 'task']);
    assert.ok(ctx.seen.has('config'));
    // With a tree the scan starts after `driver`; completion adds the names the job model has.
    if (!withTree) assert.ok(ctx.seen.has('driver'));
  });

  test(`dynamic content is looked up as the generated block (${how})`, async () => {
    const ctx = await contextAt('job "x" {\n  group "g" {\n    dynamic "task" {\n      for_each = ["a"]\n      content {\n        |\n      }\n    }\n  }\n}\n', withTree);
    assert.deepEqual(ctx.path, ['job', 'group', 'task']);
  });
}

test('in a large job, names before the cursor come from the tree', async () => {
  const groups = Array.from({ length: 300 }, (_, i) => `  group "g${i}" {\n    count = 1\n  }\n`).join('');
  const ctx = await contextAt(`job "x" {\n  type = "batch"\n  update {\n  }\n${groups}  |\n}\n`);
  assert.equal(ctx.kind, 'body');
  assert.deepEqual(ctx.path, ['job']);
});
