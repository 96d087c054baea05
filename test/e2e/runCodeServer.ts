// Runs the suite in code-server (the real VS Code workbench and Node extension host, served over HTTP)
// driven by headless Debian chromium through playwright-core. Used where no desktop VS Code can be
// downloaded. See ../shared/reference/vscode-e2e.md for why each flag is here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { SuiteResult, SuiteRun } from './options';

import { repoRoot } from './paths';
const cacheDir = process.env.NOMAD_EXEC_E2E_CACHE ?? path.join(repoRoot, '.vscode-test');
const nodeBin = path.join(cacheDir, 'node24', 'package', 'bin');
const codeServerBin = path.join(cacheDir, 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumPath = process.env.NOMAD_EXEC_E2E_CHROMIUM ?? '/usr/bin/chromium';

export function codeServerInstalled(): boolean {
  return fs.existsSync(codeServerBin) && fs.existsSync(path.join(nodeBin, 'node')) && fs.existsSync(chromiumPath);
}

/** Installs what is missing (scripts/e2e-setup.sh is idempotent and quick when everything is there). */
export function ensureCodeServer(): void {
  if (codeServerInstalled()) return;
  const started = Date.now();
  console.log('e2e: installing code-server, Node 24 and chromium (scripts/e2e-setup.sh)...');
  const result = spawnSync('bash', [path.join(repoRoot, 'scripts', 'e2e-setup.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/e2e-setup.sh failed with exit code ${result.status}`);
  console.log(`e2e: installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function codeServerEnv(run: SuiteRun): NodeJS.ProcessEnv {
  const home = path.join(run.scratch, 'home');
  const tmp = path.join(run.scratch, 'tmp');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  return { ...process.env, PATH: `${nodeBin}:${process.env.PATH ?? ''}`, HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: path.join(home, '.config') };
}

function commonFlags(run: SuiteRun): string[] {
  return ['--user-data-dir', path.join(run.scratch, 'user-data'), '--extensions-dir', path.join(run.scratch, 'extensions')];
}

function installVsix(run: SuiteRun, vsix: string): void {
  const result = spawnSync(codeServerBin, [...commonFlags(run), '--install-extension', vsix], {
    env: codeServerEnv(run),
    encoding: 'utf8',
  });
  const out = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}):\n${out}`);
  }
  console.log(`e2e ${run.mode}: ${out.trim().split('\n').pop()}`);
}

async function waitForHealth(port: number, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with code ${server.exitCode} before answering`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms`);
}

/** Kills code-server and everything it started (extension host, watcher, pty host): its process group. */
function killGroup(server: ChildProcess): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return Promise.resolve();
  }
  const hard = setTimeout(() => {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 3000);
  return exited.then(() => clearTimeout(hard));
}

/** The suite asks for a screenshot with a log line; we answer by writing the PNG (the suite waits for it). */
async function screenshot(page: Page, dir: string, name: string, selector: string | undefined, text: string | undefined): Promise<void> {
  if (selector) {
    await page.waitForSelector(selector, { state: 'visible', timeout: 10_000 }).catch(() => {
      console.log(`e2e: screenshot ${name}: "${selector}" did not appear; taking it anyway`);
    });
  }
  if (text) {
    await page
      .waitForFunction((needle) => document.body.innerText.replace(/\u00a0/g, ' ').includes(needle), text, { timeout: 10_000 })
      .catch(() => console.log(`e2e: screenshot ${name}: "${text}" did not appear on screen; taking it anyway`));
  }
  // The terminal paints on a canvas some frames after it is shown: wait until two shots in a row agree.
  let shot = await page.screenshot();
  for (let i = 0; i < 40; i++) {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
    const next = await page.screenshot();
    if (next.equals(shot)) break;
    shot = next;
  }
  const file = path.join(dir, `${name}.png`);
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, shot);
  fs.renameSync(partial, file);
}

