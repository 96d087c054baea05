// Navigating a job like code, through `nomad-exec lsp --stdio`: definition and declaration, references
// with and without the declaration, document highlights, prepareRename and rename (applied, then opened
// again: the same model with the new names), on a job with variables, locals, ports, volumes, meta,
// services and templates, with the exact ranges expected.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Diagnostic, DocumentHighlight, Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { applyEdits, openDoc, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';
import { corpusFile } from './helpers/corpus';

const JOB = `variable "image_tag" {
  default = "v12"
}

locals {
  name = "web-\${var.image_tag}"
}

job "web" {
  meta {
    team = "core"
  }

  group "app" {
    network {
      port "http" {}
      port "admin" {
        static = 9000
      }
    }

    volume "data" {
      type   = "host"
      source = "data"
    }

    service {
      name = local.name
      port = "http"

      check {
        type     = "http"
        port     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "server" {
      driver = "exec"

      config {
        command = "/bin/server"
        args    = ["--port", "\${NOMAD_PORT_http}", "--tag", var.image_tag, "--team", "\${NOMAD_META_team}", "\${NOMAD_META_TEAM}"]
      }

      volume_mount {
        volume      = "data"
        destination = "/data"
      }

      template {
        data        = <<EOF
ADMIN={{ env "NOMAD_ADDR_admin" }}
EOF
        destination = "local/env"
        env         = true
      }
    }
  }
}
`;

let client: LspClient;
let uri: string;
let initial: Diagnostic[];
serverPerFile(async (started) => {
  client = started;
  const opened = await openDoc(client, JOB, 'navigation');
  uri = opened.uri;
  initial = opened.diagnostics;
});

/** The range of the `n`th occurrence of `needle` in `text`, shifted by `from` characters and `length` long. */
function rangeOf(text: string, needle: string, n = 0, from = 0, length = needle.length - from): Range {
  const start = positionOf(text, needle, from, n);
  return { start, end: { line: start.line, character: start.character + length } };
}

function at(needle: string, delta = 0, n = 0): Position {
  return positionOf(JOB, needle, delta, n);
}

function sortRanges(ranges: Range[]): Range[] {
  return [...ranges].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
}

const request = <R>(method: string, position: Position, extra: Record<string, unknown> = {}, on = uri) =>
  client.request<R>(method, { textDocument: { uri: on }, position, ...extra });

// The names' own ranges.
const VAR_LABEL = rangeOf(JOB, '"image_tag"', 0, 1, 9);
const HTTP_LABEL = rangeOf(JOB, 'port "http"', 0, 6, 4);
const DATA_LABEL = rangeOf(JOB, 'volume "data"', 0, 8, 4);
const TEAM_KEY = rangeOf(JOB, 'team = "core"', 0, 0, 4);

test('the job opens without errors', () => {
  assert.deepEqual(initial.filter((d) => d.severity === 1), []);
});

test('definition of var.x inside an interpolation, and of var.x as a plain expression', async () => {
  const fromLocal = await request<Location[]>('textDocument/definition', at('var.image_tag', 6));
  assert.deepEqual(fromLocal, [{ uri, range: VAR_LABEL }]);
  const fromArgs = await request<Location[]>('textDocument/definition', at('var.image_tag', 5, 1));
  assert.deepEqual(fromArgs, [{ uri, range: VAR_LABEL }]);
  const declaration = await request<Location[]>('textDocument/declaration', at('var.image_tag', 5, 1));
  assert.deepEqual(declaration, [{ uri, range: VAR_LABEL }]);
});

test('definition of a local, a port label (by string and by NOMAD_PORT_<label>), a volume and a meta key', async () => {
  const local = await request<Location[]>('textDocument/definition', at('local.name', 7));
  assert.deepEqual(local, [{ uri, range: rangeOf(JOB, 'name = "web-', 0, 0, 4) }]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('port = "http"', 9)), [{ uri, range: HTTP_LABEL }]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('NOMAD_PORT_http', 12)), [{ uri, range: HTTP_LABEL }]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('volume      = "data"', 16)), [{ uri, range: DATA_LABEL }]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('NOMAD_META_team', 12)), [{ uri, range: TEAM_KEY }]);
  // The upper-cased form Nomad also sets names the same key.
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('NOMAD_META_TEAM', 12)), [{ uri, range: TEAM_KEY }]);
  // consul-template reading NOMAD_ADDR_admin in a heredoc still finds the label.
  assert.deepEqual(await request<Location[]>('textDocument/definition', at('NOMAD_ADDR_admin', 12)), [{ uri, range: rangeOf(JOB, 'port "admin"', 0, 6, 5) }]);
});

