// Shows the server's rendering of a template block (the "Preview" lens, command nomadExec.previewTemplate) in
// a read-only editor beside the job. The server renders; the client only displays the reply.
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
}

function isReply(value: unknown): value is PreviewReply {
  return !!value && typeof value === 'object' && typeof (value as PreviewReply).text === 'string' && Array.isArray((value as PreviewReply).placeholders);
}

/** What the preview document shows: the rendered text, then why parts of it are placeholders. */
export function previewText(reply: PreviewReply): string {
  if (reply.unavailable) return `# task ${reply.task}, template ${reply.template}: ${reply.unavailable}\n`;
  if (reply.error) return `# task ${reply.task}, template ${reply.template} cannot be rendered: ${reply.error.message} (line ${reply.error.line})\n`;
  const notes = reply.placeholders.length === 0 ? '' : `\n# --- placeholders (these need a server a local preview does not have):\n${reply.placeholders.map((p) => `#   ${p}`).join('\n')}\n`;
  return reply.text + notes;
}

class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(reply: PreviewReply): Promise<void> {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${reply.task}/template-${reply.template}` });
    this.texts.set(uri.toString(), previewText(reply));
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }
}

let documents: PreviewDocuments | undefined;

/** Registers the read-only preview documents; call once at activation. */
export function registerTemplatePreview(context: vscode.ExtensionContext): void {
  documents = new PreviewDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents));
}

/** Middleware for workspace/executeCommand: the preview command's reply is shown, others pass through. */
export async function executeCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
  const reply = await next(command, args);
  if (command === PREVIEW_COMMAND && isReply(reply) && documents) await documents.show(reply);
  return reply;
}
