// `npm run package`: every artifact a user installs, into artifacts/:
//   nomad-exec-linux-x64-V.vsix    extension + launcher built for x86-64
//   nomad-exec-linux-arm64-V.vsix  extension + launcher cross-compiled for aarch64 (gcc-aarch64-linux-gnu)
//   nomad-exec-V.vsix              universal: no launcher; VS Code installs it on darwin-*, win32-*, web and any
//                                  Linux without a platform build. Editor features work; running says why not.
//                                  Only this one has the `browser` entry (dist/web-client.js, dist/web-server.js):
//                                  the Linux builds are installed only where a Node extension host runs them.
//   nomad-exec-V.tgz               the CLI and language server for `npm install -g` (one bundled file, the
//                                  wasm files and both prebuilt launchers; no dependencies, no compiler)
// Each artifact is packed from its own staging folder under artifacts/staging/, so nothing but what is
// copied there can end up in it. `--only a,b` builds a subset: vsix-linux-x64, vsix-linux-arm64,
// vsix-universal, npm (the tests use this to stay quick).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { launcherTargets } from './launcher-targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const artifacts = path.join(root, 'artifacts');
const staging = path.join(artifacts, 'staging');
const ALL = ['vsix-linux-x64', 'vsix-linux-arm64', 'vsix-universal', 'npm'];
const onlyArg = process.argv.indexOf('--only');
const wanted = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : ALL;
for (const w of wanted) if (!ALL.includes(w)) throw new Error(`--only: unknown artifact ${w} (one of ${ALL.join(', ')})`);

