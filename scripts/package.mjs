// `npm run package`: bundles the extension, compiles the native launcher and packs a linux-x64 .vsix with
// @vscode/vsce. The package holds the bundles, the wasm files, the launcher binary, the grammar and the
// manifest; .vscodeignore keeps everything else (sources, node_modules, tests) out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const target = process.env.NOMAD_EXEC_VSIX_TARGET ?? 'linux-x64';
const out = path.join(root, `${pkg.name}-${target}-${pkg.version}.vsix`);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

const started = Date.now();
run(process.execPath, [path.join(root, 'scripts', 'build-extension.mjs'), '--minify']);
run('make', ['-s', '-C', 'launcher']);
const launcher = path.join(root, 'launcher', 'build', 'nomad-exec-launcher');
if (!fs.existsSync(launcher)) throw new Error(`make -C launcher did not produce ${launcher}`);
run(process.execPath, [
  path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--target', target,
  '--no-dependencies', // everything the extension needs at run time is bundled in dist/
  '--skip-license',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out', out,
]);
const size = fs.statSync(out).size;
console.log(`vsix: ${out}`);
console.log(`package: ${(size / 1024 / 1024).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
