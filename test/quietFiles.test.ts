// Quiet correct files (issue 18, part 2) over the real stdio language server: a correct exec job publishes no
// diagnostic at all, a command missing on this machine is still said (information), and hover on `command`
// tells where the command is found.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, Position } from 'vscode-languageserver-types';
import { LspClient, testUri } from './helpers/lspClient';
import { positionOf } from './helpers/featureClient';
import { execJob } from './helpers/diagnose';

async function hoverText(client: LspClient, uri: string, position: Position): Promise<string> {
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  return hover ? (hover.contents as { value: string }).value : '';
}

test('quiet files: a correct job publishes nothing; a missing command is information; hover says where', async () => {
  const client = await LspClient.start();
  try {
    // /bin/sh and the bare `sleep` exist on every machine these tests run on.
    const correct = execJob({ config: 'command = "/bin/sh"\n        args    = ["-c", "sleep 1"]' });
    const ok = testUri('quiet-correct.nomad.hcl');
    client.open(ok, correct);
    assert.deepEqual((await client.diagnostics(ok, 1)).diagnostics, []);

    const onValue = await hoverText(client, ok, positionOf(correct, '"/bin/sh"', 2));
    assert.match(onValue, /`\/bin\/sh` on this machine\*\*: found as `\/bin\/sh` in the chroot \(chroot_env \/bin, Nomad default\)/);
    const onName = await hoverText(client, ok, positionOf(correct, 'command', 2));
    assert.match(onName, /The program to run/, 'the attribute doc stays');
    assert.match(onName, /found as `\/bin\/sh`/);

    const bare = execJob({ config: 'command = "sleep"' });
    const bareUri = testUri('quiet-bare.nomad.hcl');
    client.open(bareUri, bare);
    assert.deepEqual((await client.diagnostics(bareUri, 1)).diagnostics, []);
    assert.match(await hoverText(client, bareUri, positionOf(bare, '"sleep"', 2)), /found as `\/usr\/bin\/sleep`|found as `\/bin\/sleep`/);

    const missing = execJob({ config: 'command = "/usr/bin/no-such-program-nomad-exec-quiet"' });
    const missingUri = testUri('quiet-missing.nomad.hcl');
    client.open(missingUri, missing);
    const published = (await client.diagnostics(missingUri, 1)).diagnostics;
    assert.deepEqual(published.map((d) => [d.code, d.severity]), [['command-location', 3]]);
    assert.match(published[0].message, /is not on this machine/);
    assert.match(await hoverText(client, missingUri, positionOf(missing, '"/usr/bin', 2)), /missing — looked for `\/usr\/bin\/no-such-program-nomad-exec-quiet`/);

    // Put in place by a template: hover says so.
    const templated = execJob({
      config: 'command = "local/run.sh"',
      task: '      template {\n        destination = "local/run.sh"\n        data        = "echo hi"\n      }',
    });
    const templatedUri = testUri('quiet-templated.nomad.hcl');
    client.open(templatedUri, templated);
    assert.deepEqual((await client.diagnostics(templatedUri, 1)).diagnostics, []);
    assert.match(await hoverText(client, templatedUri, positionOf(templated, '"local/run.sh"', 2)), /put in place by the task's template at `\/local\/run.sh`/);
  } finally {
    await client.stop();
  }
});
