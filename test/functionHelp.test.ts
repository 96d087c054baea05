// HCL functions as data, through `nomad-exec lsp --stdio`: every function of the table is offered by
// completion with its signature and answered by signature help with its parameters; hover on a name; the
// active parameter follows the commas; unknown functions and wrong argument counts are reported (each with
// a clean twin).
import test from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionList, Diagnostic, Hover, SignatureHelp } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { cursor, openDoc, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';
import { HCL_FUNCTIONS, functionSignature } from '../server/src/schema/functions';
import { FUNCTIONS } from '../server/src/model/functions';

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

const job = (config: string, top = '') => `${top}job "j" {
  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/sleep"
        ${config}
      }
    }
  }
}
`;

async function signature(marked: string): Promise<SignatureHelp | null> {
  const { text, position } = cursor(marked);
  const { uri } = await openDoc(client, text, 'sig');
  return client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position });
}

test('every function the evaluator implements has an entry in the function table', () => {
  const table = new Set(HCL_FUNCTIONS.map((f) => f.name));
  assert.deepEqual(Object.keys(FUNCTIONS).filter((name) => !table.has(name)), []);
  assert.ok(HCL_FUNCTIONS.every((f) => f.doc.length > 20), 'each function has a paragraph of documentation');
});

test('completion in a value position offers every function with its signature', async () => {
  const { text, position } = cursor(job('args = [|]'));
  const { uri } = await openDoc(client, text, 'complete');
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position });
  const byLabel = new Map(list.items.map((i) => [i.label, i]));
  for (const fn of HCL_FUNCTIONS) {
    const item = byLabel.get(fn.name);
    assert.ok(item, `${fn.name} offered`);
    assert.equal(item.detail, functionSignature(fn));
    assert.equal(item.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : undefined, `${fn.name}($1)`);
  }
});

test('signature help and hover for every function, with its parameters and documentation', async () => {
  // One document, one call per line: the cursor right after each `(`.
  const lines = HCL_FUNCTIONS.map((fn) => `  f_${fn.name} = ${fn.name}()`);
  const text = `locals {\n${lines.join('\n')}\n}\n`;
  const { uri } = await openDoc(client, text, 'allsigs');
  for (const fn of HCL_FUNCTIONS) {
    const position = positionOf(text, `${fn.name}()`, fn.name.length + 1);
    const help = await client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position });
    assert.ok(help, `signature help for ${fn.name}`);
    assert.equal(help.signatures[0].label, functionSignature(fn));
    assert.equal(help.signatures[0].parameters?.length, fn.params.length + (fn.variadic ? 1 : 0), fn.name);
    assert.equal(help.activeParameter, 0);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, `${fn.name}()`, 1) });
    assert.ok((hover?.contents as { value: string } | undefined)?.value.includes(fn.doc), `hover on ${fn.name}`);
  }
});

test('the active parameter follows the commas, inside interpolations and nested calls too', async () => {
  const second = await signature(job('args = [format("%s-%d", "a", |)]'));
  assert.equal(second?.signatures[0].label, 'format(spec string, args... any) string');
  assert.equal(second?.activeParameter, 1);
  const inString = await signature(job('args = ["${replace("a-b", "-", |)}"]'));
  assert.equal(inString?.signatures[0].label, 'replace(text string, search string, replacement string) string');
  assert.equal(inString?.activeParameter, 2);
  const nested = await signature(job('args = [join(",", [upper(|)])]'));
  assert.equal(nested?.signatures[0].label, 'upper(text string) string');
  const afterClose = await signature(job('args = [join(",", [upper("a")], |)]'));
  assert.equal(afterClose?.signatures[0].label, 'join(separator string, lists... list) string');
  assert.equal(afterClose?.activeParameter, 1);
  // Past the last parameter of a fixed-arity function the last one stays active.
  const past = await signature(job('args = [substr("abc", 0, 1, |)]'));
  assert.equal(past?.activeParameter, 2);
  assert.equal(await signature(job('args = ["(not a call|"]')), null);
});

test('hover on a function name shows its signature and documentation', async () => {
  const text = job('args = [regex_replace("a1", "[0-9]", "")]');
  const { uri } = await openDoc(client, text, 'hoverfn');
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'regex_replace', 3) });
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /regex_replace\(text string, pattern string, replacement string\) string/);
  assert.match(value, /Nomad's addition/);
});

const codes = (diagnostics: Diagnostic[], code: string) => diagnostics.filter((d) => d.code === code);

test('an unknown function is reported with a suggestion; its twin is clean', async () => {
  const bad = await openDoc(client, job('args = [tostrng(60)]'), 'unknownfn');
  const found = codes(bad.diagnostics, 'unknown-function');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /`tostrng` is not a function.*Did you mean `tostring`\?/);
  const good = await openDoc(client, job('args = [tostring(60)]'), 'knownfn');
  assert.deepEqual(codes(good.diagnostics, 'unknown-function'), []);
  // Type constraints are not calls.
  const typed = await openDoc(client, job('args = var.a', 'variable "a" {\n  type    = list(string)\n  default = ["1"]\n}\n'), 'typed');
  assert.deepEqual(codes(typed.diagnostics, 'unknown-function'), []);
});

test('a wrong number of arguments is reported; its twin and a spread call are clean', async () => {
  const bad = await openDoc(client, job('args = [lookup({ a = "1" })]'), 'argcount');
  const found = codes(bad.diagnostics, 'argument-count');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /`lookup` takes 2 to 3 arguments, not 1/);
  const good = await openDoc(client, job('args = [lookup({ a = "1" }, "a", "2")]'), 'argcountok');
  assert.deepEqual(codes(good.diagnostics, 'argument-count'), []);
  const spread = await openDoc(client, job('args = [tostring(max([1, 2]...))]'), 'spread');
  assert.deepEqual(codes(spread.diagnostics, 'argument-count'), []);
});
