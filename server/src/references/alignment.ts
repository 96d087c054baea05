// How a list of model items lines up with the same list in the previous model. An edit replaces a run of
// items in the middle (the group it touched; a paste: a few); the items before and after it are the same
// objects as before (model/build.ts). Comparing the two lists' entries finds them without looking inside
// any item: on a job with a thousand groups that is a thousand pointer comparisons, where looking each item
// up in a WeakMap cost about a millisecond per edit (each lookup reads the item's own memory, scattered over
// the heap).

/** The first `head` and the last `tail` entries of the new list are the last list's (at the same places from each end). */
export interface Alignment {
  head: number;
  tail: number;
}

/**
 * How `next` lines up with `last`. `same(i, j)` may add a condition on entry `i` of next and `j` of last
 * beyond being the same object.
 */
export function align<T>(next: readonly T[], last: readonly T[] | undefined, same: (i: number, j: number) => boolean = () => true): Alignment {
  if (!last) return { head: 0, tail: 0 };
  const max = Math.min(next.length, last.length);
  let head = 0;
  while (head < max && next[head] === last[head] && same(head, head)) head++;
  let tail = 0;
  while (tail < max - head && next[next.length - 1 - tail] === last[last.length - 1 - tail] && same(next.length - 1 - tail, last.length - 1 - tail)) tail++;
  return { head, tail };
}

/**
 * Values for the entries of `next`: the last list's value where it lines up (`alignment`), `make(i)` for the
 * others, which are made in order.
 */
export function alignedValues<V>(length: number, lastValues: readonly V[] | undefined, alignment: Alignment, make: (i: number) => V): V[] {
  const values = new Array<V>(length);
  const { head, tail } = alignment;
  for (let i = 0; i < head; i++) values[i] = lastValues![i];
  for (let i = head; i < length - tail; i++) values[i] = make(i);
  for (let k = 1; k <= tail; k++) values[length - k] = lastValues![lastValues!.length - k];
  return values;
}

/**
 * The last list remembered (with what was made from it), found again from the next list by its first or its
 * last entry: an edit in the middle keeps both, one at an end keeps the other.
 */
export class LastList<K extends object, V> {
  private readonly byEnd = new WeakMap<K, V>();

  find(list: readonly K[]): V | undefined {
    return list.length === 0 ? undefined : (this.byEnd.get(list[0]) ?? this.byEnd.get(list[list.length - 1]));
  }

  remember(list: readonly K[], value: V): void {
    if (list.length === 0) return;
    this.byEnd.set(list[0], value);
    this.byEnd.set(list[list.length - 1], value);
  }
}
