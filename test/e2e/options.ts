// What one run of the suite needs, whichever runner carries it out.
export type SuiteMode = 'trusted' | 'restricted' | 'vsix' | 'universal' | 'web';

export interface SuiteRun {
  mode: SuiteMode;
  /** The folder VS Code opens (a scratch copy of test/e2e/fixtures). */
  workspace: string;
  /** The extension under development: the repository, or a tiny host extension for the vsix run. */
  extensionDevelopmentPath: string;
  /** Compiled test/e2e/suite/index.js. */
  extensionTestsPath: string;
  /** Environment of the extension host (the suite reads NOMAD_EXEC_E2E_*). */
  env: Record<string, string>;
  /** User settings written before VS Code starts. */
  userSettings?: Record<string, unknown>;
  /** A .vsix installed before VS Code starts. */
  installVsix?: string;
  /** Where the runner saves screenshots the suite asks for (code-server only). */
  screenshotDir?: string;
  /** Scratch folder for VS Code's own state (user data, extensions, HOME). */
  scratch: string;
  timeoutMs: number;
}

export interface SuiteResult {
  exitCode: number;
  passed: number;
  failed: number;
  durationMs: number;
}

/** The suite's last line: `e2e <mode>: N passed, M failed`. */
export function parseCounts(line: string): { passed: number; failed: number } | undefined {
  const match = /e2e \w+: (\d+) passed, (\d+) failed/.exec(line);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}
