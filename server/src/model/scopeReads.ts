// Which of the file's variables and locals a group can depend on. An edit to a variable's default or to a
// local used to rebuild every group of the model and re-check every group (checks/groupMemo.ts): typing in a
// `default` of a 1 MB job cost about 350-700 ms per keystroke. A group reads variables and locals only
// through expressions: its own (its assembly here: dynamic labels, driver names) and, for its checks, also
// those of the job's own settings (a job `name` or `meta` seen from each group), and those of the locals
// these name. So a group stays valid across such an edit when each name those expressions read is declared
// by the same model objects before and after. Anything less plain (`var["x"]`, `var` alone, a name declared
// nowhere, whose finding suggests the nearest declared name) makes the group depend on all of them.
import type { Attribute, Body, BodyItem, Expr, JobFile, VariableDecl } from './types';
import { walkExpr } from './exprWalk';

/** The variable and local names an item's expressions read, in the order first read. */
export interface ScopeReads {
  variables: readonly string[];
  locals: readonly string[];
  /** A read that names no variable or local plainly (`var["x"]`, `var` alone): all of them may be read. */
  opaque: boolean;
}

/** The declarations a run read names against: the model's maps, kept without the rest of the model. */
export interface ScopeView {
  variables: ReadonlyMap<string, VariableDecl>;
  locals: ReadonlyMap<string, Attribute>;
}

export function scopeViewOf(file: JobFile): ScopeView {
  return { variables: file.variables, locals: file.locals };
}

// Per model item: an item an edit did not touch is the same object (model/build.ts), so it is read once.
const known = new WeakMap<BodyItem, ScopeReads>();

export function scopeReadsOf(item: BodyItem): ScopeReads {
  let reads = known.get(item);
  if (!reads) known.set(item, (reads = collect(item)));
  return reads;
}

function collect(item: BodyItem): ScopeReads {
  const variables = new Set<string>();
  const locals = new Set<string>();
  let opaque = false;
  const visitor = {
    reference(ref: Extract<Expr, { kind: 'reference' }>): void {
      if (ref.root !== 'var' && ref.root !== 'local') return;
      // Names bound by `for` or a `dynamic` iterator are not told apart here: counting such a name as a
      // read only makes the group depend on more than it does.
      const first = ref.path[0];
      if (!first || first.kind !== 'attr') opaque = true;
      else (ref.root === 'var' ? variables : locals).add(first.name);
    },
  };
  const NONE: ReadonlySet<string> = new Set();
  const visitBody = (body: Body): void => {
    for (const child of body.items) visitItem(child);
  };
  const visitItem = (child: BodyItem): void => {
    if (child.kind === 'attribute') {
      walkExpr(child.value, NONE, visitor);
      return;
    }
    visitBody(child.body);
    const content = child.dynamic?.content;
    if (content && !child.body.items.some((i) => i.kind === 'block' && i.body === content)) visitBody(content);
  };
  visitItem(item);
  return { variables: [...variables], locals: [...locals], opaque };
}

/**
 * Whether what `reads` name is declared by the same objects in `before` and `now` (locals followed to what
 * their values read). False for an opaque read or a name declared in neither.
 */
export function sameDeclarations(reads: ScopeReads, before: ScopeView, now: ScopeView): boolean {
  if (before === now) return true;
  // Made only when a local is read (most groups read none): a cycle of locals ends here.
  let seen: Set<string> | undefined;
  const same = (r: ScopeReads): boolean => {
    if (r.opaque) return false;
    for (const name of r.variables) {
      const a = before.variables.get(name);
      const b = now.variables.get(name);
      if (!a || !b || a.block !== b.block || a.default !== b.default) return false;
    }
    for (const name of r.locals) {
      seen ??= new Set();
      if (seen.has(name)) continue;
      seen.add(name);
      const a = before.locals.get(name);
      if (!a || a !== now.locals.get(name) || !same(scopeReadsOf(a))) return false;
    }
    return true;
  };
  return same(reads);
}
