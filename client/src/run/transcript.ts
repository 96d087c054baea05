// What a run's terminal showed, kept for reading back (the extension's test API reads it): its start (the
// run's header) and its most recent part, at most `keep` characters in all. A task printing for hours must
// not grow the extension's memory without end; its whole output is in its log files, and VS Code's own
// scrollback is shorter still. Plain data, no VS Code: tested on its own.

export interface TranscriptLimits {
  /** Characters kept at most (text pieces; pieces laid out later count as nothing). */
  keep: number;
  /** Pieces at the start that are always kept. */
  headPieces: number;
}

export const TRANSCRIPT_LIMITS: TranscriptLimits = { keep: 8 * 1024 * 1024, headPieces: 64 };

export class Transcript<Deferred> {
  private pieces: (string | Deferred)[] = [];
  private chars = 0;
  /** Characters let go of so far. */
  dropped = 0;

  constructor(private readonly limits: TranscriptLimits = TRANSCRIPT_LIMITS) {}

  push(piece: string | Deferred): void {
    this.pieces.push(piece);
    if (typeof piece === 'string') this.chars += piece.length;
    if (this.chars <= this.limits.keep) return;
    // Down to half at once, so that trimming happens once per `keep / 2` characters, not on every write.
    const head = Math.min(this.limits.headPieces, this.pieces.length - 1);
    let end = head;
    while (this.chars > this.limits.keep / 2 && end < this.pieces.length - 1) {
      const gone = this.pieces[end++];
      if (typeof gone === 'string') {
        this.chars -= gone.length;
        this.dropped += gone.length;
      }
    }
    this.pieces.splice(head, end - head);
  }

  /** The pieces kept, with one line where output was let go of. */
  read(): (string | Deferred)[] {
    if (this.dropped === 0) return [...this.pieces];
    const at = Math.min(this.limits.headPieces, this.pieces.length);
    return [...this.pieces.slice(0, at), `[${this.dropped} characters of output not kept here: the task's log files have all of it]\r\n`, ...this.pieces.slice(at)];
  }
}
