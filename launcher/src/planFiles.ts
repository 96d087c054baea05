// The artifact and template blocks of a task, planned: sources parsed (unsupported getters refused),
// destinations mapped to host paths (the shared alloc dir for `alloc/...`), checksums checked for form,
// inline template text checked for functions a local run cannot offer.
import * as path from 'path';
import { archiveTypeOf, parseChecksum, parseSource, UnsupportedSourceError } from './artifacts/source';
import { hostPathOf } from './lookup';
import { missingFiles } from './runtimeNames';
import { isInside } from './safeFs';
import { attributeOf, blocksOf, evalAttr, readStringMap, type Body, type Evaluator } from './model';
import type { Range } from '../../server/src/model/types';
import type * as Templates from '../../server/src/template';
import type { ArtifactPlan, TemplatePlan } from './types';
import { Unknown } from '../../server/src/model/value';
import {
  ARTIFACT_READS,
  FileSandboxError,
  isWithin,
  jobFolderSandbox,
  readFileInside,
  realPathInside,
  templateSourceEscape,
  TEMPLATE_SOURCE_RULE,
  type Sandbox,
} from '../../server/src/model/fileSandbox';

export { jobFolderSandbox };
/** A template source kept beside the job file (a local convenience) is read only inside the job's folder. */
export const BESIDE_JOB_READS = 'a template source kept beside the job file is read';

/**
 * Nomad's client default `template.disable_file_sandbox = false`: a template `source` lies in the task dir or
 * the shared alloc dir (taskenv ClientPath + checkEscape), links resolved when it is read.
 */
export function templateSourceSandbox(taskDir: string, sharedDir: string): Sandbox {
  return { roots: [taskDir, sharedDir], rule: TEMPLATE_SOURCE_RULE, describe: `the task directory ${taskDir} and the shared alloc dir` };
}

export interface FilePlanContext {
  jobspec: Evaluator;
  simple(text: string): string;
  taskDir: string;
  sharedDir: string;
  secretsDir: string;
  baseDir: string;
  /** `task "x"` for messages. */
  where: string;
}

export class FilePlanError extends Error {
  /** The artifact or template block (or the attribute) the problem is in; plan.ts falls back to the task's. */
  range?: Range;
}

/** Runs `plan` for one block, so that a problem inside it without a place of its own points at the block. */
function within<T>(block: { range: Range }, plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof FilePlanError && !error.range) error.range = block.range;
    throw error;
  }
}

/** A destination relative to the task dir -> task path and host path (alloc/ goes to the shared dir). */
function destinationPaths(dest: string, ctx: FilePlanContext): { inTask: string; host: string } {
  const inTask = path.posix.resolve('/', dest);
  const host = hostPathOf(inTask, ctx.taskDir, [
    { host: ctx.sharedDir, task: '/alloc' },
    { host: ctx.secretsDir, task: '/secrets' },
  ]);
  return { inTask, host };
}

function str(body: Body, name: string, ctx: FilePlanContext): string | undefined {
  const value = evalAttr(body, name, ctx.jobspec);
  if (value === undefined || value === null) return undefined;
  if (value instanceof Unknown) {
    const missing = missingFiles(attributeOf(body, name)?.value, ctx.baseDir);
    throw new FilePlanError(`${ctx.where}: ${name} (line ${(attributeOf(body, name)?.range.start.line ?? 0) + 1}) cannot be evaluated${missing.length > 0 ? `: ${missing.join('; ')}` : ''}`);
  }
  return typeof value === 'string' ? value : String(value);
}

