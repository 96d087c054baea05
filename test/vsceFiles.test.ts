// What `vsce ls` would put in the extension package: the manifest, README, CHANGELOG, icons, grammar,
// LICENSE, bundles (Node and browser), wasm files, README images and the launcher, and nothing else
// (.vscodeignore is a whitelist).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/lspClient';

const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^images\/(icon\.png|nomad-file\.svg)$/,
  /^language-configuration\.json$/,
  /^syntaxes\/nomad\.tmLanguage\.json$/,
  /^dist\/(web-)?(client|server)\.js$/,
  /^dist\/tree-sitter(-hcl)?\.wasm$/,
  /^docs\/images\/[\w-]+\.png$/,
  /^launcher\/build\/nomad-exec-launcher$/,
];

test('vsce ls lists only what the extension needs at run time or shows on its page', () => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split('\n').filter(Boolean);
  const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(stray, [], `stray files in the package: ${stray.join(', ')}`);
  for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png', 'images/nomad-file.svg', 'syntaxes/nomad.tmLanguage.json']) {
    assert.ok(files.includes(needed), `${needed} is packaged`);
  }
});

test('the manifest carries marketplace metadata and the icons exist', async () => {
  const fs = await import('node:fs');
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, any>;
  assert.match(pkg.repository?.url ?? '', /^https:\/\//);
  assert.match(pkg.bugs?.url ?? '', /^https:\/\//);
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 5 && pkg.keywords.length <= 30, 'keywords (the Marketplace takes up to 30)');
  const icon = fs.readFileSync(path.join(REPO_ROOT, pkg.icon));
  assert.equal(icon.readUInt32BE(0), 0x89504e47, 'the extension icon is a PNG (the Marketplace rejects SVG icons)');
  assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128, 'at least 128x128');
  const language = pkg.contributes.languages.find((l: { id: string }) => l.id === 'nomad');
  for (const file of [language.icon.light, language.icon.dark]) assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), file);
});
