// The language client's options, shared by the Node client (languageClient.ts) and the browser one
// (browserExtension.ts): which documents, the settings section, output channels and middleware.
import * as vscode from 'vscode';
import type { DocumentSelector, LanguageClientOptions } from 'vscode-languageclient';
import { settingsSection, withMachineSettings } from './settings';
import { executeCommand } from './templatePreview';
import { codeLensMiddleware } from './codeLens';

/** The id makes the client read `nomadExec.trace.server` by itself. */
export const clientId = 'nomadExec';

export interface ClientPlace {
  /** Whether tasks can run where this client is (false in the browser): without it no run lens is shown. */
  runsHere: boolean;
}

export function languageClientOptions(output: vscode.OutputChannel, documentSelector: DocumentSelector, place: ClientPlace): LanguageClientOptions {
  return {
    documentSelector,
    // Sends the whole `nomadExec` section on every change; the server may also pull it.
    synchronize: { configurationSection: settingsSection },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      executeCommand,
      provideCodeLenses: codeLensMiddleware(place.runsHere),
      workspace: {
        // The server pulls `nomadExec`: machine-level settings come from the user's settings only.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) => {
            const item = params.items[i];
            return item?.section === settingsSection ? withMachineSettings(value, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : value;
          });
        },
      },
    },
  };
}
