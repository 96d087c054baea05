// Shared setup of the tests that plan and run jobs for real (runner, logs, artifacts): job files in a
// fresh temp folder, plans that must succeed, and skipping when the native launcher is not built.
// Importing this file has no side effects.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isPlanError, planRun, type LaunchPlan, type RunRequest } from '../../launcher/src/api';
import { launcherBinary } from '../../launcher/src/launcherArgs';

/** node:test options that skip a test, with the reason, when the launcher binary cannot be found. */
export function skipWithoutLauncher(): { skip?: string } {
  try {
    launcherBinary();
    return {};
  } catch (error) {
    return { skip: (error as Error).message };
  }
}

/** Plans the run of `file`; a plan error fails the test with its message. */
export async function planOf(file: string, request: Partial<RunRequest> = {}): Promise<LaunchPlan> {
  const plan = await planRun({ file, ...request });
  if (isPlanError(plan)) assert.fail(plan.message);
  return plan;
}

/** A temp folder that job texts are written into, each under a new file name. */
export class JobFiles {
  readonly dir: string;
  private counter = 0;

  constructor(prefix: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  write(text: string): string {
    const file = path.join(this.dir, `job${++this.counter}.nomad.hcl`);
    fs.writeFileSync(file, text);
    return file;
  }

  plan(text: string, request: Partial<RunRequest> = {}): Promise<LaunchPlan> {
    return planOf(this.write(text), request);
  }
}
