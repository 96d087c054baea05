// Template text over the real stdio language server: diagnostics published at the exact place, hover on
// functions and env names, completion of functions after `{{ ` and `| ` and of env names inside `env "`.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Hover, Position, SemanticTokens } from 'vscode-languageserver-types';
import { LEGEND } from '../server/src/features/semanticTokens';
import { LspClient, testUri } from './helpers/lspClient';
import { execJob } from './helpers/diagnose';

const JOB = execJob({
  task: `      env {
        APP_MODE = "prod"
      }
      template {
        destination = "local/app.conf"
        data        = <<-EOT
          mode = {{ env "APP_MODE" }}
          dir  = {{ env "NOMAD_TASK_DIR" }}
          key  = {{ key "app/config" | toUpper }}
          bad  = {{ evn "HOME" }}
          pipe = {{ "x" | toLower }}
        EOT
      }`,
});

function positionOf(text: string, needle: string, delta = 0): Position {
  const at = text.indexOf(needle) + delta;
  assert.ok(at >= delta, needle);
  const before = text.slice(0, at);
  return { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
}

test('template text over stdio: diagnostics, hover and completion', async (t) => {
  const client = await LspClient.start();
  try {
    const uri = testUri('template-lsp.nomad.hcl');
    client.open(uri, JOB);
    const published = await client.diagnostics(uri);
    const unknown = published.diagnostics.filter((d) => d.code === 'unknown-template-function');
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0].range.start, positionOf(JOB, 'evn'));
    assert.match(unknown[0].message, /did you mean "env"/);
    assert.deepEqual(published.diagnostics.filter((d) => String(d.code).startsWith('template-')).map((d) => d.code), []);

    await t.test('hover on a local function: signature, doc and that a local run renders it', async () => {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(JOB, 'toUpper', 2) });
      const value = (hover.contents as { value: string }).value;
      assert.match(value, /toUpper text -> string/);
      assert.match(value, /A local run renders it/);
      assert.deepEqual(hover.range?.start, positionOf(JOB, 'toUpper'));
    });

    await t.test('hover on a Consul function says a local run cannot render it', async () => {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(JOB, 'key "app', 1) });
      assert.match((hover.contents as { value: string }).value, /Needs a Consul server/);
    });

    await t.test('hover on env "NAME" gives its value at render time when known', async () => {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(JOB, 'NOMAD_TASK_DIR"', 3) });
      const value = (hover.contents as { value: string }).value;
      assert.match(value, /NOMAD_TASK_DIR/);
      assert.match(value, /\/local/);
    });

    await t.test('completion after | lists template functions', async () => {
      const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(JOB, '"x" | ', 6) });
      const labels = list.items.map((i) => i.label);
      assert.ok(labels.includes('toUpper') && labels.includes('env') && labels.includes('secret'), labels.join(','));
      assert.ok(!labels.includes('job'), 'no jobspec blocks inside template text');
    });

    await t.test('completion inside env " lists the task environment, NOMAD_* and the env block', async () => {
      client.change(uri, [{ range: { start: positionOf(JOB, '"x" | ', 6), end: positionOf(JOB, '"x" | ', 6) }, text: 'env "' }]);
      const edited = JOB.replace('"x" | ', '"x" | env "');
      const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(edited, '| env "', 7) });
      const labels = list.items.map((i) => i.label);
      assert.ok(labels.includes('APP_MODE'), labels.join(','));
      assert.ok(labels.includes('NOMAD_ALLOC_ID'), labels.join(','));
    });
  } finally {
    await client.stop();
  }
});

