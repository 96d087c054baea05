// Document links and workspace symbols through `nomad-exec lsp --stdio`, on real files in a temporary
// workspace folder: artifact and template sources, file() paths, each block's documentation page; symbols of
// every job file of the folder, indexed in the background, and of documents opened later.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentLink, SymbolInformation } from 'vscode-languageserver-types';
import { LspClient } from './helpers/lspClient';
import { SNIPPET_CAPABILITIES, positionOf } from './helpers/featureClient';

let dir: string;
let client: LspClient;

const API_JOB = `variable "api_image" {
  default = "api:1"
}

job "api" {
  group "backend" {
    network {
      port "grpc" {}
    }
    task "api-server" {
      driver = "exec"
      config {
        command = "/bin/api"
        args    = ["\${NOMAD_PORT_grpc}", var.api_image]
      }
    }
  }
}
`;

const WEB_JOB = `job "web" {
  group "front" {
    task "nginx" {
      driver = "exec"
      config {
        command = "/bin/nginx"
        args    = [file("conf/nginx.conf")]
      }
      artifact {
        source      = "https://example.com/releases/web.tar.gz?archive=tar.gz&checksum=sha256:abc"
        destination = "local/"
      }
      artifact {
        source = "git::https://github.com/example/site//public?ref=v1"
      }
      template {
        source      = "conf/page.tpl"
        destination = "local/page.html"
      }
      template {
        source      = "conf/missing.tpl"
        destination = "local/other.html"
      }
    }
  }
}
`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-ws-'));
  fs.mkdirSync(path.join(dir, 'jobs', 'api'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'jobs', 'api', 'api.nomad.hcl'), API_JOB);
  fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'skipped.nomad.hcl'), 'job "skipped" {}\n');
  fs.writeFileSync(path.join(dir, 'notes.hcl'), 'job "not-a-job-file" {}\n');
  fs.writeFileSync(path.join(dir, 'conf', 'nginx.conf'), 'events {}\n');
  fs.writeFileSync(path.join(dir, 'conf', 'page.tpl'), '<p>{{ env "NOMAD_TASK_NAME" }}</p>\n');
  client = await LspClient.start({ capabilities: SNIPPET_CAPABILITIES, workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }] });
});

after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('document links: artifact addresses, template sources and file() paths next to the job, block documentation', async () => {
  const uri = pathToFileURL(path.join(dir, 'web.nomad.hcl')).toString();
  client.open(uri, WEB_JOB);
  await client.diagnostics(uri, 1);
  const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
  const byStart = (needle: string, delta: number) => links.find((l) => l.range.start.line === positionOf(WEB_JOB, needle, delta).line && l.range.start.character === positionOf(WEB_JOB, needle, delta).character);
  assert.equal(byStart('https://example.com', 0)?.target, 'https://example.com/releases/web.tar.gz');
  assert.equal(byStart('git::https', 0)?.target, 'https://github.com/example/site');
  assert.equal(byStart('conf/page.tpl', 0)?.target, pathToFileURL(path.join(dir, 'conf', 'page.tpl')).toString());
  assert.equal(byStart('conf/nginx.conf', 0)?.target, pathToFileURL(path.join(dir, 'conf', 'nginx.conf')).toString());
  assert.equal(byStart('conf/missing.tpl', 0), undefined, 'no link to a file that does not exist');
  assert.equal(byStart('artifact {', 0)?.target, 'https://developer.hashicorp.com/nomad/docs/job-specification/artifact');
  assert.equal(byStart('job "web"', 0)?.target, 'https://developer.hashicorp.com/nomad/docs/job-specification/job');
});

test('workspace symbols: files of the folder (not node_modules, not other .hcl files) and open documents', async () => {
  await client.waitForLog((m) => /workspace symbols: \d+ files indexed/.test(m));
  const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'api' });
  const apiUri = pathToFileURL(path.join(dir, 'jobs', 'api', 'api.nomad.hcl')).toString();
  const names = found.map((s) => `${s.name}@${path.basename(s.location.uri)}`).sort();
  assert.deepEqual(names, ['api-server@api.nomad.hcl', 'api@api.nomad.hcl', 'api_image@api.nomad.hcl']);
  const task = found.find((s) => s.name === 'api-server')!;
  assert.equal(task.location.uri, apiUri);
  assert.deepEqual(task.location.range.start, positionOf(API_JOB, 'api-server'));
  assert.equal(task.containerName, 'backend');
  assert.deepEqual(await client.request<SymbolInformation[]>('workspace/symbol', { query: 'skipped' }), []);
  assert.deepEqual(await client.request<SymbolInformation[]>('workspace/symbol', { query: 'not-a-job' }), []);
  // A document opened later (not on disk) is found too, and a port label by a subsequence of its name.
  const other = pathToFileURL(path.join(dir, 'scratch.nomad.hcl')).toString();
  client.open(other, 'job "cache" {\n  group "redis" {\n    network {\n      port "redis_main" {}\n    }\n  }\n}\n');
  await client.diagnostics(other, 1);
  const redis = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'rdsmain' });
  assert.deepEqual(redis.map((s) => [s.name, s.containerName, s.location.uri]), [['redis_main', 'redis', other]]);
});