test('definition on something that is not a name answers null', async () => {
  assert.equal(await request('textDocument/definition', at('/bin/server', 2)), null);
});

test('references of a port label, with and without the declaration, include uses inside interpolations', async () => {
  const uses = [
    rangeOf(JOB, 'port = "http"', 0, 8, 4),
    rangeOf(JOB, 'port     = "http"', 0, 12, 4),
    rangeOf(JOB, 'NOMAD_PORT_http', 0, 11, 4),
  ];
  const withDeclaration = await request<Location[]>('textDocument/references', at('port "http"', 7), { context: { includeDeclaration: true } });
  assert.deepEqual(sortRanges(withDeclaration.map((l) => l.range)), sortRanges([HTTP_LABEL, ...uses]));
  assert.ok(withDeclaration.every((l) => l.uri === uri));
  const without = await request<Location[]>('textDocument/references', at('NOMAD_PORT_http', 13), { context: { includeDeclaration: false } });
  assert.deepEqual(sortRanges(without.map((l) => l.range)), sortRanges(uses));
});

test('references of a variable from its declaration', async () => {
  const found = await request<Location[]>('textDocument/references', at('"image_tag"', 3), { context: { includeDeclaration: false } });
  assert.deepEqual(sortRanges(found.map((l) => l.range)), [rangeOf(JOB, 'var.image_tag', 0, 4), rangeOf(JOB, 'var.image_tag', 1, 4)]);
});

test('document highlight: the declaration is written, the uses read', async () => {
  const highlights = await request<DocumentHighlight[]>('textDocument/documentHighlight', at('local.name', 8));
  assert.deepEqual(highlights, [
    { range: rangeOf(JOB, 'name = "web-', 0, 0, 4), kind: 3 },
    { range: rangeOf(JOB, 'local.name', 0, 6), kind: 2 },
  ]);
});

test('prepareRename gives the name under the cursor', async () => {
  const prepared = await request<{ range: Range; placeholder: string }>('textDocument/prepareRename', at('NOMAD_PORT_http', 12));
  assert.deepEqual(prepared, { range: rangeOf(JOB, 'NOMAD_PORT_http', 0, 11, 4), placeholder: 'http' });
});

test('rename of a port label changes the label, the service and check ports and NOMAD_PORT_<label>; the renamed job has the same model', async () => {
  const edit = await request<WorkspaceEdit>('textDocument/rename', at('port = "http"', 9), { newName: 'web' });
  const edits = edit.changes![uri];
  assert.equal(edits.length, 4);
  const renamed = applyEdits(JOB, edits);
  assert.equal(renamed, JOB.replace('port "http"', 'port "web"').replace('port = "http"', 'port = "web"').replace('port     = "http"', 'port     = "web"').replace('NOMAD_PORT_http', 'NOMAD_PORT_web'));
  const reopened = await openDoc(client, renamed, 'renamed');
  assert.deepEqual(reopened.diagnostics.map((d) => [d.code, d.range.start.line]), initial.map((d) => [d.code, d.range.start.line]));
  const definition = await request<Location[]>('textDocument/definition', positionOf(renamed, 'NOMAD_PORT_web', 12), {}, reopened.uri);
  assert.deepEqual(definition, [{ uri: reopened.uri, range: rangeOf(renamed, 'port "web"', 0, 6, 3) }]);
});

test('rename of a variable from a use renames the declaration and every use', async () => {
  const edit = await request<WorkspaceEdit>('textDocument/rename', at('var.image_tag', 6, 1), { newName: 'tag' });
  const renamed = applyEdits(JOB, edit.changes![uri]);
  assert.equal(renamed, JOB.replace('"image_tag"', '"tag"').split('var.image_tag').join('var.tag'));
});

test('rename of a meta key follows each written form of NOMAD_META_<key>', async () => {
  const edit = await request<WorkspaceEdit>('textDocument/rename', at('team = "core"', 1), { newName: 'squad' });
  const renamed = applyEdits(JOB, edit.changes![uri]);
  assert.equal(renamed, JOB.replace('team = "core"', 'squad = "core"').replace('NOMAD_META_team', 'NOMAD_META_squad').replace('NOMAD_META_TEAM', 'NOMAD_META_SQUAD'));
});

test('rename refuses a name that would break the derived environment names, and a clash', async () => {
  await assert.rejects(request('textDocument/rename', at('port "http"', 7), { newName: 'my-port' }), /not a valid port label name.*letters, digits and `_`/);
  await assert.rejects(request('textDocument/rename', at('port "http"', 7), { newName: 'admin' }), /already exists/);
  await assert.rejects(request('textDocument/rename', at('"image_tag"', 3), { newName: '1tag' }), /not a valid input variable name/);
});