test('template-source-missing follows the disk: a source created after opening goes without an edit, a deleted one comes back when the editor says so', { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-watch-'));
  const client = await LspClient.start();
  try {
    // Two groups: the edit below touches the other group, so the template's group result is remembered.
    const job = `job "web" {
  datacenters = ["dc1"]
  group "app" {
    task "server" {
      driver = "exec"
      config {
        command = "/bin/sleep"
      }
      template {
        source      = "app.tpl"
        destination = "local/app.conf"
      }
      template {
        source      = "still-missing.tpl"
        destination = "local/other.conf"
      }
    }
  }
  group "other" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/sleep"
      }
    }
  }
}
`;
    const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
    client.open(uri, job);
    const missing = (p: { diagnostics: { code?: unknown; range: { start: Position } }[] }): Position[] => p.diagnostics.filter((d) => d.code === 'template-source-missing').map((d) => d.range.start);
    assert.deepEqual(missing(await client.diagnostics(uri, 1)), [positionOf(job, '"app.tpl"'), positionOf(job, '"still-missing.tpl"')]);
    // Created after opening, and the editor does not say so (a file its watchers miss): the server looks at
    // the missing paths between requests, and the finding goes without an edit.
    const created = client.nextPublication(uri, (p) => missing(p).length === 1);
    fs.writeFileSync(path.join(dir, 'app.tpl'), 'x = 1\n');
    // The twin: a source that is still missing stays reported.
    assert.deepEqual(missing(await created), [positionOf(job, '"still-missing.tpl"')]);
    // An edit elsewhere: the template's group is not checked from scratch (its result is remembered), and
    // what its check read from the disk stands.
    const edited = client.insert(uri, positionOf(job, 'command = "/bin/sleep"\n      }\n    }\n  }\n}'), ' ');
    assert.deepEqual(missing(await client.diagnostics(uri, edited)), [positionOf(job, '"still-missing.tpl"')]);
    // Deleted, and the editor says so (didChangeWatchedFiles): reported again without any edit.
    fs.rmSync(path.join(dir, 'app.tpl'));
    const next = client.nextPublication(uri);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'app.tpl')).href, type: 3 }] });
    assert.deepEqual(missing(await next), [positionOf(job, '"app.tpl"'), positionOf(job, '"still-missing.tpl"')]);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Semantic tokens decoded to the text they cover. */
function decodeTokens(text: string, data: number[]): { text: string; type: string; line: number; char: number }[] {
  const lines = text.split('\n');
  const out: { text: string; type: string; line: number; char: number }[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, length, type] = data.slice(i, i + 4);
    line += dl;
    char = dl === 0 ? char + dc : dc;
    out.push({ text: lines[line].slice(char, char + length), type: LEGEND.tokenTypes[type], line, char });
  }
  return out;
}

test('semantic tokens tell template actions from literal text, in a heredoc and in a quoted string', async () => {
  const job = execJob({
    task: `      template {
        destination = "local/app.conf"
        data        = <<-EOT
          listen {{ env "NOMAD_PORT_http" | toUpper }}
          {{- range $i, $s := service "db" }}
          db{{ $i }} = {{ .Address }}:{{ .Port }} {{/* note */}}
          {{ end -}}
          plain text if range end
        EOT
      }
      template {
        destination = "local/q.conf"
        data        = "x {{ if eq (env \\"A\\") \\"1\\" }}one{{ else }}\${NOMAD_TASK_DIR}{{ end }} literal"
      }`,
  });
  const client = await LspClient.start();
  try {
    const uri = testUri('template-tokens.nomad.hcl');
    client.open(uri, job);
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const decoded = decodeTokens(job, tokens.data);
    const has = (text: string, type: string, near: string): void => {
      const at = positionOf(job, near);
      assert.ok(
        decoded.some((t) => t.text === text && t.type === type && t.line === at.line),
        `${text} as ${type} on the line of ${near}: ${JSON.stringify(decoded.filter((t) => t.line === at.line))}`,
      );
    };
    has('{{', 'macro', 'listen {{');
    has('env', 'function', 'listen {{');
    has('"NOMAD_PORT_http"', 'string', 'listen {{');
    has('|', 'operator', 'listen {{');
    has('toUpper', 'function', 'listen {{');
    has('}}', 'macro', 'listen {{');
    has('{{-', 'macro', '{{- range');
    has('range', 'keyword', '{{- range');
    has('$i', 'variable', '{{- range');
    has(':=', 'operator', '{{- range');
    has('service', 'function', '{{- range');
    has('.Address', 'property', 'db{{');
    has('.Port', 'property', 'db{{');
    has('{{/* note */}}', 'comment', 'db{{');
    has('end', 'keyword', '{{ end -}}');
    has('-}}', 'macro', '{{ end -}}');
    // Quoted string: escaped quotes belong to the string token, keywords and parentheses read as in a heredoc.
    has('if', 'keyword', 'x {{ if');
    has('eq', 'function', 'x {{ if');
    has('\\"A\\"', 'string', 'x {{ if');
    has('else', 'keyword', 'x {{ if');
    // The HCL interpolation keeps its own token.
    has('NOMAD_TASK_DIR', 'variable', 'x {{ if');
    // The clean twin: literal output text has no template tokens, even words that are keywords in an action.
    const plain = positionOf(job, 'plain text');
    assert.deepEqual(decoded.filter((t) => t.line === plain.line), []);
    const quoted = positionOf(job, 'x {{ if');
    const literal = decoded.filter((t) => t.line === quoted.line && ['one', ' literal', 'x ', 'literal'].includes(t.text));
    assert.deepEqual(literal, []);
    for (let i = 1; i < decoded.length; i++) {
      const a = decoded[i - 1];
      const b = decoded[i];
      assert.ok(b.line > a.line || (b.line === a.line && b.char >= a.char + a.text.length), `token ${i} in order without overlap`);
    }
  } finally {
    await client.stop();
  }
});

