// What the extension's run terminal shows: output decoding, stderr colour, task prefixes, the summary.
import assert from 'node:assert/strict';
import test from 'node:test';
import { stripAnsi, toTerminalLines } from '../client/src/run/ansi';
import { summary } from '../client/src/run/format';
import { OutputWriter } from '../client/src/run/outputWriter';

function collect(prefixTasks: boolean): { writer: OutputWriter; text: () => string } {
  let out = '';
  return { writer: new OutputWriter((t) => (out += t), prefixTasks), text: () => out };
}

test('a UTF-8 character split across chunks arrives whole', () => {
  const { writer, text } = collect(false);
  const bytes = Buffer.from('café ✓\n');
  writer.chunk('web', 'stdout', bytes.subarray(0, 4));
  writer.chunk('web', 'stdout', bytes.subarray(4, 8));
  writer.chunk('web', 'stdout', bytes.subarray(8));
  assert.equal(text(), 'café ✓\n');
});

test('stderr is red line by line, stdout is left as written', () => {
  const { writer, text } = collect(false);
  writer.chunk('web', 'stdout', Buffer.from('out\n'));
  writer.chunk('web', 'stderr', Buffer.from('bad\nworse\n'));
  assert.equal(text(), 'out\n\x1b[31mbad\x1b[39m\n\x1b[31mworse\x1b[39m\n');
});

test('group runs prefix every line with its task, also across chunks', () => {
  const { writer, text } = collect(true);
  writer.chunk('api', 'stdout', Buffer.from('one\ntw'));
  writer.chunk('api', 'stdout', Buffer.from('o\n'));
  writer.chunk('db', 'stdout', Buffer.from('ready\n'));
  assert.equal(stripAnsi(text()), '[api] one\n[api] two\n[db] ready\n');
});

test('an unterminated last line is ended before the summary', () => {
  const { writer, text } = collect(false);
  writer.chunk('web', 'stdout', Buffer.from('no newline'));
  writer.finish();
  assert.equal(text(), 'no newline\n');
});

test('terminal line ends are CRLF', () => {
  assert.equal(toTerminalLines('a\nb\r\nc'), 'a\r\nb\r\nc');
});

test('the summary gives the exit code or signal, the duration and the log files', () => {
  const base = { durationMs: 1500, oomKilled: false, stopped: false, tasks: [] };
  const exited = stripAnsi(summary({ ...base, exitCode: 3, logFiles: ['/a/alloc/logs/web.stdout.0'] }).join('\n'));
  assert.match(exited, /exited with code 3 after 1\.5 s/);
  assert.match(exited, /\/a\/alloc\/logs\/web\.stdout\.0/);
  const killed = stripAnsi(summary({ ...base, exitCode: 139, signal: 'SIGSEGV', logFiles: [] }).join('\n'));
  assert.match(killed, /Run killed by SIGSEGV \(exit code 139\) after 1\.5 s/);
  assert.match(killed, /No log files/);
});
