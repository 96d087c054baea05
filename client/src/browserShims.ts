// Globals the server uses that a Web Worker lacks, injected into dist/web-server.js only (esbuild `inject`):
// `Buffer` (base64 and hex in HCL and template functions) as the pure-JavaScript `buffer` package, and
// `setImmediate`, which schedules the analysis slices and must run after pending messages, as in Node: a
// MessageChannel task does (setTimeout would add a 4 ms floor per slice once nested).
export { Buffer } from 'buffer';

const pending = new Map<number, () => void>();
let lastId = 0;
const channel = new MessageChannel();
channel.port1.onmessage = (event: { data: unknown }) => {
  const id = event.data as number;
  const callback = pending.get(id);
  pending.delete(id);
  callback?.();
};

export function setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]): number {
  const id = ++lastId;
  pending.set(id, () => callback(...args));
  channel.port2.postMessage(id);
  return id;
}

export function clearImmediate(id: number | undefined): void {
  if (id !== undefined) pending.delete(id);
}
