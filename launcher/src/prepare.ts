// What happens in a task dir before its task starts, in Nomad's order: artifacts are fetched, templates
// rendered (those with `env = true` feed the environment), then the command is looked up (now that local/
// holds what the artifacts brought) and made executable.
import * as path from 'path';
import { insideAlloc } from './allocDir';
import { lookupBinds, lookupCommand, lookupRawExecCommand, makeExecutable, notFoundMessage } from './lookup';
import { assertLocalTemplate, BESIDE_JOB_READS, FilePlanError, jobFolderSandbox, templateSourceSandbox } from './planFiles';
import { readFileInside, realPathInside } from '../../server/src/model/fileSandbox';
import { isInside, type Dir } from './safeFs';
import type * as Templates from '../../server/src/template';
import type { SourceRange, TaskPlan, TemplatePlan } from './types';

export interface PreparedTask {
  command: string;
  env: Record<string, string>;
  binds: { hostPath: string; taskPath: string; readOnly: boolean }[];
}

export class PrepareError extends Error {
  constructor(
    readonly step: 'artifact' | 'template' | 'lookup',
    message: string,
    /** Where in the job file: the artifact or template block, the template line, the command. */
    readonly at?: SourceRange,
  ) {
    super(message);
  }
}

/**
 * Prepares the task dir. `alloc` is the alloc dir held open: every write below it goes through safeFs, since
 * tasks already running (prestart sidecars) write into the same tree meanwhile.
 */
export async function prepareTask(task: TaskPlan, alloc: Dir, notice: (message: string) => void, signal?: AbortSignal): Promise<PreparedTask> {
  // The runner's log folder, shown read-only over /alloc/logs (after the alloc bind): the task reads its
  // logs there but cannot replace the files the runner writes.
  const binds: PreparedTask['binds'] = [{ hostPath: task.dirs.logs, taskPath: '/alloc/logs', readOnly: true }];
  const secretsStaged = !isInside(task.taskDir, task.dirs.secrets);
  if (secretsStaged) binds.push({ hostPath: task.dirs.secrets, taskPath: '/secrets', readOnly: false });
  for (const mount of task.volumeMounts) binds.push({ hostPath: mount.hostPath, taskPath: mount.taskPath, readOnly: mount.readOnly });
  if (task.artifacts.length > 0) {
    // Loaded on use (http, https, zlib): most tasks have no artifacts, and start-up time matters.
    const { fetchArtifact } = require('./artifacts/fetch') as typeof import('./artifacts/fetch');
    for (const artifact of task.artifacts) {
      try {
        await fetchArtifact(artifact, alloc, signal);
      } catch (error) {
        throw new PrepareError('artifact', (error as Error).message, artifact.place);
      }
      notice(`artifact ${artifact.source} -> ${artifact.destinationInTask}`);
    }
  }
  const env = { ...task.env };
  for (const template of task.templates) {
    const templates = require('../../server/src/template') as typeof Templates;
    let output: string;
    try {
      output = renderOne(task, template, env, templates);
      writeTemplate(task, template, output, alloc);
      if (template.env) {
        try {
          Object.assign(env, templates.parseEnvFile(output));
        } catch (error) {
          throw new PrepareError('template', `template ${template.index} (${template.destinationInTask}), env = true: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      if (error instanceof PrepareError && !error.at && template.place) throw new PrepareError(error.step, error.message, template.place);
      throw error;
    }
  }
  const rawExec = task.driver === 'raw_exec';
  const lookup =
    task.lookup.state === 'found'
      ? task.lookup
      : rawExec
        ? lookupRawExecCommand(task.command, task.taskDir, env.PATH)
        : lookupCommand({ command: task.command, taskDir: task.taskDir, binds: lookupBinds(task) });
  if (lookup.state !== 'found') throw new PrepareError('lookup', rawExec ? lookup.reason : notFoundMessage(task.command, task.taskDir), task.places?.command);
  let madeExecutable: boolean;
  try {
    madeExecutable = makeExecutable(lookup, task.taskDir, alloc);
  } catch (error) {
    throw new PrepareError('lookup', `command ${lookup.taskPath}: ${(error as Error).message}`, task.places?.command);
  }
  if (madeExecutable) notice(`made ${lookup.taskPath} executable (mode | 0555), as Nomad does`);
  return { command: lookup.taskPath, env, binds };
}

function renderOne(task: TaskPlan, template: TemplatePlan, env: Record<string, string>, { renderTemplate, TemplateError }: typeof Templates): string {
  const what = `task "${task.name}" template ${template.index} (${template.destinationInTask})`;
  let text: string;
  if (template.data !== undefined) text = template.data;
  else text = readTemplateSource(task, template, what);
  let output: string;
  try {
    assertLocalTemplate(text, template, what);
    output = renderTemplate(text, {
      env,
      taskDir: task.taskDir,
      mounts: [
        { host: task.dirs.alloc, task: '/alloc' },
        { host: task.dirs.secrets, task: '/secrets' },
      ],
      leftDelimiter: template.leftDelimiter,
      rightDelimiter: template.rightDelimiter,
      errorOnMissingKey: template.errorOnMissingKey,
    });
  } catch (error) {
    if (error instanceof FilePlanError) throw new PrepareError('template', error.message, error.range);
    if (error instanceof TemplateError) {
      const inJobFile = template.data !== undefined ? template.jobFileLine + error.line - 1 : undefined;
      const where = inJobFile !== undefined ? `job file line ${inJobFile}` : `line ${error.line} of ${template.source}`;
      const line = inJobFile !== undefined ? { start: { line: inJobFile - 1, character: 0 }, end: { line: inJobFile - 1, character: 0 } } : undefined;
      throw new PrepareError('template', `${what}, ${where}: ${error.message}`, line);
    }
    throw new PrepareError('template', `${what}: ${(error as Error).message}`);
  }
  return output;
}

/**
 * The template's source text, read inside the task dir or the shared alloc dir with links resolved (a
 * prestart task or an artifact may have planted a link there), else beside the job file inside its folder.
 */
function readTemplateSource(task: TaskPlan, template: TemplatePlan, what: string): string {
  const shown = `source ${template.source}`;
  try {
    const inTask = templateSourceSandbox(task.taskDir, task.dirs.alloc);
    if (realPathInside(shown, template.source!, inTask) !== undefined) return readFileInside(shown, template.source!, inTask);
    if (template.sourceNearJobFile && template.jobFolder) {
      const beside = jobFolderSandbox(template.jobFolder, BESIDE_JOB_READS);
      if (realPathInside(shown, template.sourceNearJobFile, beside) !== undefined) return readFileInside(shown, template.sourceNearJobFile, beside);
    }
  } catch (error) {
    throw new PrepareError('template', `${what}: ${(error as Error).message}`);
  }
  throw new PrepareError('template', `${what}: source ${template.source} does not exist`);
}

/**
 * Writes the output below the held alloc dir as consul-template does (parents made 0755, a new file renamed
 * over the destination), never through a link: a task may have planted one anywhere on the way.
 */
function writeTemplate(task: TaskPlan, template: TemplatePlan, output: string, alloc: Dir): void {
  const what = `task "${task.name}" template ${template.index} (${template.destinationInTask})`;
  try {
    const rel = insideAlloc(alloc.path, template.destination);
    alloc.dir(path.dirname(rel), { mode: 0o755 }).close();
    alloc.writeFile(rel, output, template.perms);
  } catch (error) {
    throw new PrepareError('template', `${what}: cannot write the output: ${(error as Error).message}`);
  }
}
