// Renaming a variable also renames it in the var files beside the job (`*.vars.hcl`, `*.vars`), over
// `nomad-exec lsp --stdio` on real files: the edits land in one WorkspaceEdit, and applied they give var
// files that set the new name. Where a var file cannot be edited safely (JSON, syntax errors, a name that
// is already set, another job of the folder declaring the same variable) the rename is refused naming it.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { applyEdits, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

let client: LspClient;
serverPerFile((c) => void (client = c));
const dirs: string[] = [];
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const JOB = `variable "image_tag" {
  default = "v1"
}

variable "replicas" {
  default = 1
}

job "web" {
  group "app" {
    count = var.replicas
    task "server" {
      driver = "exec"
      config {
        command = "/bin/echo"
        args    = ["\${var.image_tag}"]
      }
    }
  }
}
`;

/** A folder with the job and `files`, the job opened; the rename of `image_tag` (at its use) to `newName`. */
async function renameIn(files: Record<string, string>, newName = 'release', prepare?: (dir: string) => void): Promise<{ dir: string; uri: string; reply: Promise<WorkspaceEdit> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-varfiles-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'web.nomad.hcl'), JOB);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  prepare?.(dir);
  const uri = pathToFileURL(path.join(dir, 'web.nomad.hcl')).toString();
  await client.diagnostics(uri, client.open(uri, JOB));
  const reply = client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: positionOf(JOB, 'var.image_tag', 6), newName });
  reply.catch(() => undefined);
  return { dir, uri, reply };
}

const range = (line: number, start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });

