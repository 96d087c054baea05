// `nomad-exec` entry point: a table of subcommands, so adding one (run, fmt, ...) is one line.
import { lspCommand } from './lsp';
import { runCommand } from './run';
import { toolVersion } from './version';

export interface Subcommand {
  summary: string;
  /** Returns the exit status. */
  run(args: string[]): Promise<number>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  // check and fmt load the whole analysis on first use only, so that `run` starts fast.
  get check(): Subcommand {
    return (require('./check') as typeof import('./check')).checkCommand;
  },
  get fmt(): Subcommand {
    return (require('./fmt') as typeof import('./fmt')).fmtCommand;
  },
  get render(): Subcommand {
    return (require('./render') as typeof import('./render')).renderCommand;
  },
  lsp: lspCommand,
  run: runCommand,
};

export function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, cmd]) => `  ${name.padEnd(8)} ${cmd.summary}`);
  return `usage: nomad-exec <command> [options]   (nomad-exec --version prints the version)\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`nomad-exec ${toolVersion()}\n`);
    return 0;
  }
  const command = SUBCOMMANDS[name];
  if (!command) {
    process.stderr.write(`nomad-exec: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
