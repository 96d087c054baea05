// Runs the suite in a desktop VS Code downloaded by @vscode/test-electron (a developer's machine, public CI).
// On Linux without a display, run it under `xvfb-run -a`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import type { SuiteResult, SuiteRun } from './options';

import { repoRoot } from './paths';
const cachePath = path.join(process.env.NOMAD_EXEC_E2E_CACHE ?? path.join(repoRoot, '.vscode-test'), 'electron');

/** Downloads (or finds in the cache) a desktop VS Code; rejects quickly where the download site is unreachable. */
export function desktopVSCode(): Promise<string> {
  return downloadAndUnzipVSCode({ version: process.env.NOMAD_EXEC_E2E_VSCODE_VERSION ?? 'stable', cachePath, timeout: 20_000 });
}

export async function runInElectron(run: SuiteRun): Promise<SuiteResult> {
  const started = Date.now();
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error('the electron runner needs a display: run it under `xvfb-run -a`, or use NOMAD_EXEC_E2E_RUNNER=code-server');
  }
  const executable = await desktopVSCode();
  const userData = path.join(run.scratch, 'user-data');
  const extensions = path.join(run.scratch, 'extensions');
  fs.mkdirSync(run.scratch, { recursive: true });
  if (run.installVsix) {
    const [cli, ...args] = resolveCliArgsFromVSCodeExecutablePath(executable);
    const result = spawnSync(cli, [...args, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', run.installVsix], {
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) throw new Error(`installing ${run.installVsix} failed:\n${result.stdout}${result.stderr}`);
  }
  const exitCode = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: run.extensionDevelopmentPath,
    extensionTestsPath: run.extensionTestsPath,
    extensionTestsEnv: run.env,
    launchArgs: [
      run.workspace,
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      '--skip-welcome',
      '--skip-release-notes',
      ...(run.mode === 'restricted' ? [] : ['--disable-workspace-trust']),
    ],
  }).catch((err: unknown) => {
    console.log(`e2e ${run.mode}: ${(err as Error).message ?? err}`);
    return 1;
  });
  // Counts are printed by the suite itself on the VS Code process's output; here only pass/fail is known.
  return { exitCode, passed: 0, failed: exitCode === 0 ? 0 : 1, durationMs: Date.now() - started };
}
