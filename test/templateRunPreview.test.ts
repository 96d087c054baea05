// The template preview is what a local run writes: the same job rendered through workspace/executeCommand
// (the editor's preview), through `nomad-exec render`, and by `nomad-exec run` into the task dir at the
// template's destination, compared byte for byte.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, REPO_ROOT } from './helpers/lspClient';
import { skipWithoutLauncher } from './helpers/jobRun';

const JOB = `variable "greeting" {
  default = "hello"
}

job "render" {
  datacenters = ["dc1"]
  group "web" {
    task "app" {
      driver = "exec"
      config {
        command = "/bin/true"
      }
      env {
        APP_MODE = "prod"
      }
      template {
        destination = "local/app.conf"
        data        = <<-EOT
          # \${var.greeting} from {{ env "NOMAD_JOB_NAME" }}/{{ env "NOMAD_GROUP_NAME" }}/{{ env "NOMAD_TASK_NAME" }}
          mode = {{ env "APP_MODE" | toUpper }}
          dir  = {{ env "NOMAD_TASK_DIR" }}
          {{- range $i, $n := loop 3 }}
          item{{ $i }} = {{ printf "%03d" $n }}
          {{- end }}
          json = {{ "{\\"a\\": [1, 2]}" | parseJSON | toJSON }}
          shell = $\${HOME} and %%{ literal }
          unicode = "ünïcödé → ✓"
          {{ if eq (env "APP_MODE") "prod" }}production{{ else }}other{{ end }}
        EOT
      }
      template {
        destination = "local/two.txt"
        data        = "a\\tb {{ \\"q\\" | toUpper }}\\n"
      }
    }
  }
}
`;

test('preview (executeCommand and render) is byte for byte what nomad-exec run writes into the task dir', skipWithoutLauncher(), async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-run-'));
  const client = await LspClient.start();
  try {
    const job = path.join(dir, 'job.nomad.hcl');
    fs.writeFileSync(job, JOB);
    const cli = path.join(REPO_ROOT, 'bin', 'nomad-exec');
    const allocDir = path.join(dir, 'alloc');
    const run = spawnSync(process.execPath, [cli, 'run', job, '--alloc-dir', allocDir], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const uri = pathToFileURL(job).href;
    client.open(uri, JOB);
    await client.diagnostics(uri, 1);
    for (const [index, destination] of [[1, 'local/app.conf'], [2, 'local/two.txt']] as const) {
      const written = fs.readFileSync(path.join(allocDir, 'app', destination));
      const preview = await client.request<{ text: string; placeholders: string[] }>('workspace/executeCommand', { command: 'nomadExec.previewTemplate', arguments: [{ uri, task: 'web/app', template: index }] });
      assert.deepEqual(preview.placeholders, []);
      assert.ok(Buffer.from(preview.text, 'utf8').equals(written), `template ${index}, executeCommand:\n${preview.text}\n---\n${written.toString()}`);
      const rendered = spawnSync(process.execPath, [cli, 'render', job, '--task', 'web/app', '--template', String(index)]);
      assert.equal(rendered.status, 0, rendered.stderr.toString());
      assert.ok(rendered.stdout.equals(written), `template ${index}, render:\n${rendered.stdout.toString()}\n---\n${written.toString()}`);
    }
    // Not an empty comparison: the file holds what the template computes.
    assert.match(fs.readFileSync(path.join(allocDir, 'app', 'local/app.conf'), 'utf8'), /^# hello from render\/web\/app\nmode = PROD\n/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
