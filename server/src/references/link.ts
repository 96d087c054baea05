// Linking uses to declarations: which port, volume, meta key or variable a use names, by the rules of
// where Nomad looks (a task's own meta before its group's and the job's; ports of the group, and of
// another task's own network through NOMAD_ADDR_<task>_<label>).
import type { Block } from '../model/types';
import type { ReferenceKind } from '../schema/types';
import { envForm } from '../schema/references';
import type { Declaration, Use } from './types';

const NO_DECLARATIONS: readonly Declaration[] = [];

/**
 * Declarations by kind and name (the first of a name wins), and by group for ports and volumes. A unit's
 * linker holds the unit's own declarations and falls back to `outer`, the file-wide ones, made once per
 * index: as if `outer`'s declarations came after its own, without copying them (a job with a thousand
 * groups has thousands of services and template destinations, and a copy per group was quadratic).
 */
export class Linker {
  private readonly byKind = new Map<ReferenceKind, Declaration[]>();
  private readonly byName = new Map<string, Declaration>();
  private readonly byGroup = new Map<Block | undefined, Declaration[]>();

  constructor(
    declarations: readonly Declaration[],
    private readonly outer?: Linker,
  ) {
    for (const d of declarations) {
      let list = this.byKind.get(d.kind);
      if (!list) this.byKind.set(d.kind, (list = []));
      list.push(d);
      const key = `${d.kind}\u0000${d.name}`;
      if (!this.byName.has(key)) this.byName.set(key, d);
      if (d.kind === 'port' || d.kind === 'volume') {
        let inGroup = this.byGroup.get(d.group);
        if (!inGroup) this.byGroup.set(d.group, (inGroup = []));
        inGroup.push(d);
      }
    }
  }

  private all(kind: ReferenceKind): readonly Declaration[] {
    const own = this.byKind.get(kind) ?? NO_DECLARATIONS;
    const outer = this.outer?.all(kind) ?? NO_DECLARATIONS;
    return outer.length === 0 ? own : own.length === 0 ? outer : [...own, ...outer];
  }

  private named(kind: ReferenceKind, name: string): Declaration | undefined {
    const key = `${kind}\u0000${name}`;
    return this.byName.get(key) ?? this.outer?.byName.get(key);
  }

  private inGroup(group: Block | undefined): readonly Declaration[] {
    const own = this.byGroup.get(group) ?? NO_DECLARATIONS;
    const outer = this.outer?.inGroup(group) ?? NO_DECLARATIONS;
    return outer.length === 0 ? own : own.length === 0 ? outer : [...own, ...outer];
  }

  link(use: Use): Use {
    const linked: Use = { ...use };
    switch (use.kind) {
      case 'variable':
      case 'local':
      case 'service':
        linked.target = this.named(use.kind, use.written);
        break;
      case 'volume':
        linked.target = this.inGroup(use.group).find((d) => d.kind === 'volume' && d.name === use.written);
        break;
      case 'port':
        this.linkPort(linked);
        break;
      case 'meta':
        linked.target = this.meta(use);
        break;
    }
    return linked;
  }

  private linkPort(use: Use): void {
    const ports = this.inGroup(use.group).filter((d) => d.kind === 'port');
    const own = ports.filter((d) => !d.task || d.task === use.task);
    const matches = (d: Declaration, written: string) => d.name === written || envForm(d.name) === written;
    const direct = own.find((d) => matches(d, use.written));
    if (direct) {
      use.target = direct;
      return;
    }
    if (!use.family?.taskQualified) return;
    // NOMAD_ADDR_<task>_<label>: a port of another task's own network.
    for (const d of ports) {
      if (!d.task) continue;
      const taskName = this.taskName(d.task);
      const prefix = envForm(taskName) + '_';
      if (use.written.startsWith(prefix) && matches(d, use.written.slice(prefix.length))) {
        use.target = d;
        const start = use.range.start;
        use.viaTask = { name: taskName, range: { start, end: { line: start.line, character: start.character + taskName.length } } };
        use.range = { start: { line: start.line, character: start.character + prefix.length }, end: use.range.end };
        use.written = use.written.slice(prefix.length);
        return;
      }
    }
  }

  private taskName(task: Block): string {
    return task.labels[0]?.value ?? '';
  }

  /** The meta key a task sees: its own, else its group's, else the job's. */
  private meta(use: Use): Declaration | undefined {
    const matches = (d: Declaration) => {
      const env = envForm(d.name);
      return use.written === d.name || use.written === env || use.written === env.toUpperCase();
    };
    const candidates = this.all('meta').filter(matches);
    if (candidates.length === 0) return undefined;
    return (
      candidates.find((d) => d.level === 'task' && d.task === use.task && use.task !== undefined) ??
      candidates.find((d) => d.level === 'group' && d.group === use.group && use.group !== undefined) ??
      candidates.find((d) => d.level === 'task' && d.group === use.group && d.group?.type === 'task') ??
      candidates.find((d) => d.level === 'job')
    );
  }

  /** The template destination a path string names. */
  fileAt(path: string): Declaration | undefined {
    return this.named('file', path);
  }
}
