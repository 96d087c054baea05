// The suite's entry inside VS Code (the `extensionTestsPath` module): runs the mocha files for this mode and
// writes the counts where the runner reads them, because mocha's own report may not reach the runner whole.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { format } from 'node:util';

const filesByMode: Record<string, string[]> = {
  trusted: ['editor.test.js', 'run.test.js', 'runs.test.js', 'runTerminal.test.js', 'server.test.js'],
  restricted: ['editor.test.js', 'restricted.test.js'],
  vsix: ['vsix.test.js'],
  universal: ['editor.test.js', 'universal.test.js'],
  web: ['web.test.js'],
};

/** Mocha's report goes to NOMAD_EXEC_E2E_LOG as well: code-server does not forward the extension host's console. */
function logTo(file: string | undefined): (line: string) => void {
  const fd = file ? fs.openSync(file, 'a') : undefined;
  return (line) => {
    if (fd !== undefined) fs.writeSync(fd, `${line}\n`);
  };
}

export function run(): Promise<void> {
  const log = logTo(process.env.NOMAD_EXEC_E2E_LOG);
  const mode = process.env.NOMAD_EXEC_E2E_MODE ?? 'trusted';
  const files = filesByMode[mode];
  if (!files) return Promise.reject(new Error(`unknown NOMAD_EXEC_E2E_MODE "${mode}"`));
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const consoleLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    log(format(...args));
    consoleLog(...args);
  };
  // NOMAD_EXEC_E2E_GREP runs only the tests whose full title matches (while working on a few of them).
  const grep = process.env.NOMAD_EXEC_E2E_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const result = process.env.NOMAD_EXEC_E2E_RESULT;
      if (result) fs.writeFileSync(result, JSON.stringify({ passed, failed: failures }));
      log(`e2e ${mode}: ${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} end-to-end tests failed`));
      else resolve();
    });
  });
}