const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
const timings = [];
async function step(name, fn) {
  const started = Date.now();
  const result = await fn();
  timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Copies `files` (paths relative to the repository) into `dir`, keeping their relative paths. */
function stage(dir, files) {
  for (const [from, to = from] of files.map((f) => (Array.isArray(f) ? f : [f]))) {
    const dest = path.join(dir, to);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(path.isAbsolute(from) ? from : path.join(root, from), dest, { recursive: true });
  }
}

fs.mkdirSync(artifacts, { recursive: true });
// Only the staging folders of the artifacts asked for are replaced, so packing two different artifacts at
// once (the unit and e2e suites) does not pull files from under each other.
for (const w of wanted) fs.rmSync(path.join(staging, w), { recursive: true, force: true });

// Launchers for the platform builds: compiled (cross-compiled where needed), checked to be the right ELF
// machine, stripped, and smoke-tested (natively or under qemu-user when it is installed).
const needLaunchers = wanted.filter((w) => w !== 'vsix-universal');
const launchers = {};
for (const target of launcherTargets.filter((t) => needLaunchers.some((w) => w === 'npm' || w === `vsix-${t.name}`))) {
  launchers[target.name] = await step(`launcher ${target.name}`, () => target.build(root));
}

const extensionFiles = () => [
  'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png', 'images/nomad-file.svg',
  'language-configuration.json', 'syntaxes/nomad.tmLanguage.json', 'docs/images', '.vscodeignore',
  'dist/client.js', 'dist/server.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-hcl.wasm',
].filter((f) => fs.existsSync(path.join(root, f)));
const webFiles = ['dist/web-client.js', 'dist/web-server.js'];

/** The Linux builds' manifest has no `browser` entry: their bundles for the browser are not in them. */
function withoutBrowserEntry(dir) {
  const file = path.join(dir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete manifest.browser;
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}

const outputs = [];
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
if (wanted.some((w) => w.startsWith('vsix-'))) {
  await step('extension bundles', () => run(process.execPath, [path.join(root, 'scripts', 'build-extension.mjs'), '--minify']));
}
for (const w of wanted.filter((x) => x.startsWith('vsix-'))) {
  const target = w.slice('vsix-'.length);
  const dir = path.join(staging, w);
  const out = path.join(artifacts, target === 'universal' ? `${pkg.name}-${pkg.version}.vsix` : `${pkg.name}-${target}-${pkg.version}.vsix`);
  await step(w, () => {
    stage(dir, extensionFiles());
    if (target === 'universal') stage(dir, webFiles);
    else {
      stage(dir, [[launchers[target], 'launcher/build/nomad-exec-launcher']]);
      withoutBrowserEntry(dir);
    }
    run(process.execPath, [
      vsce, 'package',
      ...(target === 'universal' ? [] : ['--target', target]),
      '--no-dependencies', // everything the extension needs at run time is bundled in dist/
      '--no-rewrite-relative-links',
      '--out', out,
    ], dir);
  });
  outputs.push(out);
}

if (wanted.includes('npm')) {
  outputs.push(await step('npm package', () => packCli(path.join(staging, 'npm'))));
}

for (const out of outputs) console.log(`artifact: ${path.relative(root, out)} ${(fs.statSync(out).size / 1024).toFixed(0)} KiB`);
for (const out of outputs.filter((o) => o.endsWith('.vsix'))) console.log(`vsix: ${out}`);
console.log(`package timings: ${timings.join(', ')}`);

/**
 * The npm package gets its own manifest, written here: the repository's package.json is the VS Code
 * extension manifest (private, `main` = the extension client, contributes, vscode engine, dev tooling),
 * none of which belongs in an npm package, and the CLI package has no runtime dependencies at all because
 * dist/cli.js bundles them.
 */
async function packCli(dir) {
  await esbuild.build({
    entryPoints: [path.join(root, 'cli', 'main.ts')],
    outfile: path.join(dir, 'dist', 'cli.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    mainFields: ['main', 'module'],
    // serverMain-style guard: the CLI starts the server itself through `nomad-exec lsp`.
    define: { 'require.main': 'undefined' },
    plugins: [{
      name: 'require-builds',
      setup(build) {
        build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: createRequireResolve('web-tree-sitter') }));
      },
    }],
  });
  stage(dir, [
    [createRequireResolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm'],
    [path.join(path.dirname(createRequireResolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-hcl.wasm'), 'dist/tree-sitter-hcl.wasm'],
    ...['README.md', 'CHANGELOG.md', 'LICENSE'].filter((f) => fs.existsSync(path.join(root, f))),
    ...Object.entries(launchers).map(([name, file]) => [file, `launcher/${name}/nomad-exec-launcher`]),
  ]);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'nomad-exec.js'), [
    '#!/usr/bin/env node',
    "'use strict';",
    '// The prebuilt launcher for this machine, unless NOMAD_EXEC_LAUNCHER names another one.',
    "const path = require('node:path');",
    "const launcher = path.join(__dirname, '..', 'launcher', `${process.platform}-${process.arch}`, 'nomad-exec-launcher');",
    "if (!process.env.NOMAD_EXEC_LAUNCHER && require('node:fs').existsSync(launcher)) process.env.NOMAD_EXEC_LAUNCHER = launcher;",
    "require('../dist/cli.js').main(process.argv.slice(2)).then(",
    '  (code) => { process.exitCode = code; },',
    "  (err) => { process.stderr.write(`nomad-exec: ${err && err.stack ? err.stack : err}\\n`); process.exitCode = 2; },",
    ');',
    '',
  ].join('\n'), { mode: 0o755 });
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: 'Checker, formatter, local runner and language server (LSP) for HashiCorp Nomad job files, centred on the exec driver.',
    license: pkg.license,
    keywords: ['nomad', 'hashicorp', 'hcl', 'lsp', 'language-server', 'linter', 'formatter', 'sarif'],
    repository: pkg.repository,
    bugs: pkg.bugs,
    homepage: pkg.homepage,
    engines: { node: pkg.engines.node },
    bin: { 'nomad-exec': 'bin/nomad-exec.js' },
    files: ['bin', 'dist', 'launcher', 'README.md', 'CHANGELOG.md', 'LICENSE'],
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', artifacts], { cwd: dir, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  return path.join(artifacts, JSON.parse(packed.stdout)[0].filename);
}

/** Resolves with CommonJS rules: web-tree-sitter's ESM build needs import.meta.url, which a CJS bundle lacks. */
function createRequireResolve(spec) {
  return createRequire(path.join(root, 'package.json')).resolve(spec);
}
