// Networking of a group (or, in older jobs, of a task's resources): mode, ports, DNS, CNI arguments.
import { attr, block, body, bool, docPath, int, oneOf, single, str, strList, STRING_MAP } from './build';
import type { BlockSchema } from './types';

export const PORT: BlockSchema = block(
  'A port the allocation needs. Without `static` the scheduler picks a free one; its number reaches the task as NOMAD_PORT_<label>.',
  body({
    static: int('A fixed host port. Two allocations wanting the same static port cannot share a node.', { min: 0, max: 65535 }),
    to: int('The port inside the network namespace (bridge/cni modes) that the host port forwards to; -1 means the same as the host port.', { min: -1, max: 65535 }),
    host_network: str('Which client host_network (a named interface/address set) to take the address from.', { default: '"default"' }),
    ignore_collision: bool('Allow a static port even if another allocation on the node uses it (for SO_REUSEPORT programs).', { default: 'false' }),
  }),
  { labels: [{ name: 'label', doc: 'The port\'s name, used by services, checks and NOMAD_PORT_<label>.', declares: 'port' }], docPath: docPath('network#port-parameters') },
);

const DNS: BlockSchema = single(
  'The resolver configuration written into the allocation\'s /etc/resolv.conf (bridge and cni modes).',
  body({
    servers: strList('Name server addresses.'),
    searches: strList('Search domains.'),
    options: strList('resolv.conf options such as `ndots:2`.'),
  }),
  { docPath: docPath('network#dns-parameters') },
);

const CNI: BlockSchema = single(
  'Extra arguments passed to the CNI plugins (cni/<name> mode).',
  body({ args: attr(STRING_MAP, 'Key/value arguments for the CNI plugins (CNI_ARGS).') }),
  { docPath: docPath('network#cni-parameters') },
);

export function networkBlock(context: 'group' | 'resources'): BlockSchema {
  return block(
    context === 'group'
      ? 'The network of every task in the group: which namespace they share and which ports they need.'
      : 'A task-level network request inside resources; kept for old jobs, group `network` replaces it.',
    body(
      {
        mode: oneOf('Which network namespace the tasks share.', [
          ['host', 'The tasks use the node\'s network directly; ports are opened on the host.'],
          ['bridge', 'A private namespace joined to a bridge on the host; ports are forwarded to it.'],
          ['none', 'A private namespace with only loopback; no outside traffic.'],
        ], { valuePattern: { regex: '^cni/.+$', description: '`cni/<name>`: a namespace set up by the named CNI network configuration' }, default: '"host"' }),
        hostname: str('The hostname inside the allocation\'s namespace (bridge mode).'),
        mbits: int('Bandwidth to reserve in Mbit/s.', { deprecated: 'Nomad ignores network bandwidth since 1.5.', ignored: true, min: 0 }),
        device: str('Host network device the addresses come from.'),
        cidr: str('CIDR block the addresses come from.'),
        ip: str('A specific address to use.'),
        dynamic_ports: strList('Port labels to allocate dynamically (pre-0.12 syntax).', {
          removed: true,
          deprecated: 'Removed from Nomad: declare `port "<label>" {}` blocks in the group network instead.',
        }),
      },
      {
        port: PORT,
        // Older spellings of port requests inside resources.network.
        reserved_ports: block('A port with a fixed number (older spelling of `port` with `static`).', PORT.body, { labels: PORT.labels }),
        dns: DNS,
        cni: CNI,
      },
    ),
    { docPath: docPath('network'), maxItems: context === 'group' ? 1 : undefined },
  );
}
