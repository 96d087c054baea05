// Linking uses to declarations: which port, volume, meta key or variable a use names, by the rules of
// where Nomad looks (a task's own meta before its group's and the job's; ports of the group, and of
// another task's own network through NOMAD_ADDR_<task>_<label>).
import type { Block } from '../model/types';
import { envForm } from '../schema/references';
import type { Declaration, Use } from './types';
import { rangeFrom, textRange } from '../model/positions';
import { specimen } from '../specimens';

const NO_DECLARATIONS: readonly Declaration[] = [];

/** The file-wide declarations every unit may name, looked up by `${kind}\0${name}`, and the job's meta keys. */
export interface FileWide {
  byName: ReadonlyMap<string, Declaration>;
  meta: readonly Declaration[];
}

/** The fields `copyOfUse` copies: one added to Use and not copied there is a type error. */
type CopiedUseFields = 'kind' | 'written' | 'range' | 'form' | 'group' | 'task' | 'family' | 'target' | 'viaTask'
  | 'owner';

/**
 * A copy of `use` to link. Made property by property in one order: a spread copy got a hidden class of its
 * own per use in V8 (30,000 locals: 30,000 maps, 8 MB, and every feature reading uses went megamorphic).
 */
function copyOfUse(use: Use): Use {
  const copy: Use & Record<Exclude<keyof Use, CopiedUseFields>, never> = { kind: use.kind, written: use.written, range: use.range, form: use.form, group: use.group, task: use.task };
  if (use.family !== undefined) copy.family = use.family;
  if (use.target !== undefined) copy.target = use.target;
  if (use.viaTask !== undefined) copy.viaTask = use.viaTask;
  if (use.owner !== undefined) copy.owner = use.owner;
  return copy;
}

/**
 * Declarations by kind and name, and by group for ports and volumes: a unit's own first (the first of a
 * name wins), then the file-wide ones. The file-wide tables are shared by every unit's linker, so a linker
 * costs what its own unit declares, not what the whole file does.
 */
export class Linker {
  private readonly byName = new Map<string, Declaration>();
  private readonly meta: Declaration[] = [];
  private readonly byGroup = new Map<Block | undefined, Declaration[]>();

  constructor(
    own: readonly Declaration[],
    private readonly fileWide: FileWide,
  ) {
    specimen(this);
    for (const d of own) {
      const key = `${d.kind}\u0000${d.name}`;
      if (!this.byName.has(key)) this.byName.set(key, d);
      if (d.kind === 'meta') this.meta.push(d);
      if (d.kind === 'port' || d.kind === 'volume') {
        let inGroup = this.byGroup.get(d.group);
        if (!inGroup) this.byGroup.set(d.group, (inGroup = []));
        inGroup.push(d);
      }
    }
    for (const d of fileWide.meta) this.meta.push(d);
  }

  private named(kind: string, name: string): Declaration | undefined {
    const key = `${kind}\u0000${name}`;
    return this.byName.get(key) ?? this.fileWide.byName.get(key);
  }

  /**
   * `use` linked: a copy with its target, or `use` itself when it names nothing here (an undeclared variable,
   * a string that is no port label). Collected uses are kept with their walk and linked again after edits
   * elsewhere, so they are never changed; but a copy of one that links to nothing would be the same use
   * twice (30,000 locals reading an undeclared variable: 30,000 copies, 2 MB).
   */
  link(use: Use): Use {
    switch (use.kind) {
      case 'variable':
      case 'local':
      case 'service':
        return this.linked(use, this.named(use.kind, use.written));
      case 'volume':
        return this.linked(use, this.byGroup.get(use.group)?.find((d) => d.kind === 'volume' && d.name === use.written));
      case 'port':
        return this.linkPort(use);
      case 'meta':
        return this.linked(use, this.metaOf(use));
      default:
        return this.linked(use, undefined);
    }
  }

  private linked(use: Use, target: Declaration | undefined): Use {
    if (target === use.target) return use;
    const copy = copyOfUse(use);
    copy.target = target;
    return copy;
  }

  private linkPort(use: Use): Use {
    const ports = (this.byGroup.get(use.group) ?? NO_DECLARATIONS).filter((d) => d.kind === 'port');
    const own = ports.filter((d) => !d.task || d.task === use.task);
    const matches = (d: Declaration, written: string) => d.name === written || envForm(d.name) === written;
    const direct = own.find((d) => matches(d, use.written));
    if (direct || !use.family?.taskQualified) return this.linked(use, direct);
    // NOMAD_ADDR_<task>_<label>: a port of another task's own network.
    for (const d of ports) {
      if (!d.task) continue;
      const taskName = this.taskName(d.task);
      const prefix = envForm(taskName) + '_';
      if (use.written.startsWith(prefix) && matches(d, use.written.slice(prefix.length))) {
        const copy = copyOfUse(use);
        copy.target = d;
        const start = use.range.start;
        copy.viaTask = { name: taskName, range: rangeFrom(start, taskName.length) };
        const end = use.range.end;
        copy.range = textRange(start.line, start.character + prefix.length, end.line, end.character);
        copy.written = use.written.slice(prefix.length);
        return copy;
      }
    }
    return this.linked(use, undefined);
  }

  private taskName(task: Block): string {
    return task.labels[0]?.value ?? '';
  }

  /** The meta key a task sees: its own, else its group's, else the job's. */
  private metaOf(use: Use): Declaration | undefined {
    const matches = (d: Declaration) => {
      const env = envForm(d.name);
      return use.written === d.name || use.written === env || use.written === env.toUpperCase();
    };
    const candidates = this.meta.filter(matches);
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
