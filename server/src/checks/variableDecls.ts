// How Nomad reads the declarations of input variables and local values before anything else in the file
// (its jobspec2 decoder): it refuses the job when a variable's name is not an identifier, a variable or a
// local value is declared twice, a type is not an exact type, a default reads anything or does not fit the
// type, or a validation block tests something other than its own variable or gives a message that is not a
// sentence. `nomad job validate` says so; without these findings the first to say it is the submit.
import type { Attribute, Block, Expr } from '../model/types';
import type { Check, CheckContext } from './check';
import { walkExpr } from '../model/exprWalk';
import { attributeOf, blocksOf } from '../model/build';
import { isIdentifier } from '../parser/hclLexer';
import { nearestName } from '../schema/capabilities';
import { TYPE_WORDS, conversionProblem, readType, typeName, type TypeSpec } from '../model/typeExpr';
import { FindingMemo, fileTokenOf } from './memo';

// A variable's findings depend on its block alone (a default that reads anything is not evaluated), those of
// the locals blocks on them alone: remembered under the file token, as the variable references check does, so
// an edit in the job replays them.
const memo = new FindingMemo();

export const variableDeclsCheck: Check = {
  name: 'variable-declarations',
  run(ctx) {
    const items = ctx.file.body.items;
    const variables = new Map<string, number>();
    const declared = (name: string, range: Attribute['nameRange']): void => {
      const first = variables.get(name);
      if (first === undefined) variables.set(name, range.start.line);
      else ctx.report({ range, code: 'duplicate', message: `Variable "${name}" is declared twice (first on line ${first + 1}); Nomad refuses the job.` });
    };
    for (const item of items) {
      if (item.kind !== 'block') continue;
      if (item.type === 'variable' && item.labels.length > 0) {
        const label = item.labels[0];
        declared(label.value, label.range);
        memo.run(ctx, item, fileTokenOf(ctx), (inner) => checkVariable(inner, item));
      } else if (item.type === 'variables') {
        for (const entry of item.body.items) {
          if (entry.kind !== 'attribute') continue;
          declared(entry.name, entry.nameRange);
          checkDefault(ctx, entry.value, undefined);
        }
      }
    }
    // One locals block: a name set twice there is HCL's own error (schema conformance says so). Several: what
    // they set is compared only when one of them changed (the file token covers them), not at every keystroke.
    const locals = blocksOf(ctx.file.body, 'locals');
    if (locals.length > 1) memo.run(ctx, locals[0], fileTokenOf(ctx), (inner) => checkLocals(inner, locals));
  },
};

function checkLocals(ctx: CheckContext, blocks: Block[]): void {
  const first = new Map<string, { block: Block; line: number }>();
  for (const block of blocks) {
    for (const entry of block.body.items) {
      if (entry.kind !== 'attribute') continue;
      const earlier = first.get(entry.name);
      if (!earlier) first.set(entry.name, { block, line: entry.nameRange.start.line });
      else if (earlier.block !== block) {
        ctx.report({ range: entry.nameRange, code: 'duplicate', message: `Local value "${entry.name}" is set in two locals blocks (first on line ${earlier.line + 1}); Nomad refuses the job.` });
      }
    }
  }
}

function checkVariable(ctx: CheckContext, block: Block): void {
  const label = block.labels[0];
  const name = label.value;
  if (!isIdentifier(name)) {
    ctx.report({
      range: label.range,
      code: 'invalid-name',
      message: `"${name}" is not a valid variable name: a name starts with a letter or underscore and holds only letters, digits, underscores and dashes. Nomad refuses the job.`,
    });
  }
  const typeAttribute = attributeOf(block.body, 'type');
  const read = typeAttribute ? readType(typeAttribute.value, (word) => nearestName(word, TYPE_WORDS)) : undefined;
  for (const problem of read?.problems ?? []) {
    ctx.report({ range: problem.range, code: 'invalid-value', message: problem.message, data: problem.replacement ? { replacement: problem.replacement } : undefined });
  }
  const def = attributeOf(block.body, 'default');
  if (def) checkDefault(ctx, def.value, read?.type);
  for (const item of block.body.items) if (item.kind === 'block' && item.type === 'validation') checkValidation(ctx, item, name);
}

