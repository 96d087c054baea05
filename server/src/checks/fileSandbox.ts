// The file sandboxes a local run enforces, reported while editing with the runner's own words
// (model/fileSandbox.ts): HCL `file()`/`fileexists()` and local artifact sources read only inside the job
// file's folder, a template `source` only inside the task (Nomad's template.disable_file_sandbox = false).
// Whether a path leaves the folder through a link depends on the disk: that part is looked at again on every
// run of the checks (`live`), the rest is remembered with the group.
import * as path from 'node:path';
import type { Block, Body, Expr, Group } from '../model/types';
import {
  ARTIFACT_READS,
  assertLexicallyInside,
  FileSandboxError,
  HCL_FILE_READS,
  jobFolderSandbox,
  realPathInside,
  templateSourceEscape,
  TEMPLATE_SOURCE_RULE,
} from '../model/fileSandbox';
import { findAttribute, groupBody, knownString, taskBody } from '../schema/runtimeQuery';
import type { Check, CheckContext } from './check';
import { walkExpr } from '../model/exprWalk';
import { FindingMemo, fileTokenOf, live, ownBody } from './memo';
import { realPathOnMachine } from './machine';

const NO_NAMES: ReadonlySet<string> = new Set();

export const fileSandboxCheck: Check = {
  name: 'file-sandbox',
  run(ctx) {
    // Outside the groups: variable defaults, locals, the job's own attributes and blocks.
    for (const item of ctx.file.body.items) {
      if (item.kind === 'attribute') checkCalls(ctx, item.value);
      // The body without the job's groups (a thousand in a 1 MB job), and without blocks that would be groups.
      else if (item.type === 'job') walkBody(ctx, ownBody(ctx, item), (block) => block.type !== 'group' && block.type !== 'task' && !(block.type === 'dynamic' && (block.dynamic?.blockType === 'group' || block.dynamic?.blockType === 'task')));
      else walkBody(ctx, item.body, ALL_BLOCKS);
    }
  },
  groups: () => checkGroup,
};

function checkGroup(ctx: CheckContext, group: Group): void {
  if (!group.implicit) {
    walkBody(ctx, groupBody(group), (block) => block.type !== 'task' && !(block.type === 'dynamic' && block.dynamic?.blockType === 'task'));
  }
  for (const task of group.tasks) {
    const body = taskBody(task);
    if (!body) continue;
    walkBody(ctx, body, ALL_BLOCKS);
    for (const block of blocksOf(body, 'template')) checkTemplateSource(ctx, block);
    for (const block of blocksOf(body, 'artifact')) checkArtifactSource(ctx, block);
  }
}

function blocksOf(body: Body, type: string): Block[] {
  const out: Block[] = [];
  for (const item of body.items) {
    if (item.kind !== 'block') continue;
    if (item.type === type) out.push(item);
    else if (item.type === 'dynamic' && item.dynamic?.blockType === type && item.dynamic.content) out.push({ ...item, body: item.dynamic.content });
  }
  return out;
}

/** Every expression of `body` and of the nested blocks `enter` accepts. */
function walkBody(ctx: CheckContext, body: Body, enter: (block: Block) => boolean): void {
  // A large body (30,000 locals) can stop between two items (memo.ts): what depends on the disk is recorded
  // as a live step and looked at again when the walk goes on.
  memo.eachItem(ctx, body, fileTokenOf(ctx), (ctx, item) => {
    if (item.kind === 'attribute') checkCalls(ctx, item.value);
    else if (enter(item)) walkBody(ctx, item.body, ALL_BLOCKS);
  });
}

const ALL_BLOCKS = (): boolean => true;
const memo = new FindingMemo();

function checkCalls(ctx: CheckContext, expr: Expr): void {
  walkExpr(expr, NO_NAMES, {
    call(call) {
      if (call.name !== 'file' && call.name !== 'fileexists') return;
      const written = knownString(call.args[0], ctx.evaluator);
      if (written === undefined) return;
      checkJobFolderPath(ctx, `${call.name}(${JSON.stringify(written)})`, written, HCL_FILE_READS, call.args[0].range);
    },
  });
}

/**
 * Reports a path read from the job's folder that leaves it: as written (`../x`, or an absolute path elsewhere)
 * now, through a link on every run. Without a folder (an unsaved document) only `..` can be judged.
 */
function checkJobFolderPath(ctx: CheckContext, shown: string, written: string, reads: string, range: Expr['range']): void {
  const dir = ctx.documentDir;
  const report = (message: string) => ctx.report({ range, code: 'file-outside-job-folder', message: `${message}; a local run refuses to read it.` });
  if (!dir) {
    const normal = path.posix.normalize(written);
    if (!written.startsWith('/') && (normal === '..' || normal.startsWith('../'))) {
      report(`${jobFolderSandbox('.', reads).rule}: ${shown} climbs out of the job file's folder`);
    }
    return;
  }
  const sandbox = jobFolderSandbox(dir, reads);
  const full = path.resolve(dir, written);
  try {
    assertLexicallyInside(shown, full, sandbox);
  } catch (error) {
    if (error instanceof FileSandboxError) report(error.message);
    return;
  }
  live(ctx, (ctx) => {
    try {
      realPathInside(shown, full, sandbox, realPathOnMachine);
    } catch (error) {
      if (error instanceof FileSandboxError) ctx.report({ range, code: 'file-outside-job-folder', message: `${error.message}; a local run refuses to read it.` });
    }
  });
}

function checkTemplateSource(ctx: CheckContext, template: Block): void {
  const attribute = findAttribute(template.body, 'source');
  const source = knownString(attribute?.value, ctx.evaluator);
  if (!attribute || source === undefined) return;
  const escape = templateSourceEscape(source);
  if (!escape) return;
  ctx.report({
    range: attribute.value.range,
    code: 'template-source-outside-task',
    message: `${TEMPLATE_SOURCE_RULE}: source ${JSON.stringify(source)} ${escape}. A Nomad client refuses it, and so does a local run; an artifact can bring the file into the task (e.g. source = "local/...").`,
  });
}

/** go-getter reads these as local paths (or `file://` URLs); anything else is fetched, not read from disk. */
function localArtifactPath(source: string): string | undefined {
  const body = source.replace(/^file::/i, '');
  if (/^file:\/\//i.test(body)) {
    try {
      return decodeURIComponent(new URL(body.replace(/\?.*$/, '')).pathname);
    } catch {
      return undefined;
    }
  }
  if (/^([A-Za-z0-9]+)::/.test(body) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(body)) return undefined;
  if (body.startsWith('/') || body === '.' || body === '..' || body.startsWith('./') || body.startsWith('../')) return body.replace(/\?.*$/, '');
  return undefined;
}

function checkArtifactSource(ctx: CheckContext, artifact: Block): void {
  const attribute = findAttribute(artifact.body, 'source');
  const source = knownString(attribute?.value, ctx.evaluator);
  if (!attribute || source === undefined || source.includes('${')) return;
  const local = localArtifactPath(source);
  if (local === undefined) return;
  checkJobFolderPath(ctx, `local source ${JSON.stringify(source)}`, local, ARTIFACT_READS, attribute.value.range);
}
