// Shows the server's rendering of a template block (the "Preview" lens, command nomadExec.previewTemplate) in
// a read-only editor beside the job. The server renders; the client only displays the reply, and asks again
// (debounced) whenever the job document changes, so the preview follows the edits.
import * as vscode from 'vscode';

export const PREVIEW_COMMAND = 'nomadExec.previewTemplate';
const SCHEME = 'nomad-template-preview';

/** The reply of the server's preview command (server/src/features/templatePreview.ts). */
interface PreviewReply {
  task: string;
  template: number;
  text: string;
  placeholders: string[];
  error?: { message: string; line: number };
  unavailable?: string;
  /** Why the values file (nomadExec.templateValues) was not used. */
  valuesProblem?: string;
}

/** How long typing must pause before the preview is rendered again. */
const REFRESH_DELAY_MS = 300;

function isReply(value: unknown): value is PreviewReply {
  return !!value && typeof value === 'object' && typeof (value as PreviewReply).text === 'string' && Array.isArray((value as PreviewReply).placeholders);
}

/** What the preview document shows: the rendered text, then why parts of it are placeholders. */
export function previewText(reply: PreviewReply): string {
  if (reply.unavailable) return `# task ${reply.task}, template ${reply.template}: ${reply.unavailable}\n`;
  if (reply.error) return `# task ${reply.task}, template ${reply.template} cannot be rendered: ${reply.error.message} (line ${reply.error.line})\n`;
  const notes = reply.placeholders.length === 0 ? '' : `\n# --- placeholders (these need a server a local preview does not have):\n${reply.placeholders.map((p) => `#   ${p}`).join('\n')}\n`;
  const values = reply.valuesProblem ? `\n# --- nomadExec.templateValues not used: ${reply.valuesProblem}\n` : '';
  return reply.text + notes + values;
}

/** A preview on screen: the job it renders and how to ask the server again. */
interface Shown {
  job: string;
  render: () => Promise<unknown>;
  timer?: ReturnType<typeof setTimeout>;
}

class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly shown = new Map<string, Shown>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor() {
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((event) => this.jobChanged(event.document.uri.toString())),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const key = document.uri.toString();
        const entry = this.shown.get(key);
        if (entry?.timer) clearTimeout(entry.timer);
        this.shown.delete(key);
        this.texts.delete(key);
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** One preview document per job file, task and template: two job files with a task of the same name keep theirs apart. */
  private uriOf(reply: PreviewReply, job: string | undefined): vscode.Uri {
    return vscode.Uri.from({ scheme: SCHEME, path: `/${reply.task}/template-${reply.template}`, query: job ? `job=${encodeURIComponent(job)}` : '' });
  }

  /** Remembers how to render the preview again (the job and the request), then shows the reply. */
  async show(reply: PreviewReply, job: string | undefined, render: () => Promise<unknown>): Promise<void> {
    const uri = this.uriOf(reply, job);
    if (job) this.shown.set(uri.toString(), { job, render });
    this.update(uri, reply);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  private update(uri: vscode.Uri, reply: PreviewReply): void {
    const text = previewText(reply);
    if (this.texts.get(uri.toString()) === text) return;
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  private jobChanged(job: string): void {
    for (const [key, entry] of this.shown) {
      if (entry.job !== job) continue;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        // The server renders from the job's current text (it waits for that version's analysis).
        void entry.render().then(
          (reply) => {
            if (isReply(reply) && this.shown.get(key) === entry) this.update(vscode.Uri.parse(key), reply);
          },
          () => undefined,
        );
      }, REFRESH_DELAY_MS);
    }
  }

  dispose(): void {
    for (const entry of this.shown.values()) if (entry.timer) clearTimeout(entry.timer);
    for (const listener of this.listeners) listener.dispose();
    this.changed.dispose();
  }
}

let documents: PreviewDocuments | undefined;

/** Registers the read-only preview documents; call once at activation. */
export function registerTemplatePreview(context: vscode.ExtensionContext): void {
  documents = new PreviewDocuments();
  context.subscriptions.push(documents, vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents));
}

/** Middleware for workspace/executeCommand: the preview command's reply is shown, others pass through. */
export async function executeCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
  const reply = await next(command, args);
  if (command === PREVIEW_COMMAND && isReply(reply) && documents) {
    const job = (args[0] as { uri?: unknown } | undefined)?.uri;
    await documents.show(reply, typeof job === 'string' ? job : undefined, async () => next(command, args));
  }
  return reply;
}
