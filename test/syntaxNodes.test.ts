// The model builder reads the tree through SyntaxNode (model/syntax.ts), a cursor that keeps track of where
// it stands and counts positions in the text. Whatever order the builder reads nodes in, each must tell
// what web-tree-sitter's own Node tells: here over corpus files, broken copies of them and lone `\r` line
// ends, with the nodes read in text order and again in a shuffled order (seeded) that makes the cursor
// jump between far parts of the tree.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Node } from 'web-tree-sitter';
import { sharedParser } from '../server/src/parser/parser';
import { treeText } from '../server/src/parser/lineEnds';
import { Rows, SyntaxReader, useFastCursors, type SyntaxNode } from '../server/src/model/syntax';
import { cursorFunctions } from '../server/src/parser/load';
import { corpusFiles } from './helpers/corpus';
import { int, pick, seededRandom, type Random } from './helpers/random';

interface Pair {
  node: Node;
  syntax: SyntaxNode;
}

/** Every node with its SyntaxNode, listed through both APIs side by side. */
function pairs(node: Node, syntax: SyntaxNode, out: Pair[]): void {
  out.push({ node, syntax });
  const children = node.children;
  const syntaxChildren = syntax.children;
  assert.equal(syntaxChildren.length, children.length, `children of ${node.type} at ${node.startIndex}`);
  children.forEach((child, i) => pairs(child!, syntaxChildren[i], out));
}

function describe(node: Node | SyntaxNode): unknown {
  const first = node.firstChild;
  return {
    type: node.type,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
    startPosition: node.startPosition,
    endPosition: node.endPosition,
    hasError: node.hasError,
    isMissing: node.isMissing,
    isError: node.isError,
    isNamed: node.isNamed,
    first: first ? [first.type, first.startIndex, first.endIndex] : null,
    key: node.type === 'object_elem' ? node.childForFieldName('key')?.startIndex : undefined,
    val: node.type === 'object_elem' ? node.childForFieldName('val')?.startIndex : undefined,
    count: node.childCount,
  };
}

function shuffle<T>(items: T[], rnd: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = int(rnd, i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function broken(text: string, rnd: Random): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const at = int(rnd, out.length + 1);
    out = out.slice(0, at) + pick(rnd, ['{', '}', '"', '${', '\n', '=', '<<EOF\n', '[', ')', '\r', '']) + out.slice(Math.min(out.length, at + int(rnd, 6)));
  }
  return out;
}

async function assertSameAsNodes(text: string, rnd: Random, label: string): Promise<void> {
  const parser = await sharedParser();
  const tree = parser.parse(treeText(text));
  const reader = SyntaxReader.of(tree, text);
  try {
    const all: Pair[] = [];
    pairs(tree.rootNode, reader.root, all);
    for (const order of [all, shuffle([...all], rnd)]) {
      for (const { node, syntax } of order) {
        assert.deepEqual(describe(syntax), describe(node), `${label}: ${node.type} at ${node.startIndex}`);
      }
    }
  } finally {
    reader.delete();
    tree.delete();
  }
}

async function assertCorpusSameAsNodes(): Promise<void> {
  const rnd = seededRandom(515);
  const files = [...corpusFiles('exec'), ...corpusFiles('invalid')].slice(0, 40);
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    await assertSameAsNodes(text, rnd, file);
    await assertSameAsNodes(broken(text, rnd), rnd, `${file} (broken)`);
  }
  await assertSameAsNodes('job "a" {\r  group "g" {\r\n    count = 1\r  }\r}\r# tail\r', rnd, 'lone CR');
}

test('SyntaxNode tells what Node tells, in any reading order', async () => {
  await sharedParser();
  // The reader drives its cursor through the runtime's functions here; the test is about that path.
  assert.ok(cursorFunctions(), 'the runtime offers its cursor functions');
  await assertCorpusSameAsNodes();
});

test('through TreeCursor alone (a runtime without its cursor functions), SyntaxNode tells the same', async () => {
  useFastCursors(false);
  try {
    await assertCorpusSameAsNodes();
  } finally {
    useFastCursors(true);
  }
});

test('a node far down a long body is reached from anywhere (the cursor jumps rather than steps)', async () => {
  const groups = Array.from({ length: 60 }, (_, i) => `  group "g${i}" {\n    count = ${i}\n    meta = { a = "${i}", b = [${i}, 2] }\n  }\n`).join('');
  await assertSameAsNodes(`job "big" {\n${groups}}\n`, seededRandom(7), 'long body');
});

test('positions counted in the text agree with a plain count, whatever mix of line ends', () => {
  const rnd = seededRandom(31);
  const plain = (text: string, offset: number) => {
    let row = 0;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        row++;
        lineStart = i + 1;
      }
    }
    return { line: row, character: offset - lineStart };
  };
  for (let k = 0; k < 300; k++) {
    let text = '';
    for (let i = int(rnd, 200); i > 0; i--) text += pick(rnd, ['a', '\n', '\r', '\r\n', 'b ', '\t']);
    const rows = new Rows(text);
    rows.anchor(0, { row: 0, column: 0 });
    for (let offset = 0; offset <= text.length; offset += 1 + int(rnd, 5)) {
      assert.deepEqual(rows.at(offset), plain(text, offset), `${JSON.stringify(text)} at ${offset}`);
    }
  }
});
