// The documented list of diagnostic codes. A code never changes meaning once released: editors, CI
// filters and quick fixes key on it. docs/diagnostics.md is generated from this table (npm run docs).
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';

export interface CodeInfo {
  severity: DiagnosticSeverity;
  summary: string;
  /** Tags every diagnostic of the code carries (editors fade out `Unnecessary` code). */
  tags?: DiagnosticTag[];
}

export const DIAGNOSTIC_CODES = {
  'syntax-error': { severity: DiagnosticSeverity.Error, summary: 'The file is not valid HCL2 at this place.' },
  'missing-required': { severity: DiagnosticSeverity.Error, summary: 'A required attribute or block is absent.' },
  'unknown-attribute': { severity: DiagnosticSeverity.Error, summary: 'An attribute this block does not accept.' },
  'unknown-block': { severity: DiagnosticSeverity.Error, summary: 'A block this block does not accept.' },
  'type-mismatch': { severity: DiagnosticSeverity.Error, summary: 'A value of the wrong type.' },
  'invalid-value': { severity: DiagnosticSeverity.Error, summary: 'A value outside the allowed set.' },
  'invalid-duration': { severity: DiagnosticSeverity.Error, summary: 'Not a Go duration such as "30s" or "1h30m".' },
  'out-of-range': { severity: DiagnosticSeverity.Error, summary: 'A number outside its allowed range, or in conflict with another.' },
  duplicate: { severity: DiagnosticSeverity.Error, summary: 'Something that must be unique appears twice.' },
  'unknown-capability': { severity: DiagnosticSeverity.Error, summary: 'A capability name Linux does not know.' },
  'capability-not-allowed': { severity: DiagnosticSeverity.Error, summary: 'cap_add asks for a capability outside the client allow_caps.' },
  'relative-work-dir': { severity: DiagnosticSeverity.Error, summary: 'work_dir must be an absolute path inside the task.' },
  'host-namespace': { severity: DiagnosticSeverity.Warning, summary: 'The task shares the host PID or IPC namespace.' },
  'invalid-checksum': { severity: DiagnosticSeverity.Error, summary: 'An artifact checksum not of the form type:hex.' },
  'invalid-name': { severity: DiagnosticSeverity.Error, summary: 'A job, group, task or variable name Nomad refuses.' },
  'log-storage': { severity: DiagnosticSeverity.Error, summary: 'Log files would not fit on the ephemeral disk.' },
  // Still accepted: a hint with the Deprecated tag (struck through, out of the Problems list), as editors show
  // deprecated APIs. Removed from Nomad (schema `removed`): an error, still tagged.
  deprecated: { severity: DiagnosticSeverity.Hint, summary: 'Removed from Nomad (an error) or discouraged by current Nomad (a hint, struck through).', tags: [DiagnosticTag.Deprecated] },
  // Edit-time versions of what the exec driver only finds when a task starts.
  'command-not-in-chroot': { severity: DiagnosticSeverity.Error, summary: 'An absolute command outside chroot_env, volume mounts, artifacts and templates.' },
  'command-not-provided': { severity: DiagnosticSeverity.Warning, summary: 'A relative command path no artifact or template puts in place.' },
  'command-location': { severity: DiagnosticSeverity.Information, summary: 'The command is not on this machine where chroot_env would take it from (hover on `command` says where a command is found).' },
  'unknown-variable': { severity: DiagnosticSeverity.Error, summary: 'An interpolation names something that does not exist at task start.' },
  'work-dir-not-in-chroot': { severity: DiagnosticSeverity.Warning, summary: 'work_dir lies outside the task dirs, chroot_env and volume mounts.' },
  'user-denied': { severity: DiagnosticSeverity.Error, summary: 'A user the client refuses (user.denylist); a local run refuses it too.' },
  'kill-timeout-capped': { severity: DiagnosticSeverity.Warning, summary: 'kill_timeout above the client max_kill_timeout.' },
  'unknown-volume': { severity: DiagnosticSeverity.Error, summary: 'volume_mount names no volume of the group.' },
  // The file sandboxes of a local run (SECURITY.md).
  'template-source-outside-task': { severity: DiagnosticSeverity.Error, summary: "A template source outside the task, which Nomad's template sandbox and a local run refuse." },
  'file-outside-job-folder': { severity: DiagnosticSeverity.Warning, summary: "file(), fileexists() or a local artifact source outside the job file's folder, which a local run refuses to read." },
  'analysis-limit': { severity: DiagnosticSeverity.Information, summary: 'The file is too large, too slow to parse or binary data, so it is not analysed (nomadExec.maxFileSize, nomadExec.maxParseTime); or part of it is left out (a list of more than 1,000 elements, a string of more than 1,000 interpolations), or it has more problems than the 5,000 the editor is shown.' },
  // Template text checked with the runner's template engine (issue 13).
  'template-syntax': { severity: DiagnosticSeverity.Error, summary: 'A Go template syntax error in template data: the client cannot render it.' },
  'unknown-template-function': { severity: DiagnosticSeverity.Error, summary: 'A function consul-template does not have.' },
  'template-argument-count': { severity: DiagnosticSeverity.Error, summary: 'A template function called with the wrong number of arguments.' },
  'template-env-unknown': { severity: DiagnosticSeverity.Warning, summary: "env names a variable that is not in the task's environment when the template renders." },
  'template-env-file': { severity: DiagnosticSeverity.Error, summary: 'An env = true template whose rendered output has a line that is not KEY=value.' },
  'template-source-missing': { severity: DiagnosticSeverity.Warning, summary: 'A template source that is not beside the job file and that no artifact or earlier template provides.' },
  'settings-problem': { severity: DiagnosticSeverity.Warning, summary: 'The agent config file could not be read or understood.' },
  'unknown-port-label': { severity: DiagnosticSeverity.Error, summary: 'A service, check or expose path names a port label the group network does not declare.' },
  'unused-declaration': { severity: DiagnosticSeverity.Hint, summary: 'A variable, local value or dynamic port label nothing in the file uses.', tags: [DiagnosticTag.Unnecessary] },
  'unknown-function': { severity: DiagnosticSeverity.Error, summary: 'A call of a function Nomad job files do not have.' },
  'argument-count': { severity: DiagnosticSeverity.Error, summary: 'A function called with too few or too many arguments.' },
} satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const DIAGNOSTIC_SOURCE = 'nomad-exec';