/**
 * Follows the suite from outside VS Code: prints its log file (mocha's report) as it grows, and answers
 * screenshot requests (`<name>.request` files in the screenshot folder) with `<name>.png`.
 */
function watchSuite(page: Page, run: SuiteRun): { stop(): Promise<void> } {
  const logFile = run.env.NOMAD_EXEC_E2E_LOG;
  let offset = 0;
  let busy: Promise<void> = Promise.resolve();
  const printLog = (): void => {
    if (!logFile || !fs.existsSync(logFile)) return;
    const data = fs.readFileSync(logFile);
    if (data.length <= offset) return;
    const text = data.subarray(offset).toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    offset += Buffer.byteLength(text.slice(0, end));
    for (const line of text.slice(0, end).split('\n').slice(0, -1)) process.stdout.write(`  ${line}\n`);
  };
  const serveScreenshots = async (): Promise<void> => {
    const dir = run.screenshotDir;
    if (!dir || !fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir).filter((f) => f.endsWith('.request'))) {
      const name = entry.slice(0, -'.request'.length);
      const requestFile = path.join(dir, entry);
      const { selector, text } = JSON.parse(fs.readFileSync(requestFile, 'utf8')) as { selector?: string; text?: string };
      fs.rmSync(requestFile);
      await screenshot(page, dir, name, selector, text).catch((err) => console.log(`e2e: screenshot ${name} failed: ${(err as Error).message}`));
    }
  };
  const timer = setInterval(() => {
    printLog();
    busy = busy.then(serveScreenshots);
  }, 200);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      printLog();
    },
  };
}

export async function runInCodeServer(run: SuiteRun): Promise<SuiteResult> {
  const started = Date.now();
  ensureCodeServer();
  fs.mkdirSync(run.scratch, { recursive: true });
  if (run.installVsix) installVsix(run, run.installVsix);
  if (run.userSettings) {
    const settings = path.join(run.scratch, 'user-data', 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify(run.userSettings, null, 2));
  }
  const port = await freePort();
  const configFile = path.join(run.scratch, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  const flags = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--reconnection-grace-time', '5',
    '--config', configFile,
    '--vscode-option', 'enable-smoke-test-driver',
    ...commonFlags(run),
    ...(run.mode === 'restricted' ? [] : ['--disable-workspace-trust']),
  ];
  const serverLog = fs.openSync(path.join(run.scratch, 'code-server.log'), 'w');
  const server = spawn(codeServerBin, flags, { env: codeServerEnv(run), detached: true, stdio: ['ignore', serverLog, serverLog] });
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    await waitForHealth(port, server, 30_000);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // The browser's console (the workbench, and the web worker extension host with its workers): kept for
    // the failure report, since code-server writes none of it to its own logs.
    const consoleLog = path.join(run.scratch, 'browser-console.log');
    page.on('console', (message) => fs.appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => fs.appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`));
    const watcher = watchSuite(page, run);
    const base = `vscode-remote://127.0.0.1:${port}`;
    const payload = [
      ['extensionDevelopmentPath', `${base}${run.extensionDevelopmentPath}`],
      ['extensionTestsPath', `${base}${run.extensionTestsPath}`],
      ['extensionEnvironment', JSON.stringify(run.env)],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // The workbench is ~20 MB of script: on a loaded machine its load event can take longer than the default 30 s.
    await page.goto(url, { timeout: 120_000 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.log(`e2e ${run.mode}: no result after ${run.timeoutMs} ms; stopping`);
        resolve(124);
      }, run.timeoutMs).unref();
    });
    // Cleared once the suite answers, or its message would turn up in a later mode's report.
    const code = await Promise.race([exitCode, timeout]).finally(() => clearTimeout(timer));
    await watcher.stop();
    return { exitCode: code, passed: 0, failed: code === 0 ? 0 : 1, durationMs: Date.now() - started };
  } finally {
    await browser?.close().catch(() => undefined);
    await killGroup(server);
    fs.closeSync(serverLog);
  }
}
