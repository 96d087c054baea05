// The Pseudoterminal of one run. It keeps everything written to it (tests read it back through the
// extension's API), holds writes made before VS Code opened it, and turns Ctrl+C and closing into a stop.
import * as vscode from 'vscode';
import { stripAnsi, toTerminalLines } from './ansi';

export interface RunTerminalEvents {
  /** The terminal was opened: the run may begin (a tasks.json run starts here). */
  onOpen(): void;
  /** Ctrl+C typed in the terminal. */
  onInterrupt(): void;
  /** The user closed the terminal (or the window is going away). */
  onClose(): void;
}

export class RunTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly textEmitter = new vscode.EventEmitter<void>();
  /** Fires after every write, opened or not (the test API waits on it). */
  readonly onDidChangeText = this.textEmitter.event;
  private opened = false;
  private closed = false;
  private pending: string[] = [];
  private transcript = '';
  /** After the run ended, any key closes the terminal (as VS Code's own task terminals do). */
  private closeOnKey = false;

  constructor(private readonly events: RunTerminalEvents) {}

  open(): void {
    this.opened = true;
    for (const text of this.pending) this.writeEmitter.fire(text);
    this.pending = [];
    this.events.onOpen();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.onClose();
  }

  handleInput(data: string): void {
    if (this.closeOnKey) {
      this.end(0);
      return;
    }
    if (data.includes('\x03')) this.events.onInterrupt();
  }

  /** Raw text; `\n` becomes CRLF. */
  write(text: string): void {
    const terminalText = toTerminalLines(text);
    this.transcript += terminalText;
    if (this.opened) this.writeEmitter.fire(terminalText);
    else this.pending.push(terminalText);
    this.textEmitter.fire();
  }

  writeLine(text = ''): void {
    this.write(`${text}\n`);
  }

  /** Everything shown so far, colours removed, with `\n` line ends. */
  text(): string {
    return stripAnsi(this.transcript).replace(/\r\n/g, '\n');
  }

  /** The run is over: keep the text on screen until a key is pressed. */
  waitForKeyToClose(): void {
    this.closeOnKey = true;
  }

  /** Close the terminal from our side (a tasks.json run reports its exit code this way). */
  end(exitCode: number): void {
    if (this.closed) return;
    this.closed = true;
    this.closeEmitter.fire(exitCode);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
