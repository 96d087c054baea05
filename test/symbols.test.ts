// Outline, folding and semantic tokens through `nomad-exec lsp --stdio`.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSymbol, FoldingRange, SemanticTokens } from 'vscode-languageserver-types';
import { LEGEND } from '../server/src/features/semanticTokens';
import type { LspClient } from './helpers/lspClient';
import { openDoc } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

const JOB = `variable "region" {
  default = "global"
}
variable "driver" {
  type = string
}

locals {
  name = "web"
}

# Two groups, one with two tasks,
# and a task written straight under the job.
job "web" {
  group "frontend" {
    task "server" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args = [
          "-c",
          "echo \${NOMAD_TASK_DIR} \${var.region}",
        ]
      }
    }
    task "logs" {
      driver = "raw_exec"
    }
  }
  group "backend" {
    task "db" {
      driver = var.driver
      template {
        data = <<EOF
line one
line two
EOF
      }
    }
  }
  task "solo" {
    driver = "exec"
  }
}
`;

let client: LspClient;
let uri: string;
serverPerFile(async (started) => {
  client = started;
  uri = (await openDoc(client, JOB, 'symbols')).uri;
});

test('document symbols: variables and locals, then job > group > task with the driver as detail', async () => {
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const outline = symbols.map((s) => ({
    name: s.name,
    detail: s.detail,
    children: (s.children ?? []).map((g) => ({ name: g.name, detail: g.detail, children: (g.children ?? []).map((t) => `${t.name}:${t.detail}`) })),
  }));
  assert.deepEqual(outline, [
    { name: 'region', detail: 'variable', children: [] },
    { name: 'driver', detail: 'variable', children: [] },
    { name: 'name', detail: 'local', children: [] },
    {
      name: 'web',
      detail: 'job',
      children: [
        { name: 'frontend', detail: 'group', children: ['server:exec', 'logs:raw_exec'] },
        { name: 'backend', detail: 'group', children: ['db:driver not known'] },
        { name: 'solo', detail: 'exec', children: [] },
      ],
    },
  ]);
  const job = symbols[3];
  assert.equal(job.range.start.line, 13);
  assert.equal(job.selectionRange.start.line, 13);
  assert.equal(job.selectionRange.start.character, 4, 'the selection is the job label');
});

test('document symbols of a half-typed file: what can be understood', async () => {
  const { uri: broken } = await openDoc(client, 'job "web" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        cap_add = ["', 'symbols-broken');
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: broken } });
  assert.equal(symbols[0]?.name, 'web');
});

test('folding ranges: blocks, lists, heredocs and comment runs; closing brackets stay visible', async () => {
  const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  const has = (startLine: number, endLine: number, kind?: string) =>
    ranges.some((r) => r.startLine === startLine && r.endLine === endLine && (kind === undefined || r.kind === kind));
  assert.ok(has(0, 1), 'variable block');
  assert.ok(has(11, 12, 'comment'), 'comment run');
  assert.ok(has(13, 42), 'job block up to the line before its }');
  assert.ok(has(17, 22), 'config block');
  assert.ok(has(19, 21), 'args list');
  assert.ok(has(33, 35), 'heredoc body, closing marker visible');
});

test('semantic tokens: block types, labels, attribute names and references in interpolations', async () => {
  const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.equal(tokens.data.length % 5, 0);
  const decoded: Array<{ line: number; char: number; text: string; type: string; modifiers: string[] }> = [];
  const lines = JOB.split('\n');
  let line = 0;
  let char = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, dc, length, type, mods] = tokens.data.slice(i, i + 5);
    line += dl;
    char = dl === 0 ? char + dc : dc;
    decoded.push({
      line,
      char,
      text: lines[line].slice(char, char + length),
      type: LEGEND.tokenTypes[type],
      modifiers: LEGEND.tokenModifiers.filter((_, bit) => mods & (1 << bit)),
    });
  }
  const find = (text: string, type: string) => decoded.find((t) => t.text === text && t.type === type);
  assert.ok(find('job', 'type'));
  assert.ok(find('group', 'type'));
  assert.ok(find('"frontend"', 'class'));
  assert.ok(find('driver', 'property'));
  assert.ok(find('command', 'property'));
  assert.ok(find('name', 'variable'), 'a local is declared');
  const taskDir = find('NOMAD_TASK_DIR', 'variable');
  assert.ok(taskDir);
  assert.deepEqual(taskDir.modifiers, ['readonly', 'defaultLibrary']);
  assert.ok(find('var', 'namespace'));
  assert.ok(find('region', 'variable'));
  // Tokens come in document order without overlaps.
  for (let i = 1; i < decoded.length; i++) {
    const a = decoded[i - 1];
    const b = decoded[i];
    assert.ok(b.line > a.line || (b.line === a.line && b.char >= a.char + a.text.length), `token ${i} in order`);
  }
});
