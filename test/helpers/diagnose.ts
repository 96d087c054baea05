// Runs job text through the real pipeline (parser, model, evaluator, checks) for the checks tests.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { NomadExecSettings } from '../../server/src/settings';
import { analyseText } from './analyse';

export async function diagnose(text: string, settings: NomadExecSettings = {}, documentDir?: string): Promise<Diagnostic[]> {
  return (await analyseText(text, settings, documentDir)).diagnostics;
}

/** Diagnostics with this code. */
export function withCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** Errors (severity 1) of any code: a valid twin must have none. */
export function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 1);
}

/** Errors and warnings (hints such as command-location are left out): a valid job must have none. */
export function problems(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity !== undefined && d.severity <= 2);
}

export interface ExecJobParts {
  task?: string;
  config?: string;
  group?: string;
  job?: string;
  driver?: string;
  /** Text before the job block (variables, locals), followed by a line break. */
  top?: string;
  /** The labels of the job, group and task blocks; web, app and server when not given. */
  names?: { job: string; group: string; task: string };
}

/** A complete, valid exec job; `task`, `group` and `job` add lines to those bodies. */
export function execJob(parts: ExecJobParts = {}): string {
  const names = parts.names ?? { job: 'web', group: 'app', task: 'server' };
  return `${parts.top === undefined ? '' : `${parts.top}\n`}job "${names.job}" {
  datacenters = ["dc1"]
${parts.job ?? ''}
  group "${names.group}" {
${parts.group ?? ''}
    task "${names.task}" {
      driver = "${parts.driver ?? 'exec'}"
      config {
${parts.config ?? '        command = "/bin/sleep"\n        args    = ["3600"]'}
      }
${parts.task ?? ''}
    }
  }
}
`;
}
