// Bundles the VS Code extension into dist/: the client (which also carries the task runner, since runs start
// in the extension host) and the language server, each one file with no node_modules needed at run time,
// plus the wasm files the parser loads (web-tree-sitter's runtime and the HCL grammar). For browsers
// (vscode.dev, github.dev): web-client.js, the extension's `browser` entry, and web-server.js, the same
// language server for a Web Worker, with the browser host in place of the Node one and no Node built-in.
//   node scripts/build-extension.mjs [--minify] [--watch]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const dist = path.join(root, 'dist');
const minify = process.argv.includes('--minify');
const watch = process.argv.includes('--watch');

/**
 * Packages whose CommonJS build must be used. esbuild picks a package's `import` export for `import`
 * statements, and web-tree-sitter's ESM build needs `import.meta.url`, which a CommonJS bundle lacks.
 * @returns {import('esbuild').Plugin}
 */
function requireBuilds(names) {
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'require-builds',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: require.resolve(args.path) }));
    },
  };
}

/**
 * Module substitutions for the browser bundles: `from` (an exact import path, or a file path ending) is
 * resolved to `to` instead.
 * @returns {import('esbuild').Plugin}
 */
function substitute(map) {
  return {
    name: 'substitute',
    setup(build) {
      for (const [from, to] of map) {
        const filter = new RegExp(`^${from.replace(/[/.]/g, '\\$&')}$`);
        build.onResolve({ filter }, () => ({ path: to }));
      }
    },
  };
}

/**
 * Node built-ins that web-tree-sitter's emscripten code asks for only when it runs in Node: empty modules in
 * the browser bundle (its browser branch never touches them).
 * @returns {import('esbuild').Plugin}
 */
function nodeOnly(names) {
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'node-only',
    setup(build) {
      build.onResolve({ filter }, (args) => (args.importer.includes(`${path.sep}web-tree-sitter${path.sep}`) ? { path: args.path, namespace: 'node-only' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  logLevel: 'warning',
  mainFields: ['main', 'module'],
  plugins: [requireBuilds(['web-tree-sitter'])],
};

const builds = [
  { ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(dist, 'client.js'), external: ['vscode'] },
  {
    ...common,
    entryPoints: [path.join(root, 'client/src/serverMain.ts')],
    outfile: path.join(dist, 'server.js'),
    // serverMain.ts starts the server; a `require.main === module` self-start in server.ts must not run too.
    define: { 'require.main': 'undefined' },
  },
];

/** @type {import('esbuild').BuildOptions} */
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  minify,
  logLevel: 'warning',
  mainFields: ['browser', 'module', 'main'],
};

builds.push(
  {
    ...browser,
    format: 'cjs',
    entryPoints: [path.join(root, 'client/src/browserExtension.ts')],
    outfile: path.join(dist, 'web-client.js'),
    external: ['vscode'],
  },
  {
    ...browser,
    format: 'iife',
    entryPoints: [path.join(root, 'client/src/browserServerMain.ts')],
    outfile: path.join(dist, 'web-server.js'),
    inject: [path.join(root, 'client/src/browserShims.ts')],
    plugins: [
      requireBuilds(['web-tree-sitter']),
      nodeOnly(['fs', 'fs/promises', 'module', 'path']),
      substitute([
        ['./nodeHost', path.join(root, 'server/src/host/browserHost.ts')],
        ['path', require.resolve('path-browserify')],
        ['node:path', require.resolve('path-browserify')],
        ['vscode-languageserver/node', require.resolve('vscode-languageserver/browser')],
      ]),
    ],
  },
);

function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  const files = [
    require.resolve('web-tree-sitter/tree-sitter.wasm'),
    path.join(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-hcl.wasm'),
  ];
  for (const file of files) fs.copyFileSync(file, path.join(dist, path.basename(file)));
}

copyWasm();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching client and server');
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: dist/client.js, dist/server.js, dist/web-client.js, dist/web-server.js and the wasm files in ${Date.now() - started} ms`);
}
