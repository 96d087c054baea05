// Every block and attribute of the file against the one schema (schema/jobspec.ts). Driver `config`
// bodies are left to the driver's own check (execConfig.ts); other drivers' config is free-form.
import { ROOT, bodyOfBlock } from '../schema/lookup';
import type { Check } from './check';
import { SchemaWalker, describe } from './schemaWalker';
import { FindingMemo, ownBody } from './memo';

// Findings per block: an edit re-walks only the blocks from the root down to it (memo.ts).
const memo = new FindingMemo();

/** The schema of a job's body, where its groups are. */
const JOB_BODY = bodyOfBlock(ROOT.blocks.job, undefined);

export const schemaConformance: Check = {
  name: 'schemaConformance',
  run(ctx) {
    // A job's groups are walked by `groups` below, not here.
    new SchemaWalker(ctx, { memo, ownBody: (block) => ownBody(ctx, block) }).walk(ctx.file.body, ROOT, [], 'the file');
  },
  // Walked as the job body's walk would (same schema, path and wording), so memo entries are shared.
  groups(ctx, job) {
    const where = describe(job.block);
    return (ctx, group) => new SchemaWalker(ctx, { memo }).blockOnly(group.block, JOB_BODY, ['job'], where, undefined);
  },
};