/** What in `expr` cannot be read before the variables are (references and calls), with how each is written. */
function readsOf(expr: Expr): { range: Expr['range']; what: string; call: boolean }[] {
  const found: { range: Expr['range']; what: string; call: boolean }[] = [];
  walkExpr(expr, new Set(), {
    reference(ref, bound) {
      if (bound.has(ref.root)) return;
      const first = ref.path[0];
      found.push({ range: ref.range, what: first?.kind === 'attr' ? `${ref.root}.${first.name}` : ref.root, call: false });
    },
    call(call) {
      found.push({ range: call.nameRange, what: call.name, call: true });
    },
  });
  return found;
}

/** A default is read with nothing else known: no variables, locals or functions; and it must fit the type. */
function checkDefault(ctx: CheckContext, value: Expr, type: TypeSpec | undefined): void {
  const reads = readsOf(value);
  for (const read of reads) {
    const what = read.call ? `call ${read.what}()` : `read \`${read.what}\``;
    ctx.report({ range: read.range, code: 'invalid-value', message: `A variable's default is read before anything else in the file, so it cannot ${what}: write the value itself. Nomad refuses the job.` });
  }
  if (reads.length > 0 || !type) return;
  const problem = conversionProblem(ctx.evaluator.evaluate(value), type);
  if (problem) {
    ctx.report({ range: value.range, code: 'type-mismatch', message: `This default does not fit the variable's type ${typeName(type)}: ${problem}. Nomad refuses the job.` });
  }
}

function checkValidation(ctx: CheckContext, block: Block, name: string): void {
  const condition = attributeOf(block.body, 'condition');
  if (condition && condition.value.kind !== 'invalid') {
    // Functions are there to be called; of what is read, only the variable itself.
    const reads = readsOf(condition.value).filter((read) => !read.call);
    const own = `var.${name}`;
    for (const read of reads) {
      if (read.what !== own) ctx.report({ range: read.range, code: 'invalid-value', message: `A validation condition may read only the variable it checks: ${own}, not \`${read.what}\`. Nomad refuses the job.` });
    }
    if (!reads.some((read) => read.what === own)) ctx.report({ range: condition.value.range, code: 'invalid-value', message: `A validation condition must read ${own} to test the value it is given. Nomad refuses the job.` });
  }
  const message = attributeOf(block.body, 'error_message');
  if (!message || message.value.kind === 'invalid') return;
  if (readsOf(message.value).length > 0) {
    ctx.report({ range: message.value.range, code: 'invalid-value', message: 'An error_message is read before anything else in the file, so it cannot hold references or function calls: write the text itself. Nomad refuses the job.' });
    return;
  }
  const text = ctx.evaluator.evaluate(message.value);
  if (typeof text !== 'string') return;
  if (text === '') {
    ctx.report({ range: message.value.range, code: 'invalid-value', message: 'An error_message may not be empty: say what the value must be. Nomad refuses the job.' });
  } else if (!isSentences(text)) {
    ctx.report({
      range: message.value.range,
      code: 'invalid-value',
      message: 'Nomad wants an error_message written as full sentences: starting with a capital letter (when it starts with a letter) and ending with a period, a question mark or an exclamation mark. It refuses the job.',
    });
  }
}

/** Nomad's test of an error message: a letter first must be a capital, and the last character ends a sentence. */
function isSentences(text: string): boolean {
  const chars = [...text];
  const first = chars[0];
  const last = chars[chars.length - 1];
  if (/^\p{L}$/u.test(first) && !/^\p{Lu}$/u.test(first)) return false;
  return last === '.' || last === '?' || last === '!';
}
