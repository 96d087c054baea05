// The option reading every subcommand shares: `--name value` and `--name=value` alike, so each command
// only says what its options mean.

/** Walks `args` one argument at a time; `value()` takes the current option's value. */
export class ArgReader {
  private index = -1;
  private inline: string | undefined;
  /** The current argument, without an inline `=value`. */
  arg = '';

  constructor(private readonly args: readonly string[]) {}

  /** Moves to the next argument; false when there is none. */
  next(): boolean {
    if (++this.index >= this.args.length) return false;
    const raw = this.args[this.index];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    this.arg = eq > 0 ? raw.slice(0, eq) : raw;
    this.inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    return true;
  }

  /** The current option's value: inline, or the next argument; undefined when there is none. */
  value(): string | undefined {
    if (this.inline !== undefined) return this.inline;
    return this.index + 1 < this.args.length ? this.args[++this.index] : undefined;
  }

  /** The current argument as given (with any inline value). */
  raw(): string {
    return this.args[this.index];
  }

  /** Every argument after the current one (what follows `--`); the walk ends. */
  rest(): string[] {
    const rest = this.args.slice(this.index + 1);
    this.index = this.args.length;
    return rest;
  }
}
