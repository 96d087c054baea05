// Every block and attribute of the file against the one schema (schema/jobspec.ts). Driver `config`
// bodies are left to the driver's own check (execConfig.ts); other drivers' config is free-form.
import { ROOT } from '../schema/lookup';
import type { Check } from './check';
import { SchemaWalker } from './schemaWalker';
import { FindingMemo } from './memo';

// Findings per block: an edit re-walks only the blocks from the root down to it (memo.ts).
const memo = new FindingMemo();

export const schemaConformance: Check = {
  name: 'schemaConformance',
  run(ctx) {
    new SchemaWalker(ctx, { memo }).walk(ctx.file.body, ROOT, [], 'the file');
  },
};
