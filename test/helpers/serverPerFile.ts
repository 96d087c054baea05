// One language server over stdio for a whole test file: started before the file's first test and stopped
// after its last, so the feature tests share one process instead of paying a start-up per test.
import { after, before } from 'node:test';
import type { LspClient } from './lspClient';
import { startClient } from './featureClient';

/**
 * Registers the file's `before` and `after` hooks. `started` gets the client before any test runs; it
 * keeps it, and may open documents or listen to notifications.
 */
export function serverPerFile(started: (client: LspClient) => void | Promise<void>): void {
  let client: LspClient | undefined;
  before(async () => {
    client = await startClient();
    await started(client);
  });
  after(async () => {
    await client?.stop();
  });
}