test('rename refuses a label that a template reads as NOMAD_ADDR_<label>, naming the line', async () => {
  const line = positionOf(JOB, 'NOMAD_ADDR_admin').line + 1;
  await assert.rejects(request('textDocument/prepareRename', at('port "admin"', 7)), new RegExp(`text this file does not evaluate.*line ${line}.*NOMAD_ADDR_admin`));
  await assert.rejects(request('textDocument/rename', at('port "admin"', 7), { newName: 'ops' }), /Rename it there by hand first/);
});

test('rename on something nothing declares says so', async () => {
  const text = 'job "j" {\n  group "g" {\n    service {\n      port = "nope"\n    }\n  }\n}\n';
  const { uri: other } = await openDoc(client, text, 'undeclared');
  await assert.rejects(request('textDocument/prepareRename', positionOf(text, 'nope', 1), {}, other), /Nothing in this file declares the port label "nope"/);
});

test('NOMAD_ADDR_<task>_<label> of another task\'s own network: the label part goes to the port, the task part to the task', async () => {
  const text = `job "j" {
  group "g" {
    task "db" {
      driver = "exec"
      config {
        command = "/bin/db"
      }
      resources {
        network {
          port "pg" {}
        }
      }
    }
    task "app" {
      driver = "exec"
      config {
        command = "/bin/app"
        args    = ["\${NOMAD_ADDR_db_pg}"]
      }
    }
  }
}
`;
  const { uri: doc } = await openDoc(client, text, 'othertask');
  assert.deepEqual(await request<Location[]>('textDocument/definition', positionOf(text, 'NOMAD_ADDR_db_pg', 15), {}, doc), [{ uri: doc, range: rangeOf(text, 'port "pg"', 0, 6, 2) }]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', positionOf(text, 'NOMAD_ADDR_db_pg', 12), {}, doc), [{ uri: doc, range: rangeOf(text, 'task "db"', 0, 6, 2) }]);
  const edit = await request<WorkspaceEdit>('textDocument/rename', positionOf(text, 'task "db"', 7), { newName: 'postgres' }, doc);
  assert.equal(applyEdits(text, edit.changes![doc]), text.replace('task "db"', 'task "postgres"').replace('NOMAD_ADDR_db_pg', 'NOMAD_ADDR_postgres_pg'));
});

test('a real corpus job: an upstream destination name goes to the service of that name, a service port to its label', async () => {
  const file = corpusFile('exec', 'exec2__input__countdash');
  const text = fs.readFileSync(file, 'utf8');
  const { uri: doc } = await openDoc(client, text, 'countdash');
  const service = await request<Location[]>('textDocument/definition', positionOf(text, 'destination_name = "count-api"', 21), {}, doc);
  assert.deepEqual(service, [{ uri: doc, range: rangeOf(text, 'name = "count-api"', 0, 8, 9) }]);
  const port = await request<Location[]>('textDocument/definition', positionOf(text, 'port = "http"', 9), {}, doc);
  assert.deepEqual(port, [{ uri: doc, range: rangeOf(text, 'port "http"', 0, 6, 4) }]);
});

test('navigation in a half-typed file still answers', async () => {
  const text = JOB.replace('      volume_mount {', '      volume_mount {\n        volume = ').replace('    service {', '    servic');
  const { uri: doc } = await openDoc(client, text, 'broken');
  const found = await request<Location[]>('textDocument/definition', positionOf(text, 'var.image_tag', 6), {}, doc);
  assert.deepEqual(found, [{ uri: doc, range: VAR_LABEL }]);
});

test('a template destination in the shared alloc dir that another task reads: definition goes to the template, rename is refused', async () => {
  const text = `job "j" {
  group "g" {
    task "render" {
      driver = "exec"
      config {
        command = "/bin/true"
      }
      template {
        data        = "PORT=8080"
        destination = "\${NOMAD_ALLOC_DIR}/shared.env"
      }
    }
    task "app" {
      driver = "exec"
      config {
        command = "/bin/app"
        args    = ["--env-file", "/alloc/shared.env"]
      }
    }
  }
}
`;
  const { uri: doc } = await openDoc(client, text, 'sharedfile');
  const destination = rangeOf(text, '"\${NOMAD_ALLOC_DIR}/shared.env"');
  assert.deepEqual(await request<Location[]>('textDocument/definition', positionOf(text, '/alloc/shared.env', 3), {}, doc), [{ uri: doc, range: destination }]);
  const refs = await request<Location[]>('textDocument/references', positionOf(text, 'shared.env', 2), { context: { includeDeclaration: false } }, doc);
  assert.deepEqual(refs.map((l) => l.range), [rangeOf(text, '/alloc/shared.env')]);
  await assert.rejects(request('textDocument/prepareRename', positionOf(text, 'shared.env', 2), {}, doc), /template destination is a path other tasks read/);
});

test('a lifecycle sidecar is a task declaration with its hook', async () => {
  const { referenceIndex } = await import('../server/src/references/index');
  const { sharedParser } = await import('../server/src/parser/parser');
  const { buildModel } = await import('../server/src/model/build');
  const text = 'job "j" {\n  group "g" {\n    task "proxy" {\n      driver = "exec"\n      lifecycle {\n        hook    = "prestart"\n        sidecar = true\n      }\n    }\n  }\n}\n';
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    const task = referenceIndex(buildModel(tree, text).file).declarations.find((d) => d.kind === 'task');
    assert.deepEqual([task?.name, task?.detail], ['proxy', 'prestart sidecar']);
  } finally {
    tree.delete();
  }
});

