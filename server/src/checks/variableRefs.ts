// `var.<name>` and `local.<name>` must be declared: HCL evaluates them when the job is submitted and refuses
// the file otherwise. Unlike runtime names they are never left as text for the client.
import type { JobFile } from '../model/types';
import type { Check, CheckContext } from './check';
import { nearestName } from '../schema/capabilities';
import { isIdentifier } from '../parser/hclLexer';
import { walkExpr } from '../model/exprWalk';
import { walkBlock, walkRemembered, type BodyVisitor } from './jobWalk';
import { FindingMemo, blockKey, fileTokenOf, ownBody } from './memo';

export const variableRefsCheck: Check = {
  name: 'variable-references',
  run(ctx) {
    // The jobs' groups are walked by `groups` below.
    const declared = declarations(ctx.file);
    walkRemembered(memo, ctx, ctx.file.body, fileTokenOf(ctx), (ctx) => visitorFor(ctx, declared), []);
  },
  // Walked as the job body's walk would (a block of the job), so memo entries are shared.
  groups(ctx, job) {
    const declared = declarations(ctx.file);
    return (ctx, group) => walkBlock(group.block, NO_NAMES, visitorFor(ctx, declared), [job.block]);
  },
};

interface Declarations {
  variables: ReadonlySet<string>;
  locals: ReadonlySet<string>;
  /**
   * What is said of each undeclared `var.x` or `local.x` (by `var.x`): a generated file names the same missing
   * variable thousands of times, and each suggestion compares it with every declared name.
   */
  unknown: Map<string, { message: string; data: unknown }>;
}

/**
 * By model: asked by every attempt of a run (each check's per-group part is made again after a pause,
 * pause.ts), and a file of 30,000 locals made a set of all of them each time.
 */
const declarationsByFile = new WeakMap<JobFile, Declarations>();

function declarations(file: JobFile): Declarations {
  let known = declarationsByFile.get(file);
  if (!known) declarationsByFile.set(file, (known = declarationsOf(file)));
  return known;
}

function declarationsOf(file: JobFile): Declarations {
  const variables = new Set(file.variables.keys());
  // `variables { name = default }` declares too; read it from the body in case the model keeps it apart.
  for (const item of file.body.items) {
    if (item.kind === 'block' && item.type === 'variables') {
      for (const entry of item.body.items) if (entry.kind === 'attribute') variables.add(entry.name);
    }
  }
  return { variables, locals: new Set(file.locals.keys()), unknown: new Map() };
}

function visitorFor(ctx: CheckContext, declared: Declarations): BodyVisitor {
  const { variables, locals, unknown } = declared;
  return {
    bodyOf: (block) => ownBody(ctx, block),
    // A block outside any `dynamic` block (no names bound there) depends only on the declarations, which are
    // part of the file token: its findings are remembered per block (memo.ts).
    enterBlock(block, parents) {
      if (!ctx.incremental || block.type === 'dynamic' || parents.some((p) => p.type === 'dynamic')) return true;
      const token = fileTokenOf(ctx);
      memo.run(ctx, blockKey(ctx, block), token, (inner) => walkRemembered(memo, inner, ownBody(inner, block), token, (ctx) => visitorFor(ctx, declared), [...parents, block]));
      return false;
    },
    attribute(attribute, bound) {
      walkExpr(attribute.value, bound, {
        reference(ref, names) {
          if (names.has(ref.root)) return;
          if (ref.root !== 'var' && ref.root !== 'local') return;
          const first = ref.path[0];
          if (!first || first.kind !== 'attr') return; // `var` alone or `var[...]`: not a plain name
          const known = ref.root === 'var' ? variables : locals;
          if (known.has(first.name)) return;
          const written = `${ref.root}.${first.name}`;
          let said = unknown.get(written);
          if (!said) {
            // Only a name that can follow `var.`: a `variable` label may be any string, and such a name put in
            // place would be a syntax error.
            const suggestion = nearestName(first.name, [...known].filter(isIdentifier));
            const what = ref.root === 'var' ? 'variable' : 'local value';
            const where = ref.root === 'var' ? 'no `variable "' + first.name + '"` block' : 'no `locals` block sets it';
            said = {
              message: `\`${written}\` is not a declared ${what} (${where}); Nomad refuses the job when it is submitted.${suggestion ? ` Did you mean \`${ref.root}.${suggestion}\`?` : ''}`,
              data: suggestion ? { replacement: `${ref.root}.${suggestion}` } : undefined,
            };
            unknown.set(written, said);
          }
          // `var.x` alone: the reference's own range is that place (a generated file names one thousands of times).
          const range = ref.path.length === 1 ? ref.range : { start: ref.rootRange.start, end: first.range.end };
          ctx.report({ range, code: 'unknown-variable', message: said.message, data: said.data });
        },
      });
    },
  };
}

const NO_NAMES: ReadonlySet<string> = new Set();
const memo = new FindingMemo();
