// What the user asked to run. Also the shape of a `nomad-exec` task definition in tasks.json.
export interface RunTarget {
  /** Absolute path of the job file. */
  file: string;
  group?: string;
  /** Absent with a group: the whole group runs. */
  task?: string;
  /** Variable values that win over settings and var files. */
  vars?: Record<string, string>;
  varFiles?: string[];
  allocDir?: string;
}

/** How a run appears in terminal names and pickers: `job/group/task` or `job/group`. */
export function runLabel(job: string | undefined, target: RunTarget): string {
  const parts = [job ?? fileBase(target.file), target.group, target.task].filter((p): p is string => !!p);
  return parts.join('/');
}

function fileBase(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.nomad(\.hcl)?$/, '');
}
