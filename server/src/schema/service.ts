// Service registration (Consul or Nomad's own catalog), health checks and Consul service mesh (Connect).
import {
  FREE_FORM, STRING_ATTRIBUTES, attr, block, body, bool, docPath, dur, int, listOf, oneOf, single, str, strList,
  STRING,
} from './build';
import { RESOURCES } from './resources';
import { LOGS, VOLUME_MOUNT } from './taskFiles';
import type { BlockSchema, BodySchema } from './types';

const ADDRESS_MODE: Array<[string, string]> = [
  ['auto', 'The driver\'s address when it advertises one, otherwise the host\'s.'],
  ['host', 'The host\'s address and the host port.'],
  ['driver', 'The address the task driver reports (e.g. a container IP).'],
  ['alloc', 'The allocation\'s own address in bridge/cni mode, with the port inside the namespace.'],
];

const ON_UPDATE: Array<[string, string]> = [
  ['require_healthy', 'The check must pass for the deployment to count the allocation as healthy.'],
  ['ignore_warnings', 'A warning state still counts as healthy.'],
  ['ignore', 'The check does not affect deployment health at all.'],
];

export const CHECK_RESTART: BlockSchema = single(
  'Restart the task when its check keeps failing.',
  body({
    limit: int('Restart after this many consecutive failures; 0 never restarts.', { min: 0, default: '0' }),
    grace: dur('Time after a (re)start during which failures are not counted.', { default: '"1s"' }),
    ignore_warnings: bool('Count a warning state as passing.', { default: 'false' }),
  }),
  { docPath: docPath('check_restart') },
);

const CHECK: BlockSchema = block(
  'A health check Nomad or Consul runs against the service.',
  body(
    {
      name: str('The check\'s name.', { default: '"service: <name> check"' }),
      type: oneOf('What kind of check.', [
        ['http', 'An HTTP request; 2xx passes, 429 warns, anything else fails.'],
        ['tcp', 'A TCP connection attempt.'],
        ['grpc', 'A gRPC health-checking protocol call (Consul only).'],
        ['script', 'A command run inside the task (Consul only).'],
      ], { required: true }),
      interval: dur('How often the check runs.', { required: true }),
      timeout: dur('How long one run may take before it fails.', { required: true }),
      port: str('Port label (or number) to check, when it differs from the service\'s port.', { refersTo: 'port' }),
      path: str('HTTP path to request (http checks).'),
      protocol: oneOf('Scheme for http checks.', [['http', 'Plain HTTP.'], ['https', 'HTTPS.']], { default: '"http"' }),
      method: str('HTTP method.', { default: '"GET"' }),
      body: str('HTTP request body.'),
      command: str('Command for script checks, run inside the task.'),
      args: strList('Arguments of a script check\'s command.'),
      address_mode: oneOf('Which address the check connects to.', ADDRESS_MODE.filter(([v]) => v !== 'auto').concat([['', 'Same as the service.']]), { default: '"host"' }),
      expose: bool('Expose the check\'s path through the Connect sidecar so it can be reached from outside.', { default: 'false' }),
      initial_status: oneOf('Status before the first run.', [
        ['passing', 'Start as passing.'], ['warning', 'Start as warning.'], ['critical', 'Start as critical.'],
      ]),
      notes: str('Free text shown with the check in Consul.'),
      tls_server_name: str('Server name to verify for HTTPS and gRPC checks.'),
      tls_skip_verify: bool('Skip TLS certificate verification.', { default: 'false' }),
      grpc_service: str('gRPC service name to check.'),
      grpc_use_tls: bool('Use TLS for gRPC checks.', { default: 'false' }),
      task: str('For group services: the task a script check runs in.'),
      success_before_passing: int('Consecutive successes needed before passing (Consul).', { min: 0 }),
      failures_before_critical: int('Consecutive failures needed before critical (Consul).', { min: 0 }),
      failures_before_warning: int('Consecutive failures needed before warning (Consul).', { min: 0 }),
      on_update: oneOf('How the check counts during deployments.', ON_UPDATE, { default: '"require_healthy"' }),
      id: str('Unused by Nomad.'),
      advertise: str('Address to advertise for the check.'),
    },
    {
      header: single('HTTP headers to send: each attribute is a header name with a list of values.', {
        attributes: {}, blocks: {}, open: true, openType: listOf(STRING), openNoBlocks: true,
      }),
      check_restart: CHECK_RESTART,
    },
  ),
  { docPath: docPath('check') },
);

