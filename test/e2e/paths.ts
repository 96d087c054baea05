// Folders the runners need. The compiled files live in out/e2e/test/e2e/, four levels below the repository.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');
