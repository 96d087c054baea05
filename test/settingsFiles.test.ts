// Files a setting names (the agent config file, the template values file) are read off the server's thread,
// over real JSON-RPC (stdio). A FIFO named there, or the server's own stdin, must give a clear problem: a
// read of either waited for a writer that never came, or read the server's messages away from under it.
// The twins (plain files that are read) are in checks.test.ts and templatePreview.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, testUri } from './helpers/lspClient';
import { execJob } from './helpers/jobText';
import { within } from './helpers/within';

const JOB = execJob({
  task: `      template {
        destination = "local/app.conf"
        data        = "db = {{ key \\"app/db\\" }}"
      }
`,
});

test('a FIFO or the server\'s own stdin given as the agent config file and the template values is refused with a reason, and the server goes on', { skip: process.platform === 'win32' ? 'no FIFOs or /dev/stdin on Windows' : undefined }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-fifo-'));
  const fifo = path.join(dir, 'client.hcl');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  try {
    // Node connects a child's stdin with a socket, which cannot be opened by name (ENXIO); an editor may use a
    // pipe, which opens as a FIFO does. Either way a reason, and no read.
    for (const [what, file, reason] of [
      ['a FIFO', fifo, /not a plain file/],
      ["the server's own stdin", '/dev/stdin', /not a plain file|ENXIO/],
    ] as const) {
      // Pulled by the server once it is initialised (workspace/configuration).
      const client = await LspClient.start({ configuration: { nomadExec: { agentConfigFile: file, templateValues: file } } });
      try {
        const uri = testUri('settings-files.nomad.hcl');
        const published = await within(client.diagnostics(uri, client.open(uri, JOB)), 20_000, `${what}: no diagnostics`);
        const problems = published.diagnostics.filter((d) => d.code === 'settings-problem').map((d) => d.message);
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.ok(problems[0].startsWith(`cannot read agent config file ${file}: `), problems[0]);
        assert.match(problems[0], reason);
        const preview = await within(client.request<{ valuesProblem?: string; placeholders: string[] }>('workspace/executeCommand', { command: 'nomadExec.previewTemplate', arguments: [{ uri, template: 1 }] }), 20_000, `${what}: no preview`);
        assert.match(preview.valuesProblem ?? '', reason);
        assert.deepEqual(preview.placeholders, ['key "app/db"']);
      } finally {
        // A server stuck opening the FIFO (the attack working) is let go by a writer, so that it can stop.
        try {
          fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
        } catch {
          // No reader: nothing is stuck on it.
        }
        await client.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