const EXPOSE_PATH = block(
  'One HTTP path of the service reachable from outside the mesh through the sidecar.',
  body({
    path: str('The HTTP path.', { required: true }),
    protocol: oneOf('Protocol of the path.', [['http', 'HTTP/1.1.'], ['http2', 'HTTP/2.']], { default: '"http"' }),
    local_path_port: int('The port the service listens on inside the namespace.', { required: true, min: 1, max: 65535 }),
    listener_port: str('Port label of the group network the sidecar listens on.', { required: true, refersTo: 'port' }),
  }),
);

const UPSTREAMS = block(
  'Another mesh service this task talks to through a local listener of its sidecar.',
  body(
    {
      destination_name: str('Name of the upstream service.', { required: true, refersTo: 'service' }),
      destination_namespace: str('Consul namespace of the upstream.'),
      destination_peer: str('Consul cluster peer of the upstream.'),
      destination_partition: str('Consul admin partition of the upstream.'),
      destination_type: oneOf('What the destination names.', [['service', 'A service.'], ['prepared_query', 'A prepared query.']]),
      local_bind_port: int('Local port the upstream is reachable on.', { min: 0, max: 65535 }),
      local_bind_address: str('Local address to listen on.', { default: '"127.0.0.1"' }),
      local_bind_socket_path: str('A Unix socket to listen on instead of a port.'),
      local_bind_socket_mode: str('Permissions of that socket, e.g. "0700".'),
      datacenter: str('Datacenter of the upstream.'),
    },
    {
      mesh_gateway: single('How the upstream is reached across datacenters.', body({
        mode: oneOf('Mesh gateway mode.', [['local', 'Through a gateway in this datacenter.'], ['remote', 'Through a gateway in the remote datacenter.'], ['none', 'Directly.'], ['', 'Consul decides.']]),
      })),
      config: single('Extra Envoy settings for this upstream.', FREE_FORM),
    },
  ),
  { docPath: docPath('upstreams') },
);

const TRANSPARENT_PROXY = single(
  'Redirect all traffic of the allocation through the sidecar with iptables (bridge mode).',
  body({
    uid: str('User ID of the Envoy process, whose traffic is not redirected.'),
    outbound_port: int('Envoy\'s outbound listener port.', { min: 0, max: 65535, default: '15001' }),
    exclude_inbound_ports: strList('Inbound ports (labels or numbers) not redirected.'),
    exclude_outbound_ports: attr(listOf({ kind: 'number', integer: true }), 'Outbound ports not redirected.'),
    exclude_outbound_cidrs: strList('Outbound address ranges not redirected.'),
    exclude_uids: strList('User IDs whose traffic is not redirected.'),
    no_dns: bool('Do not send DNS traffic to Consul DNS.', { default: 'false' }),
  }),
  { docPath: docPath('transparent_proxy') },
);

const PROXY = single(
  'The sidecar proxy of a mesh service.',
  body(
    {
      local_service_address: str('Address the proxy forwards inbound traffic to.', { default: '"127.0.0.1"' }),
      local_service_port: int('Port the proxy forwards inbound traffic to.', { min: 0, max: 65535 }),
    },
    {
      upstreams: UPSTREAMS,
      expose: single('Paths reachable from outside the mesh, e.g. for health checks.', body({}, { path: EXPOSE_PATH })),
      transparent_proxy: TRANSPARENT_PROXY,
      config: single('Envoy settings passed through unchanged.', FREE_FORM),
    },
  ),
  { docPath: docPath('proxy') },
);

