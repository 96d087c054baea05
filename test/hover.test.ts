// Hover through `nomad-exec lsp --stdio`: blocks, attributes, values, capabilities with the task's resulting
// set, runtime names inside interpolations, input variables and locals, and broken documents.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, Position } from 'vscode-languageserver-types';
import { EXEC } from '../server/src/schema/drivers';
import { COMMON_ATTRIBUTES, NOMAD_VARIABLES } from '../server/src/schema/runtime';
import { SIGNALS } from '../server/src/schema/signals';
import type { LspClient } from './helpers/lspClient';
import { openDoc, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';

const JOB = `variable "image_tag" {
  type        = string
  default     = "1.2"
  description = "Which build to run"
}

locals {
  data_dir = "/alloc/data"
}

job "web" {
  type = "service"
  group "app" {
    network {
      port "http" {}
    }
    task "server" {
      driver      = "exec"
      kill_signal = "SIGTERM"
      config {
        command  = "/bin/sh"
        args     = ["-c", "run \${NOMAD_TASK_DIR} \${NOMAD_ALLOC_ID} \${attr.kernel.name} \${env["HOME"]} \${var.image_tag} \${local.data_dir}"]
        pid_mode = "private"
        cap_drop = ["all"]
        cap_add  = ["chown"]
      }
    }
  }
}
`;

let client: LspClient;
let uri: string;
serverPerFile(async (started) => {
  client = started;
  uri = (await openDoc(client, JOB, 'hover')).uri;
});

async function hoverText(position: Position, at = uri): Promise<string> {
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: at }, position });
  if (!hover) return '';
  const contents = hover.contents as { kind: string; value: string };
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

const at = (needle: string, delta = 1, n = 0) => positionOf(JOB, needle, delta, n);

test('an attribute: what it does, type, default, allowed values, documentation link', async () => {
  const text = await hoverText(at('pid_mode'));
  assert.match(text, /`pid_mode`/);
  assert.match(text, /Type: `string`/);
  assert.match(text, /Default: /);
  assert.match(text, /Allowed values:/);
  for (const value of EXEC.config.attributes.pid_mode.values!.filter((v) => v.value)) assert.ok(text.includes(value.doc), value.value);
  assert.match(text, /https:\/\/developer\.hashicorp\.com\/nomad\/docs\/drivers\/exec/);
});

test('a block: its documentation page and, for a task, the driver', async () => {
  const text = await hoverText(at('task "server"'));
  assert.match(text, /`task`/);
  assert.match(text, /https:\/\/developer\.hashicorp\.com\/nomad\/docs\/job-specification\/task/);
  assert.match(text, /Driver: `exec`/);
  const job = await hoverText(at('job "web"'));
  assert.match(job, /job-specification\/job/);
});

test('an allowed value explains what choosing it means', async () => {
  const text = await hoverText(at('"private"', 2));
  const doc = EXEC.config.attributes.pid_mode.values!.find((v) => v.value === 'private')!.doc;
  assert.ok(text.includes(doc));
  assert.ok(!text.includes(EXEC.config.attributes.pid_mode.values!.find((v) => v.value === 'host')!.doc));
  const type = await hoverText(at('"service"', 2));
  assert.match(type, /"service"/);
  const signal = await hoverText(at('"SIGTERM"', 2));
  assert.ok(signal.includes(SIGNALS.find((s) => s.name === 'SIGTERM')!.doc));
  const driver = await hoverText(at('"exec"', 2));
  assert.match(driver, /Driver `exec`/);
});

test('cap_add shows the task capability set computed as the exec driver does', async () => {
  const text = await hoverText(at('cap_add'));
  assert.match(text, /Capabilities of task `server`/);
  // cap_drop = ["all"] empties the set, cap_add = ["chown"] adds exactly chown back.
  assert.match(text, /\*\*Result \(1\):\*\* `chown`/);
  const drop = await hoverText(at('cap_drop'));
  assert.match(drop, /\*\*Result \(1\):\*\* `chown`/);
});

test('a capability name: what it permits, default set and allow_caps', async () => {
  const text = await hoverText(at('"chown"', 2));
  assert.match(text, /CAP_CHOWN/);
  assert.match(text, /default set: yes/);
  assert.match(text, /In allow_caps \(Nomad default\): yes/);
});