test('a use in the text of an indented <<- heredoc has its exact range, and the cursor on it finds the label', async () => {
  const text = 'job "j" {\n  group "g" {\n    network {\n      port "http" {}\n    }\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/t"\n      }\n      template {\n        data        = <<-EOF\n          URL=http://{{ env "NOMAD_ADDR_http" }}/\n          EOF\n        destination = "local/url"\n      }\n    }\n  }\n}\n';
  const { uri: doc } = await openDoc(client, text, 'indented');
  const use = rangeOf(text, 'NOMAD_ADDR_http', 0, 11, 4);
  const refs = await request<Location[]>('textDocument/references', positionOf(text, 'port "http"', 7), { context: { includeDeclaration: false } }, doc);
  assert.deepEqual(refs.map((l) => l.range), [use]);
  assert.deepEqual(await request<Location[]>('textDocument/definition', { line: use.start.line, character: use.start.character + 1 }, {}, doc), [{ uri: doc, range: rangeOf(text, 'port "http"', 0, 6, 4) }]);
});

test('a use in heredoc text after a lone carriage return (a line end to the editor) has its exact range', async () => {
  // The text's lines were counted at \n only: after a lone \r every use of the heredoc was put on its first
  // line (found by the fuzz property that every name of the reference index is at its range).
  const text = 'job "j" {\n  group "g" {\n    network {\n      port "http" {}\n    }\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/t"\n      }\n      template {\n        data        = <<EOF\nfirst\rsecond\nPORT={{ env "NOMAD_PORT_http" }}\nEOF\n        destination = "local/url"\n      }\n    }\n  }\n}\n';
  const { uri: doc } = await openDoc(client, text, 'lonecr');
  const refs = await request<Location[]>('textDocument/references', positionOf(text, 'port "http"', 7), { context: { includeDeclaration: false } }, doc);
  assert.deepEqual(refs.map((l) => l.range), [{ start: { line: 14, character: 24 }, end: { line: 14, character: 28 } }]);
});

test('in a <<- heredoc whose closing marker is indented further than its text, a use still has its exact range', async () => {
  // `<<-` removes the indentation of the least indented line (here 4 spaces), whatever the closing marker's: the
  // ranges were once put where they would be had the marker's 10 spaces been removed, 6 columns to the right.
  const text = 'job "j" {\n  group "g" {\n    network {\n      port "http" {}\n    }\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/t"\n      }\n      template {\n        data        = <<-EOF\n    URL=http://{{ env "NOMAD_ADDR_http" }}/\n        PORT={{ env "NOMAD_PORT_http" }}\n          EOF\n        destination = "local/url"\n      }\n    }\n  }\n}\n';
  const { uri: doc } = await openDoc(client, text, 'indentedfurther');
  const uses = [rangeOf(text, 'NOMAD_ADDR_http', 0, 11, 4), rangeOf(text, 'NOMAD_PORT_http', 0, 11, 4)];
  const refs = await request<Location[]>('textDocument/references', positionOf(text, 'port "http"', 7), { context: { includeDeclaration: false } }, doc);
  assert.deepEqual(refs.map((l) => l.range), uses);
  for (const use of uses) assert.deepEqual(await request<Location[]>('textDocument/definition', { line: use.start.line, character: use.start.character + 1 }, {}, doc), [{ uri: doc, range: rangeOf(text, 'port "http"', 0, 6, 4) }]);
});
