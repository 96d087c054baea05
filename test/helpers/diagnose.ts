// Runs job text through the real pipeline (parser, model, evaluator, checks) for the checks tests.
import type { Diagnostic } from 'vscode-languageserver-types';
import { analyse } from '../../server/src/analysis';
import { sharedParser } from '../../server/src/parser/parser';
import { resolveSettings, type NomadExecSettings } from '../../server/src/settings';

export async function diagnose(text: string, settings: NomadExecSettings = {}): Promise<Diagnostic[]> {
  const parser = await sharedParser();
  return analyse(parser, text, resolveSettings(settings)).diagnostics;
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

/** A complete, valid exec job; `task`, `group` and `job` add lines to those bodies. */
export function execJob(parts: { task?: string; config?: string; group?: string; job?: string; driver?: string } = {}): string {
  return `job "web" {
  datacenters = ["dc1"]
${parts.job ?? ''}
  group "app" {
${parts.group ?? ''}
    task "server" {
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
