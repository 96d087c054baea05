// Job text for tests, with nothing else imported: the end-to-end suite, which runs inside VS Code, uses it too.

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
