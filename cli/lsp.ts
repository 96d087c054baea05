// `nomad-exec lsp --stdio | --node-ipc`: the language server. Never exits on an internal error.
import type { Subcommand } from './main';

export const lspCommand: Subcommand = {
  summary: 'run the language server (--stdio or --node-ipc)',
  async run(args) {
    const stdio = args.includes('--stdio');
    const ipc = args.includes('--node-ipc');
    if (stdio === ipc) {
      process.stderr.write('usage: nomad-exec lsp --stdio | --node-ipc\n');
      return 2;
    }
    // vscode-languageserver picks the transport from process.argv.
    if (!process.argv.includes(stdio ? '--stdio' : '--node-ipc')) process.argv.push(stdio ? '--stdio' : '--node-ipc');
    process.on('uncaughtException', (error) => process.stderr.write(`nomad-exec lsp: uncaught ${error.stack ?? error}\n`));
    process.on('unhandledRejection', (error) => process.stderr.write(`nomad-exec lsp: unhandled ${String(error)}\n`));
    // Over stdio the transport is ours (stdioTransport.ts); IPC is the library's.
    if (stdio) (await import('../server/src/stdioTransport')).startStdioServer();
    else (await import('../server/src/server')).startServer();
    // Keep running until the client sends `exit` (the library ends the process then).
    return new Promise<number>(() => undefined);
  },
};