test('var files beside the job that set the variable are renamed in the same edit, and nothing else in them', async () => {
  const prod = 'image_tag = "1.2"\nreplicas  = 3\n';
  const dev = '# development\nreplicas = 1\n\nimage_tag = "dev" # latest\n';
  const { dir, uri, reply } = await renameIn({ 'prod.vars.hcl': prod, 'dev.nomad.vars': dev, 'unrelated.vars.hcl': 'replicas = 2\n', 'notes.hcl': 'image_tag = "x"\n' });
  const edit = await reply;
  const prodUri = pathToFileURL(path.join(dir, 'prod.vars.hcl')).toString();
  const devUri = pathToFileURL(path.join(dir, 'dev.nomad.vars')).toString();
  assert.deepEqual(Object.keys(edit.changes!).sort(), [uri, devUri, prodUri].sort());
  assert.deepEqual(edit.changes![prodUri], [{ range: range(0, 0, 9), newText: 'release' }]);
  assert.deepEqual(edit.changes![devUri], [{ range: range(3, 0, 9), newText: 'release' }]);
  assert.equal(applyEdits(prod, edit.changes![prodUri]), 'release = "1.2"\nreplicas  = 3\n');
  assert.equal(applyEdits(dev, edit.changes![devUri]), '# development\nreplicas = 1\n\nrelease = "dev" # latest\n');
  assert.match(applyEdits(JOB, edit.changes![uri]), /variable "release" \{[\s\S]*\$\{var\.release\}/);
  client.close(uri);
});

test('twin: a variable no var file sets is renamed in the job only', async () => {
  const { uri, reply } = await renameIn({ 'prod.vars.hcl': 'replicas = 3\n' });
  assert.deepEqual(Object.keys((await reply).changes!), [uri]);
  client.close(uri);
});

test('a JSON var file that sets the variable: refused, naming the file', async () => {
  const { uri, reply } = await renameIn({ 'prod.vars.json': '{ "image_tag": "1.2" }\n' });
  await assert.rejects(reply, /var file prod\.vars\.json sets "image_tag".*does not edit JSON var files/);
  client.close(uri);
});

test('a var file with syntax errors that mentions the variable: refused, naming the file', async () => {
  const { uri, reply } = await renameIn({ 'broken.vars.hcl': 'image_tag = "1.2\nreplicas = {\n' });
  await assert.rejects(reply, /var file broken\.vars\.hcl has syntax errors/);
  client.close(uri);
});

test('a var file that already sets the new name: refused, naming the file', async () => {
  const { uri, reply } = await renameIn({ 'prod.vars.hcl': 'image_tag = "1.2"\nrelease = "x"\n' });
  await assert.rejects(reply, /var file prod\.vars\.hcl already sets "release"/);
  client.close(uri);
});

test('a var file shared with another job of the folder that declares the same variable: refused, naming both', async () => {
  const { uri, reply } = await renameIn({ 'prod.vars.hcl': 'image_tag = "1.2"\n', 'api.nomad.hcl': 'variable "image_tag" {}\njob "api" {}\n' });
  await assert.rejects(reply, /var file prod\.vars\.hcl sets "image_tag", and api\.nomad\.hcl in the same folder declares a variable "image_tag" too/);
  client.close(uri);
});

test('Find All References on a variable lists the lines of the var files beside the job that set it, as rename edits them', async () => {
  const prod = 'image_tag = "1.2"\nreplicas  = 3\n';
  const dev = '# development\nreplicas = 1\n\nimage_tag = "dev" # latest\n';
  // Harmless twins: a var file with a syntax error, a JSON one and a plain .hcl file add nothing (and break nothing).
  const { dir, uri } = await renameIn({ 'prod.vars.hcl': prod, 'dev.nomad.vars': dev, 'broken.vars.hcl': 'image_tag = = 1\n', 'ci.vars.json': '{"image_tag": "ci"}', 'notes.hcl': 'image_tag = "x"\n' });
  const at = (file: string) => pathToFileURL(path.join(dir, file)).toString();
  const refs = await client.request<Array<{ uri: string; range: Range }>>('textDocument/references', { textDocument: { uri }, position: positionOf(JOB, 'var.image_tag', 6), context: { includeDeclaration: true } });
  const elsewhere = refs.filter((r) => r.uri !== uri);
  assert.deepEqual(elsewhere, [
    { uri: at('dev.nomad.vars'), range: range(3, 0, 9) },
    { uri: at('prod.vars.hcl'), range: range(0, 0, 9) },
  ]);
  assert.deepEqual(refs.filter((r) => r.uri === uri).map((r) => r.range.start.line), [0, 15], 'the declaration and the use in the job');
  // Another variable: the lines that set it, in the same files.
  const replicas = await client.request<Array<{ uri: string }>>('textDocument/references', { textDocument: { uri }, position: positionOf(JOB, 'var.replicas', 6), context: { includeDeclaration: false } });
  assert.deepEqual(replicas.map((r) => r.uri).sort(), [uri, at('dev.nomad.vars'), at('prod.vars.hcl')].sort());
});

test('attack: a var file that is a link to a file outside the folder is never read through (the rename is refused naming it), nor a FIFO waited on', async () => {
  // The link's target sets the variable: following it would edit (and read) a file outside the job's folder.
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-outside-'));
  dirs.push(outside);
  const target = path.join(outside, 'secrets.hcl');
  fs.writeFileSync(target, 'image_tag = "from-outside"\n');
  const linked = await renameIn({}, 'release', (dir) => fs.symlinkSync(target, path.join(dir, 'prod.vars.hcl')));
  await assert.rejects(linked.reply, /var file prod\.vars\.hcl next to this job cannot be read, is a link/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'image_tag = "from-outside"\n', 'the file outside is untouched');
  const refs = await client.request<Array<{ uri: string }>>('textDocument/references', { textDocument: { uri: linked.uri }, position: positionOf(JOB, 'var.image_tag', 6), context: { includeDeclaration: false } });
  assert.deepEqual(refs.map((r) => r.uri), [linked.uri], 'references do not read through the link either');
  client.close(linked.uri);
  // A FIFO where a var file is expected: reading it would hang the server. It is not a file to edit: the
  // rename answers, in the job only.
  const fifo = await renameIn({}, 'release', (dir) => execFileSync('mkfifo', [path.join(dir, 'stage.vars.hcl')]));
  assert.deepEqual(Object.keys((await fifo.reply).changes!), [fifo.uri]);
  client.close(fifo.uri);
  // The twin: the same line in a plain var file is renamed (first test above).
});
