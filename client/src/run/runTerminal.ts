// The Pseudoterminal of one run. It keeps everything written to it (tests read it back through the
// extension's API), holds writes made before VS Code opened it, and turns Ctrl+C and closing into a stop.
// Text that depends on the terminal's width (the header) is laid out once the width is known: when VS Code
// opens the terminal. Phrases registered as links (the folded capability list) open their details on click.
import * as vscode from 'vscode';
import { Transcript } from './transcript';
import { stripAnsi, toTerminalLines } from './ansi';

/** Columns assumed until VS Code says (a terminal opened hidden gets no dimensions). */
const DEFAULT_COLUMNS = 80;

/** Text laid out for a width: rendered when the terminal opens (or at the default width, if read before). */
interface Deferred {
  render(columns: number): string[];
  text?: string;
}

/** A phrase in the terminal that does something when clicked. */
export interface TerminalAction {
  text: string;
  tooltip: string;
  run(): void;
}

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
  private pending: (string | Deferred)[] = [];
  private readonly transcript = new Transcript<Deferred>();
  private columnCount: number | undefined;
  readonly actions: TerminalAction[] = [];
  /** After the run ended, any key closes the terminal (as VS Code's own task terminals do). */
  private closeOnKey = false;

  constructor(private readonly events: RunTerminalEvents) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    this.opened = true;
    if (dimensions && dimensions.columns > 0) this.columnCount = dimensions.columns;
    for (const piece of this.pending) this.writeEmitter.fire(typeof piece === 'string' ? piece : this.resolve(piece));
    this.pending = [];
    this.events.onOpen();
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    if (dimensions.columns > 0) this.columnCount = dimensions.columns;
  }

  /** The terminal's width now (what later layouts use). */
  get columns(): number {
    return this.columnCount ?? DEFAULT_COLUMNS;
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
    this.transcript.push(terminalText);
    if (this.opened) this.writeEmitter.fire(terminalText);
    else this.pending.push(terminalText);
    this.textEmitter.fire();
  }

  /** Lines laid out for the terminal's width: now if it is open, else when it opens. */
  writeLines(render: (columns: number) => string[]): void {
    const deferred: Deferred = { render };
    this.transcript.push(deferred);
    if (this.opened) this.writeEmitter.fire(this.resolve(deferred));
    else this.pending.push(deferred);
    this.textEmitter.fire();
  }

  /** Makes `action.text` clickable wherever it shows in this terminal. */
  addAction(action: TerminalAction): void {
    this.actions.push(action);
  }

  /** Lays out once, when first written to the open terminal. */
  private resolve(deferred: Deferred): string {
    deferred.text ??= this.layout(deferred);
    return deferred.text;
  }

  /** Lines at the terminal's width now, as terminal text. */
  private layout(deferred: Deferred): string {
    return toTerminalLines(deferred.render(this.columns).map((line) => `${line}\n`).join(''));
  }

  writeLine(text = ''): void {
    this.write(`${text}\n`);
  }

  /** Everything shown so far (bounded: see transcript.ts), colours removed, with `\n` line ends. */
  text(): string {
    const whole = this.transcript.read().map((piece) => (typeof piece === 'string' ? piece : (piece.text ?? this.layout(piece)))).join('');
    return stripAnsi(whole).replace(/\r\n/g, '\n');
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

/** Clicks on a run terminal's registered phrases (the folded capability list opens the full one). */
export function registerRunTerminalLinks(): vscode.Disposable {
  type ActionLink = vscode.TerminalLink & { action: TerminalAction };
  return vscode.window.registerTerminalLinkProvider({
    provideTerminalLinks(context) {
      const pty = (context.terminal.creationOptions as vscode.ExtensionTerminalOptions).pty;
      if (!(pty instanceof RunTerminal)) return [];
      const links: ActionLink[] = [];
      for (const action of pty.actions) {
        const at = context.line.indexOf(action.text);
        if (at >= 0) links.push({ startIndex: at, length: action.text.length, tooltip: action.tooltip, action });
      }
      return links;
    },
    handleTerminalLink(link: vscode.TerminalLink) {
      // Only links made above reach here (VS Code hands back the provider's own objects).
      (link as ActionLink).action.run();
    },
  });
}
