// Turns the task output chunks of a run into terminal text: bytes decoded as UTF-8 without splitting a
// character across chunks, stderr in red, and in a group run every line prefixed with its task's name.
import { StringDecoder } from 'node:string_decoder';
import { dim, red } from './ansi';

type Stream = 'stdout' | 'stderr';

export class OutputWriter {
  private readonly decoders = new Map<string, StringDecoder>();
  /** Per task and stream: is the next character the start of a line? */
  private readonly atLineStart = new Map<string, boolean>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly prefixTasks: boolean,
  ) {}

  chunk(task: string, stream: Stream, data: Buffer): void {
    const key = `${task}\0${stream}`;
    let decoder = this.decoders.get(key);
    if (!decoder) {
      decoder = new StringDecoder('utf8');
      this.decoders.set(key, decoder);
    }
    this.text(task, stream, decoder.write(data));
  }

  /** Flushes partial characters and ends an unterminated last line, so the summary starts on its own line. */
  finish(): void {
    for (const [key, decoder] of this.decoders) {
      const [task, stream] = key.split('\0') as [string, Stream];
      this.text(task, stream, decoder.end());
    }
    let openLine = false;
    for (const start of this.atLineStart.values()) if (!start) openLine = true;
    if (openLine) this.write('\n');
    this.atLineStart.clear();
  }

  private text(task: string, stream: Stream, text: string): void {
    if (text === '') return;
    const key = `${task}\0${stream}`;
    let out = text;
    if (this.prefixTasks) {
      const prefix = dim(`[${task}] `);
      const start = this.atLineStart.get(key) ?? true;
      // A prefix before every line that has content after it.
      out = (start ? prefix : '') + text.replace(/\n(?=.)/gs, `\n${prefix}`);
    }
    this.atLineStart.set(key, text.endsWith('\n'));
    this.write(stream === 'stderr' ? colourLines(out) : out);
  }
}

/** Red per line, so the colour never bleeds into the next task's output. */
function colourLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : red(line)))
    .join('\n');
}