test('capability hover follows the configured allow_caps', async () => {
  const job = JOB.replace('cap_drop = ["all"]', 'cap_drop = []').replace('cap_add  = ["chown"]', 'cap_add  = ["net_raw"]');
  const { uri: other } = await openDoc(client, job, 'hover-caps');
  let text = await hoverText(positionOf(job, '"net_raw"', 2), other);
  assert.match(text, /default set: no/);
  assert.match(text, /In allow_caps \(Nomad default\): no/);
  assert.match(await hoverText(positionOf(job, 'cap_add', 1), other), /Refused by allow_caps: `net_raw`/);

  client.changeConfiguration({ nomadExec: { allowCaps: ['chown', 'net_raw'] } });
  await client.diagnostics(other);
  text = await hoverText(positionOf(job, '"net_raw"', 2), other);
  assert.match(text, /In allow_caps \(.*\): yes/);
  // Default set within allow_caps (chown), nothing dropped, net_raw added.
  assert.match(await hoverText(positionOf(job, 'cap_add', 1), other), /\*\*Result \(2\):\*\* `chown`, `net_raw`/);
  client.changeConfiguration({ nomadExec: {} });
  await client.diagnostics(other);
});

test('interpolations: what the client puts there inside the task', async () => {
  const taskDir = await hoverText(at('NOMAD_TASK_DIR'));
  assert.match(taskDir, /Inside this exec task: `\/local`/);
  const allocId = await hoverText(at('NOMAD_ALLOC_ID'));
  assert.ok(allocId.includes(NOMAD_VARIABLES.find((v) => v.name === 'NOMAD_ALLOC_ID')!.doc));
  const kernel = await hoverText(at('attr.kernel.name', 6));
  assert.ok(kernel.includes(COMMON_ATTRIBUTES.find((v) => v.name === 'attr.kernel.name')!.doc));
  const env = await hoverText(at('env["HOME"]', 1));
  assert.match(env, /env\["HOME"\]/);
});

test('var.x and local.x: declaration, type, default, description', async () => {
  const variable = await hoverText(at('var.image_tag', 5));
  assert.match(variable, /`var\.image_tag`/);
  assert.match(variable, /Which build to run/);
  assert.match(variable, /Type: `string`/);
  assert.match(variable, /Default: `"1\.2"`/);
  assert.match(variable, /variable "image_tag"/);
  const local = await hoverText(at('local.data_dir', 7));
  assert.match(local, /`local\.data_dir`/);
  assert.match(local, /Value: `"\/alloc\/data"`/);
});

test('nothing to say: whitespace and unknown places return null', async () => {
  assert.equal(await hoverText({ line: 5, character: 0 }), '');
});

test('a half-typed document still answers, and the server stays up', async () => {
  const broken = 'job "x" {\n  type = "batch"\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        cap_add = ["';
  const { uri: other } = await openDoc(client, broken, 'hover-broken');
  const text = await hoverText(positionOf(broken, 'type', 1), other);
  assert.match(text, /`type`/);
  for (let line = 0; line < 7; line++) {
    for (let character = 0; character < 20; character += 3) await hoverText({ line, character }, other);
  }
  assert.ok(client.alive);
});

test('the settings of a dynamic block: for_each, iterator and labels', async () => {
  const dynamic = 'job "x" {\n  group "g" {\n    network {\n      dynamic "port" {\n        for_each = ["a"]\n        iterator = p\n        labels   = [p.value]\n        content {}\n      }\n    }\n  }\n}\n';
  const { uri: other } = await openDoc(client, dynamic, 'hover-dynamic');
  assert.equal(
    await hoverText(positionOf(dynamic, 'for_each', 1), other),
    '**`for_each`** — attribute of `dynamic`\n\nThe collection to repeat over: one block is generated per element (per key and value of a map).',
  );
  assert.match(await hoverText(positionOf(dynamic, 'iterator', 1), other), /^\*\*`iterator`\*\* — attribute of `dynamic`\n\nThe name of the current element inside `content`/);
  assert.match(await hoverText(positionOf(dynamic, 'labels', 1), other), /^\*\*`labels`\*\* — attribute of `dynamic`\n\nThe labels of each generated block/);
});