export function planArtifacts(body: Body, ctx: FilePlanContext): ArtifactPlan[] {
  const out: ArtifactPlan[] = [];
  blocksOf(body, 'artifact').forEach((block, i) => within(block, () => {
    const what = `${ctx.where} artifact ${i + 1} (line ${block.range.start.line + 1})`;
    const rawSource = str(block.body, 'source', ctx);
    if (!rawSource) throw new FilePlanError(`${what}: source is missing`);
    const source = ctx.simple(rawSource);
    let parsed;
    try {
      parsed = parseSource(source, ctx.baseDir);
    } catch (error) {
      if (error instanceof UnsupportedSourceError) throw new FilePlanError(`${what}: remote artifact not available locally: ${error.message}`);
      throw new FilePlanError(`${what}: ${(error as Error).message}`);
    }
    if (parsed.kind === 'file') {
      // A local source is the job folder's, never another host path (links resolved): what is fetched is the
      // checked real path.
      try {
        parsed.location = realPathInside(`local source ${JSON.stringify(source)}`, parsed.location, jobFolderSandbox(ctx.baseDir, ARTIFACT_READS)) ?? parsed.location;
      } catch (error) {
        if (error instanceof FileSandboxError) throw new FilePlanError(`${what}: ${error.message}`);
        throw error;
      }
    }
    const modeValue = str(block.body, 'mode', ctx) ?? 'any';
    if (modeValue !== 'any' && modeValue !== 'file' && modeValue !== 'dir') throw new FilePlanError(`${what}: mode must be any, file or dir`);
    const options = blocksOf(block.body, 'options')[0];
    const optionMap: Record<string, string> = {};
    if (options) Object.assign(optionMap, readStringMap(block.body, 'options', ctx.jobspec, []));
    const optionsAttr = attributeOf(block.body, 'options');
    if (optionsAttr) Object.assign(optionMap, readStringMap(block.body, 'options', ctx.jobspec, []));
    const checksumText = optionMap.checksum !== undefined ? ctx.simple(optionMap.checksum) : parsed.checksum;
    let checksum: ArtifactPlan['checksum'];
    if (checksumText) {
      try {
        checksum = parseChecksum(checksumText);
      } catch (error) {
        throw new FilePlanError(`${what}: ${(error as Error).message}`);
      }
    }
    const archiveOption = optionMap.archive;
    const archive = !(archiveOption === 'false' || parsed.archiveDisabled);
    const dest = destinationPaths(ctx.simple(str(block.body, 'destination', ctx) ?? 'local/'), ctx);
    if (!isInside(path.dirname(ctx.taskDir), dest.host)) throw new FilePlanError(`${what}: destination ${dest.inTask} leaves the alloc dir`);
    const headers = readStringMap(block.body, 'headers', ctx.jobspec, []);
    const archiveType = archive ? archiveTypeOf(parsed.baseName, parsed.archiveForced ?? (archiveOption && archiveOption !== 'true' ? archiveOption : undefined)) : undefined;
    out.push({
      source,
      kind: parsed.kind,
      location: parsed.location,
      ...(parsed.kind === 'file' ? { jobFolder: ctx.baseDir } : {}),
      fileName: parsed.baseName,
      ...(archiveType ? { archiveType } : {}),
      destination: dest.host,
      destinationInTask: dest.inTask,
      mode: modeValue,
      archive,
      ...(checksum ? { checksum } : {}),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, ctx.simple(v)])),
      place: block.range,
    });
  }));
  return out;
}

