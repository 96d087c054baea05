// Entry point of the end-to-end tests: `npm run test:e2e`. Runs the mocha suite in a real VS Code three times:
//   trusted     the extension from this repository, workspace trusted (--disable-workspace-trust)
//   restricted  the same in Restricted Mode (no trust flag): editor features work, runs are refused
//   vsix        the packaged linux-x64 .vsix installed the way a user installs it, and activated
//   universal   the universal .vsix (no launcher: macOS, Windows, web): editor features work, running explains itself
//   web         the universal .vsix forced into the browser's Web Worker extension host (as on vscode.dev): the
//               language server runs in a Web Worker; editor features work, running explains itself (code-server only)
// Runner: NOMAD_EXEC_E2E_RUNNER=electron|code-server, or automatically: a desktop VS Code when one can be
// downloaded (and a display exists), otherwise code-server (installed under .vscode-test/ on first use).
// A runner that cannot run fails the command; nothing is skipped in silence.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SuiteMode, SuiteResult, SuiteRun } from './options';
import { runInCodeServer } from './runCodeServer';
import { desktopVSCode, runInElectron } from './runElectron';

type Runner = 'electron' | 'code-server';
import { repoRoot } from './paths';
const suiteIndex = path.join(__dirname, 'suite', 'index.js');
const fixtures = path.join(repoRoot, 'test', 'e2e', 'fixtures');
const hostExtension = path.join(repoRoot, 'test', 'e2e', 'host-extension');
const screenshotDir = path.join(repoRoot, 'test', 'e2e', 'screenshots');

async function pickRunner(): Promise<Runner> {
  const asked = process.env.NOMAD_EXEC_E2E_RUNNER;
  if (asked === 'electron' || asked === 'code-server') return asked;
  if (asked) throw new Error(`NOMAD_EXEC_E2E_RUNNER must be "electron" or "code-server", not "${asked}"`);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.log('e2e: no display for a desktop VS Code (run under `xvfb-run -a` to use one); using code-server');
    return 'code-server';
  }
  try {
    await desktopVSCode();
    return 'electron';
  } catch (err) {
    console.log(`e2e: no desktop VS Code (${(err as Error).message.split('\n')[0]}); using code-server`);
  }
  return 'code-server';
}

/** Packs only the .vsix the mode installs (`npm run package` makes them all). */
function packageVsix(mode: 'vsix' | 'universal' | 'web'): string {
  const only = mode === 'universal' || mode === 'web' ? 'vsix-universal' : `vsix-linux-${process.arch}`;
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--only', only], { cwd: repoRoot, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  const vsix = /^vsix: (.+\.vsix)/m.exec(result.stdout)?.[1];
  if (result.status !== 0 || !vsix) throw new Error(`npm run package failed (exit ${result.status})`);
  return vsix;
}

function prepareRun(mode: SuiteMode, scratchRoot: string, runner: Runner): SuiteRun {
  const scratch = path.join(scratchRoot, mode);
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(fixtures, workspace, { recursive: true });
  const resultFile = path.join(scratch, 'result.json');
  return {
    mode,
    workspace,
    scratch,
    extensionDevelopmentPath: mode === 'vsix' || mode === 'universal' || mode === 'web' ? hostExtension : repoRoot,
    extensionTestsPath: suiteIndex,
    env: {
      NOMAD_EXEC_E2E_MODE: mode,
      NOMAD_EXEC_E2E_RESULT: resultFile,
      NOMAD_EXEC_E2E_LOG: path.join(scratch, 'suite.log'),
      NOMAD_EXEC_E2E_WORKSPACE: workspace,
      ...(runner === 'code-server' && (mode === 'trusted' || mode === 'restricted') ? { NOMAD_EXEC_E2E_SCREENSHOTS: path.join(screenshotDir, mode) } : {}),
    },
    screenshotDir: runner === 'code-server' ? path.join(screenshotDir, mode) : undefined,
    timeoutMs: Number(process.env.NOMAD_EXEC_E2E_TIMEOUT_MS ?? 300_000),
    // The extension runs in the browser's Web Worker extension host, as where no Node host exists.
    ...(mode === 'web' ? { userSettings: { 'remote.extensionKind': { 'nomad-exec.nomad-exec': ['web'] } } } : {}),
  };
}

function readCounts(run: SuiteRun, result: SuiteResult): SuiteResult {
  try {
    const counts = JSON.parse(fs.readFileSync(run.env.NOMAD_EXEC_E2E_RESULT, 'utf8')) as { passed: number; failed: number };
    return { ...result, passed: counts.passed, failed: counts.failed };
  } catch {
    // The suite never finished (VS Code did not start, activation hung...): count the run as one failure.
    return { ...result, failed: Math.max(result.failed, 1) };
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'client.js'))) {
    throw new Error('dist/client.js is missing: run `node scripts/build-extension.mjs` first (npm run test:e2e does)');
  }
  const runner = await pickRunner();
  // The web mode needs a browser workbench: code-server's.
  const modes = (process.env.NOMAD_EXEC_E2E_MODES ?? `trusted,restricted,vsix,universal${runner === 'code-server' ? ',web' : ''}`).split(',') as SuiteMode[];
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-e2e-'));
  console.log(`e2e: runner ${runner}, modes ${modes.join(', ')}, scratch ${scratchRoot}`);
  const results: { mode: SuiteMode; result: SuiteResult }[] = [];
  for (const mode of modes) {
    const run = prepareRun(mode, scratchRoot, runner);
    if (mode === 'web' && runner !== 'code-server') throw new Error('the web mode needs the code-server runner (a browser workbench)');
    if (mode === 'vsix' || mode === 'universal' || mode === 'web') run.installVsix = packageVsix(mode);
    if (run.screenshotDir) fs.mkdirSync(run.screenshotDir, { recursive: true });
    console.log(`e2e ${mode}: starting`);
    let result: SuiteResult;
    try {
      result = await (runner === 'electron' ? runInElectron(run) : runInCodeServer(run));
    } catch (err) {
      console.log(`e2e ${mode}: runner failed: ${(err as Error).stack ?? err}`);
      result = { exitCode: 1, passed: 0, failed: 1, durationMs: 0 };
    }
    result = readCounts(run, result);
    if (result.exitCode !== 0 && result.failed === 0) result.failed = 1;
    results.push({ mode, result });
    console.log(`e2e ${mode}: exit ${result.exitCode}, ${result.passed} passed, ${result.failed} failed, ${(result.durationMs / 1000).toFixed(1)} s`);
  }
  const passed = results.reduce((n, r) => n + r.result.passed, 0);
  const failed = results.reduce((n, r) => n + r.result.failed, 0);
  if (failed === 0) fs.rmSync(scratchRoot, { recursive: true, force: true });
  else console.log(`e2e: scratch folders (logs, workspaces) kept in ${scratchRoot}`);
  console.log(`e2e (${runner}): ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`e2e: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
