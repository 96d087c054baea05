// The custom request `nomadExec/tasks`: the jobs, groups and tasks of one job file with their ranges, and the
// job's input variables. The VS Code extension uses it for its "Run task" / "Run group" code lenses, for the
// task picker and to know which variables need a value before a run. Plain types only, so the client can
// import them without pulling in the server.
import type { Range } from 'vscode-languageserver-types';

export const tasksRequestMethod = 'nomadExec/tasks';

export interface TasksParams {
  /** A document URI. Open documents are read from the editor; other `file:` URIs from disk. */
  uri: string;
}

export interface OutlineTask {
  name: string;
  /** The driver name when it is known (a literal, or a variable with a default); undefined otherwise. */
  driver?: string;
  /** True when the driver is `exec`: only those tasks can run locally. */
  runnable: boolean;
  /** The whole `task` block. */
  range: Range;
  /** The block type and labels (`task "web"`), where a code lens belongs. */
  headerRange: Range;
}

export interface OutlineGroup {
  name: string;
  /** True for a task written directly under `job` (Nomad makes it a group of its own). */
  implicit: boolean;
  range: Range;
  headerRange: Range;
  tasks: OutlineTask[];
}

export interface OutlineVariable {
  name: string;
  /** True when the declaration has a `default`, so the run needs no value for it. */
  hasDefault: boolean;
  description?: string;
  /** The `type` expression as written, e.g. `list(string)`. */
  type?: string;
}

export interface TasksResult {
  /** The job's id; undefined when the file has no job block (yet). */
  job?: string;
  groups: OutlineGroup[];
  variables: OutlineVariable[];
}
