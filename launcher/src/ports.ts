// Ports of the group `network` block (and the older task `resources { network {} }`): static ports as
// written, dynamic ones as ports that are free on this machine right now.
import type * as Net from 'net';
import type { PortPlan } from './types';
import { attributeOf, blocksOf, type Body, type Evaluator } from './model';

export interface PortRequest {
  label: string;
  static?: number;
  to?: number;
}

export function readPortRequests(bodies: Body[], evaluator: Evaluator): PortRequest[] {
  const out: PortRequest[] = [];
  for (const body of bodies) {
    for (const network of blocksOf(body, 'network')) {
      for (const port of [...blocksOf(network.body, 'port'), ...blocksOf(network.body, 'reserved_ports'), ...blocksOf(network.body, 'dynamic_ports')]) {
        const label = port.labels[0]?.value;
        if (!label) continue;
        const num = (name: string): number | undefined => {
          const attr = attributeOf(port.body, name);
          const value = attr ? evaluator.evaluate(attr.value) : undefined;
          return typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
        };
        const request: PortRequest = { label };
        const s = num('static');
        if (s !== undefined && s > 0) request.static = s;
        const to = num('to');
        if (to !== undefined && to !== 0) request.to = to;
        if (!out.some((p) => p.label === label)) out.push(request);
      }
    }
  }
  return out;
}

/** A TCP port that nobody listens on at this moment (the kernel picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  const net = require('net') as typeof Net;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function assignPorts(requests: PortRequest[], ip = '127.0.0.1'): Promise<PortPlan[]> {
  const out: PortPlan[] = [];
  for (const request of requests) {
    const value = request.static ?? (await freePort(ip));
    // `to = -1` means "the same as the host port".
    const to = request.to === undefined || request.to < 0 ? value : request.to;
    out.push({ label: request.label, value, to, static: request.static !== undefined, ip });
  }
  return out;
}
