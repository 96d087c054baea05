// The client's list of machine-level settings against package.json: each is `machine` scoped, restricted in
// untrusted workspaces, and read by the client from the user's settings only. A setting missing from the list
// would be taken from a repository's .vscode/settings.json by the client's own reader.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'node:test';
import { MACHINE_SETTINGS } from '../client/src/machineSettings';
import { REPO_ROOT } from './helpers/lspClient';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const listed = MACHINE_SETTINGS.map((name) => `nomadExec.${name}`).sort();

test('the client reads from user settings only exactly the settings package.json makes machine scoped', () => {
  const machineScoped = Object.entries(manifest.contributes.configuration.properties)
    .filter(([, property]) => property.scope === 'machine')
    .map(([name]) => name)
    .sort();
  assert.deepEqual(listed, machineScoped);
});

test('every machine-level setting is restricted in untrusted workspaces', () => {
  assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), listed);
});
