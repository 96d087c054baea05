// Calls of HCL functions: the name must be one a job file may call (the function table, schema/functions.ts,
// or one a client accepts in a driver config interpolation), with as many arguments as it takes. Nomad
// refuses the job at submission otherwise.
import type { Check, CheckContext } from './check';
import { nearestName } from '../schema/capabilities';
import { HCL_FUNCTION_BY_NAME, argumentCount, functionSignature } from '../schema/functions';
import { CONFIG_FUNCTION_NAMES } from '../schema/runtimeNames';
import { walkExpr } from '../model/exprWalk';
import { walkBlock, walkRemembered, type BodyVisitor } from './jobWalk';
import { FindingMemo, blockKey, fileTokenOf, ownBody } from './memo';

const KNOWN_NAMES = [...HCL_FUNCTION_BY_NAME.keys(), ...CONFIG_FUNCTION_NAMES];

export const functionCallsCheck: Check = {
  name: 'function-calls',
  run(ctx) {
    // A job's groups are walked by `groups` below.
    walkRemembered(memo, ctx, ctx.file.body, fileTokenOf(ctx), visitorFor, []);
  },
  groups(_ctx, job) {
    return (ctx, group) => walkBlock(group.block, NO_NAMES, visitorFor(ctx), [job.block]);
  },
};

function visitorFor(ctx: CheckContext): BodyVisitor {
  return {
    bodyOf: (block) => ownBody(ctx, block),
    // Findings depend on the block alone: remembered per block (memo.ts).
    enterBlock(block, parents) {
      if (!ctx.incremental) return true;
      const token = fileTokenOf(ctx);
      memo.run(ctx, blockKey(ctx, block), token, (inner) => walkRemembered(memo, inner, ownBody(inner, block), token, visitorFor, [...parents, block]));
      return false;
    },
    attribute(attribute, bound, parents) {
      // A variable's `type = list(string)` is a type constraint: `list` and `map` there are not functions.
      if (attribute.name === 'type' && parents[parents.length - 1]?.type === 'variable') return;
      walkExpr(attribute.value, bound, {
        call(call) {
          if (!call.name || TYPE_CONSTRUCTORS.has(call.name)) return;
          const fn = HCL_FUNCTION_BY_NAME.get(call.name);
          if (!fn) {
            if (CONFIG_FUNCTION_NAMES.has(call.name)) return;
            const suggestion = nearestName(call.name, KNOWN_NAMES);
            ctx.report({
              range: call.nameRange,
              code: 'unknown-function',
              message: `\`${call.name}\` is not a function Nomad job files can call; Nomad refuses the job when it is submitted.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
              data: suggestion ? { replacement: suggestion } : undefined,
            });
            return;
          }
          // `f(list...)` spreads a list: how many arguments that makes is not known here.
          if (call.expandFinal) return;
          const { min, max } = argumentCount(fn);
          const n = call.args.length;
          if (n >= min && n <= max) return;
          const wanted = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
          ctx.report({
            range: call.range,
            code: 'argument-count',
            message: `\`${call.name}\` takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${n}: \`${functionSignature(fn)}\`.`,
          });
        },
      });
    },
  };
}

const NO_NAMES: ReadonlySet<string> = new Set();
/** Type constructors, valid in the type argument of `convert` (walked like any other argument). */
const TYPE_CONSTRUCTORS: ReadonlySet<string> = new Set(['list', 'map', 'set', 'object', 'tuple']);
const memo = new FindingMemo();