export function planTemplates(body: Body, ctx: FilePlanContext): TemplatePlan[] {
  const out: TemplatePlan[] = [];
  blocksOf(body, 'template').forEach((block, i) => within(block, () => {
    const index = i + 1;
    const destinationRaw = str(block.body, 'destination', ctx);
    const what = `${ctx.where} template ${index}${destinationRaw ? ` (${destinationRaw})` : ''}`;
    if (!destinationRaw) throw new FilePlanError(`${what}: destination is missing`);
    const dest = destinationPaths(ctx.simple(destinationRaw), ctx);
    if (!isInside(path.dirname(ctx.taskDir), dest.host) || dest.host === path.dirname(ctx.taskDir)) throw new FilePlanError(`${what}: destination ${dest.inTask} leaves the alloc dir`);
    const dataAttr = attributeOf(block.body, 'data');
    const data = str(block.body, 'data', ctx);
    const sourceRaw = str(block.body, 'source', ctx);
    if (data === undefined && sourceRaw === undefined) throw new FilePlanError(`${what}: needs data or source`);
    const leftDelimiter = str(block.body, 'left_delimiter', ctx) || '{{';
    const rightDelimiter = str(block.body, 'right_delimiter', ctx) || '}}';
    const permsText = str(block.body, 'perms', ctx) ?? '0644';
    if (!/^[0-7]{3,4}$/.test(permsText)) throw new FilePlanError(`${what}: perms ${JSON.stringify(permsText)} is not an octal mode`);
    // Line of the template's first text line in the job file (a heredoc starts on the next line).
    let jobFileLine = block.range.start.line + 1;
    if (dataAttr) {
      const heredoc = dataAttr.value.kind === 'template' && dataAttr.value.heredoc;
      jobFileLine = dataAttr.value.range.start.line + (heredoc ? 2 : 1);
    }
    const envValue = evalAttr(block.body, 'env', ctx.jobspec);
    const missingKey = evalAttr(block.body, 'error_on_missing_key', ctx.jobspec);
    const plan: TemplatePlan = {
      index,
      destination: dest.host,
      destinationInTask: dest.inTask,
      perms: parseInt(permsText, 8),
      leftDelimiter,
      rightDelimiter,
      env: envValue === true,
      errorOnMissingKey: missingKey === true,
      jobFileLine,
    };
    if (data !== undefined) {
      plan.data = data;
      assertLocalTemplate(data, plan, what);
    } else {
      // `source` is a path on the client, inside the task dir or the shared alloc dir (Nomad's sandbox):
      // relative to the task dir (often put there by an artifact), a task path such as
      // `${NOMAD_TASK_DIR}/x.tpl`, or a host path already inside. A relative source not found there is read
      // next to the job file, for local convenience, and only inside the job file's folder.
      const raw = ctx.simple(sourceRaw!);
      const sandbox = templateSourceSandbox(ctx.taskDir, ctx.sharedDir);
      const shown = `source ${JSON.stringify(raw)}`;
      const refuse = (why: string): never => {
        throw new FilePlanError(`${what}: ${sandbox.rule}: ${shown} ${why}`);
      };
      const escape = templateSourceEscape(raw);
      if (path.isAbsolute(raw) && (isWithin(path.normalize(raw), ctx.taskDir) || isWithin(path.normalize(raw), ctx.sharedDir))) {
        plan.source = path.normalize(raw); // a host path already inside the task
      } else if (escape) {
        refuse(escape);
      } else if (path.isAbsolute(raw)) {
        plan.source = hostPathOf(path.posix.normalize(raw), ctx.taskDir, [{ host: ctx.sharedDir, task: '/alloc' }]);
      } else {
        const joined = path.join(ctx.taskDir, raw);
        if (!isWithin(joined, ctx.taskDir) && !isWithin(joined, ctx.sharedDir)) refuse(`leads to ${joined}, outside the task directory`);
        plan.source = hostPathOf(path.posix.resolve('/', raw), ctx.taskDir, [{ host: ctx.sharedDir, task: '/alloc' }]);
        plan.sourceNearJobFile = path.resolve(ctx.baseDir, raw);
        plan.jobFolder = ctx.baseDir;
      }
      // A source already on disk (not one an artifact brings) is checked now, so --plan can tell.
      const existing = plan.sourceNearJobFile;
      if (existing) {
        let text: string | undefined;
        try {
          text = readFileInside(shown, existing, jobFolderSandbox(ctx.baseDir, BESIDE_JOB_READS));
        } catch (error) {
          if (error instanceof FileSandboxError) throw new FilePlanError(`${what}: ${error.message}`);
          text = undefined; // absent (an artifact may bring it) or unreadable: said when the task starts
        }
        if (text !== undefined) assertLocalTemplate(text, { ...plan, source: existing }, what);
      }
    }
    out.push({ ...plan, place: block.range });
  }));
  return out;
}

/** Throws a FilePlanError naming the function, template and job-file line when the text cannot render locally. */
export function assertLocalTemplate(text: string, plan: TemplatePlan, what: string): void {
  if (!text.includes(plan.leftDelimiter)) return;
  const { checkTemplate, TemplateError } = require('../../server/src/template') as typeof Templates;
  try {
    checkTemplate(text, { leftDelimiter: plan.leftDelimiter, rightDelimiter: plan.rightDelimiter });
  } catch (error) {
    if (error instanceof TemplateError) {
      const line = plan.data !== undefined ? plan.jobFileLine + error.line - 1 : error.line;
      const place = plan.data !== undefined ? `job file line ${line}` : `line ${line} of ${plan.source}`;
      const problem = new FilePlanError(`${what}, ${place}: ${error.message}`);
      if (plan.data !== undefined) problem.range = { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } };
      throw problem;
    }
    throw error;
  }
}
