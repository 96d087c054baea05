// Terminal text helpers. A Pseudoterminal gets raw text: line ends must be CRLF and colours are ANSI codes.
export const red = (text: string): string => `\x1b[31m${text}\x1b[39m`;
export const dim = (text: string): string => `\x1b[2m${text}\x1b[22m`;
export const bold = (text: string): string => `\x1b[1m${text}\x1b[22m`;
export const yellow = (text: string): string => `\x1b[33m${text}\x1b[39m`;
export const green = (text: string): string => `\x1b[32m${text}\x1b[39m`;

/** `\n` (and lone `\r\n` kept) -> `\r\n`, so output lines start at column 0. */
export function toTerminalLines(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

// eslint-disable-next-line no-control-regex
const ansiPattern = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, '');
}
