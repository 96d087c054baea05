// <task>.<stream>.<N> log files with Nomad's rotation: when a file reaches max_file_size the index moves on,
// and beyond max_files files the lowest indexes are deleted. They live in the runner's own folder of the
// alloc dir (tasks see it read-only at /alloc/logs), opened and deleted relative to that folder held open,
// never through a link. Writes are synchronous so that what
// the task wrote is on disk before the next chunk arrives: nothing is lost when the task is killed, and bytes
// are kept exactly as they came (no decoding, no line splitting).
import * as fs from 'fs';
import * as path from 'path';
import type { Dir } from './safeFs';
import type { TaskPlan } from './types';

/** A task's `logs` block, as planned. */
export type LogConfig = TaskPlan['logs'];

export class RotatingLog {
  private index = 0;
  private fd: number | undefined;
  private size = 0;
  private readonly maxBytes: number;
  /** Indexes written so far that still exist. */
  private readonly live: number[] = [];

  constructor(
    private readonly dir: Dir,
    private readonly baseName: string,
    private readonly config: LogConfig,
  ) {
    this.maxBytes = Math.max(1, config.maxFileSizeMB) * 1024 * 1024;
    // Like Nomad, file 0 exists from the start, even when the task never writes.
    if (!config.disabled) this.open();
  }

  /** Host path of file N. */
  fileFor(index: number): string {
    return path.join(this.dir.path, this.nameFor(index));
  }

  private nameFor(index: number): string {
    return `${this.baseName}.${index}`;
  }

  /** Paths of the files that exist now, lowest index first. */
  files(): string[] {
    return this.live.map((i) => this.fileFor(i));
  }

  write(chunk: Buffer): void {
    if (this.config.disabled || chunk.length === 0) return;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.fd === undefined) this.open();
      if (this.size >= this.maxBytes) {
        this.rotate();
        continue;
      }
      const room = this.maxBytes - this.size;
      const length = Math.min(room, chunk.length - offset);
      let written = 0;
      while (written < length) written += fs.writeSync(this.fd!, chunk, offset + written, length - written);
      this.size += length;
      offset += length;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    ({ fd: this.fd, size: this.size } = this.dir.openAppendSized(this.nameFor(this.index), 0o644));
    if (!this.live.includes(this.index)) this.live.push(this.index);
    // Beyond max_files, the oldest files go.
    while (this.live.length > Math.max(1, this.config.maxFiles)) {
      const oldest = this.live.shift()!;
      this.dir.remove(this.nameFor(oldest));
    }
  }

  private rotate(): void {
    this.close();
    this.index++;
    this.open();
  }
}

/** The pair of logs for one task. */
export class TaskLogs {
  readonly stdout: RotatingLog;
  readonly stderr: RotatingLog;

  constructor(logsDir: Dir, task: string, config: LogConfig) {
    this.stdout = new RotatingLog(logsDir, `${task}.stdout`, config);
    this.stderr = new RotatingLog(logsDir, `${task}.stderr`, config);
  }

  files(): string[] {
    return [...this.stdout.files(), ...this.stderr.files()];
  }

  close(): void {
    this.stdout.close();
    this.stderr.close();
  }
}