/** The task that runs the sidecar proxy, overridable in part. Its `config` is the sidecar driver's (docker by default). */
const SIDECAR_TASK = single(
  'Override parts of the task Nomad adds to run the sidecar proxy.',
  body(
    {
      name: str('The sidecar task\'s name.'),
      driver: str('The sidecar task\'s driver.', { default: '"docker"' }),
      user: str('User the sidecar runs as.'),
      kill_timeout: dur('Grace period before the sidecar is killed.', { default: '"5s"' }),
      kill_signal: str('Signal that asks the sidecar to stop.', { completion: 'signal' }),
      shutdown_delay: dur('Delay between deregistering and stopping the sidecar.'),
    },
    {
      config: single('The sidecar driver\'s configuration; its keys depend on the sidecar task\'s driver.', 'driverConfig'),
      env: single('Environment of the sidecar.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      meta: single('Metadata of the sidecar.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      resources: RESOURCES,
      logs: LOGS,
      volume_mount: VOLUME_MOUNT,
    },
  ),
  { docPath: docPath('sidecar_task') },
);

const TLS = single('TLS settings of a gateway listener.', body(
  {
    enabled: bool('Serve TLS.', { default: 'false' }),
    tls_min_version: str('Lowest TLS version.'),
    tls_max_version: str('Highest TLS version.'),
    cipher_suites: strList('Allowed cipher suites (TLS 1.2 and older).'),
  },
  { sds: single('Fetch certificates from an SDS service.', body({ cluster_name: str('SDS cluster.'), cert_resource: str('SDS resource.') })) },
));

const HEADER_MODIFIERS = (what: string) => single(`Change HTTP ${what} headers.`, body(
  { remove: strList('Header names to remove.') },
  { add: single('Headers to append.', STRING_ATTRIBUTES), set: single('Headers to set, replacing existing ones.', STRING_ATTRIBUTES) },
));

const GATEWAY = single(
  'Make this service a Consul gateway (ingress, terminating or mesh) run by Nomad.',
  body({}, {
    proxy: single('The gateway\'s Envoy settings.', body(
      {
        connect_timeout: dur('Timeout for connections to upstreams.', { default: '"5s"' }),
        envoy_gateway_bind_tagged_addresses: bool('Bind to the tagged addresses too.'),
        envoy_gateway_no_default_bind: bool('Do not bind to the default address.'),
        envoy_dns_discovery_type: oneOf('How Envoy resolves hostnames.', [['LOGICAL_DNS', 'First address only.'], ['STRICT_DNS', 'All addresses.']]),
      },
      {
        envoy_gateway_bind_addresses: block('An extra address Envoy listens on.', body({ address: str('Address.'), port: int('Port.', { min: 0, max: 65535 }) }), { labels: [{ name: 'name', doc: 'Name of the address.' }] }),
        config: single('Envoy settings passed through unchanged.', FREE_FORM),
      },
    )),
    ingress: single('An ingress gateway: traffic from outside the mesh to mesh services.', body({}, {
      tls: TLS,
      listener: block('A port the ingress gateway listens on.', body(
        { port: int('Port.', { min: 0, max: 65535 }), protocol: oneOf('Protocol.', [['tcp', 'TCP.'], ['http', 'HTTP.'], ['http2', 'HTTP/2.'], ['grpc', 'gRPC.']], { default: '"tcp"' }) },
        { service: block('A mesh service reachable through this listener.', body(
          {
            name: str('Service name (or `*`).'),
            hosts: strList('Host names the service answers to.'),
            max_connections: int('Connection limit.', { min: 0 }),
            max_pending_requests: int('Pending request limit.', { min: 0 }),
            max_concurrent_requests: int('Concurrent request limit.', { min: 0 }),
          },
          { tls: TLS, request_headers: HEADER_MODIFIERS('request'), response_headers: HEADER_MODIFIERS('response') },
        )) },
      )),
    })),
    terminating: single('A terminating gateway: traffic from the mesh to services outside it.', body({}, {
      service: block('A service outside the mesh.', body({
        name: str('Service name.'), ca_file: str('CA file.'), cert_file: str('Certificate file.'), key_file: str('Key file.'), sni: str('SNI name.'),
      })),
    })),
    mesh: single('A mesh gateway between datacenters or partitions.', body({})),
  }),
  { docPath: docPath('gateway') },
);

const CONNECT = single(
  'Join the Consul service mesh: a sidecar proxy, a gateway, or a native mesh application.',
  body(
    { native: bool('The application speaks the mesh protocol itself; no sidecar.', { default: 'false' }) },
    {
      sidecar_service: single('Run an Envoy sidecar for this service.', body(
        {
          tags: strList('Tags of the sidecar service.'),
          port: str('Port label the sidecar listens on.', { refersTo: 'port' }),
          disable_default_tcp_check: bool('Do not add the default TCP check for the sidecar.', { default: 'false' }),
        },
        { proxy: PROXY, meta: single('Metadata of the sidecar service.', STRING_ATTRIBUTES, { alsoAttribute: true }) },
      ), { docPath: docPath('sidecar_service') }),
      sidecar_task: SIDECAR_TASK,
      gateway: GATEWAY,
    },
  ),
  { docPath: docPath('connect') },
);

function serviceBody(): BodySchema {
  return body(
    {
      name: str('The name the service registers under; may use interpolation.', { default: '"<job>-<group>-<task>"', declares: 'service' }),
      port: str('Port label (or number) the service listens on.', { refersTo: 'port' }),
      tags: strList('Tags to register.'),
      canary_tags: strList('Tags used while the allocation is a canary.'),
      enable_tag_override: bool('Let Consul anti-entropy leave tags changed outside Nomad alone.', { default: 'false' }),
      address_mode: oneOf('Which address to advertise.', ADDRESS_MODE, { default: '"auto"' }),
      address: str('An explicit address to advertise.'),
      provider: oneOf('Which catalog the service goes to.', [['consul', 'Consul.'], ['nomad', 'Nomad\'s built-in service discovery.']], { default: '"consul"' }),
      task: str('For group services: the task whose address (driver mode) or script checks are used.'),
      on_update: oneOf('How the service\'s checks count during deployments.', ON_UPDATE, { default: '"require_healthy"' }),
      cluster: str('Consul cluster to register in (Enterprise).', { default: '"default"' }),
      kind: str('Consul service kind.'),
      id: str('Unused by Nomad.'),
    },
    {
      check: CHECK,
      check_restart: CHECK_RESTART,
      connect: CONNECT,
      meta: single('Service metadata.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      canary_meta: single('Service metadata while the allocation is a canary.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      tagged_addresses: single('Extra addresses registered with the service.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      weights: single('DNS SRV weights by check state (Consul).', body({ passing: int('Weight while passing.', { min: 0 }), warning: int('Weight while warning.', { min: 0 }) })),
      identity: single('The workload identity used to register the service in Consul.', body({
        aud: strList('Audience of the identity token.'),
        ttl: dur('Lifetime of the token.'),
        file: bool('Write the token into the secrets directory.'),
        env: bool('Expose the token as an environment variable.'),
        change_mode: str('What to do when the token is renewed.'),
        change_signal: str('Signal sent when change_mode is signal.', { completion: 'signal' }),
      })),
    },
  );
}

export const SERVICE: BlockSchema = block(
  'Register the task or group in a service catalog so others can find it, with health checks.',
  serviceBody(),
  { docPath: docPath('service') },
);