test('hover on fields where the call that made the value is known: range service, nomadService, ls, nodes, with secret, variables', async () => {
  const job = execJob({
    task: `      template {
        destination = "local/fields.conf"
        data        = <<-EOT
          {{ range service "db" }}db = {{ .Address }}:{{ .Port }} {{ .ServiceMeta.role }}{{ end }}
          {{ range $i, $s := nomadService "api" }}{{ $s.AllocID }}{{ end }}
          {{ range ls "app/config" }}{{ .Key }}={{ .Value }}{{ end }}
          {{ range nodes }}{{ .Datacenter }}{{ end }}
          {{ with secret "kv/data/db" }}{{ .Data.data.password }} {{ .LeaseDuration }}{{ end }}
          {{ $cert := pkiCert "pki/issue/web" "common_name=web" }}{{ $cert.Cert }}
          {{ with env "X" }}{{ .Whatever }}{{ end }}
          {{ range service "db" }}{{ if .Tags }}{{ .Tags }}{{ end }}{{ else }}{{ .Address }}{{ end }}
        EOT
      }`,
  });
  const client = await LspClient.start();
  try {
    const uri = testUri('template-fields.nomad.hcl');
    client.open(uri, job);
    await client.diagnostics(uri);
    const hover = async (needle: string, delta = 1, nth = 0): Promise<Hover | null> => {
      let at = -1;
      for (let i = 0; i <= nth; i++) at = job.indexOf(needle, at + 1);
      assert.ok(at >= 0, needle);
      const before = job.slice(0, at + delta);
      const position = { line: before.split('\n').length - 1, character: at + delta - (before.lastIndexOf('\n') + 1) };
      return client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    };
    const text = (h: Hover | null): string => (h ? (h.contents as { value: string }).value : '');
    const port = await hover('.Port');
    assert.match(text(port), /\.Port: int/);
    assert.match(text(port), /healthy instance of the Consul service \(`service "db"`\)/);
    assert.deepEqual(port?.range, { start: positionOf(job, '.Port', 1), end: positionOf(job, '.Port', 5) });
    assert.match(text(await hover('.Address')), /\.Address: string/);
    assert.match(text(await hover('.ServiceMeta')), /ServiceMeta: map/);
    assert.match(text(await hover('$s.AllocID', 4)), /\$s\.AllocID: string[\s\S]*`nomadService "api"`/);
    assert.match(text(await hover('.Key')), /relative to the prefix/);
    assert.match(text(await hover('.Datacenter')), /node in the Consul catalog/);
    // Hover on `data` of `.Data.data.password`: the KV v2 level, with its fields listed.
    const data = await hover('.Data.data', 7);
    assert.match(text(data), /\.Data\.data: map[\s\S]*KV version 2/);
    assert.match(text(await hover('.Data.data', 2)), /Its fields: `\.data`, `\.metadata`/);
    assert.match(text(await hover('.LeaseDuration')), /Seconds the lease lasts/);
    assert.match(text(await hover('$cert.Cert', 7)), /PKI certificate/);
    assert.match(text(await hover('.Tags', 1, 1)), /\.Tags: list/, 'inside if, dot is still the entry');
    // The twins: a value of unknown origin, and dot in range's else branch (the outer dot), give nothing.
    assert.equal(await hover('.Whatever'), null);
    assert.equal(await hover('.Address', 1, 1), null);
  } finally {
    await client.stop();
  }
});
