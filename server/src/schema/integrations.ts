// Blocks that connect a task or job to other systems or tools: Vault, Consul, workload identities,
// secrets, CSI plugins, actions, task schedules and the web UI.
import { FREE_FORM, STRING_ATTRIBUTES, block, body, bool, docPath, dur, oneOf, single, str, strList } from './build';
import type { BlockSchema } from './types';

const CHANGE_MODE: Array<[string, string]> = [
  ['restart', 'Restart the task.'],
  ['noop', 'Do nothing; the program picks up the new token itself.'],
  ['signal', 'Send change_signal to the task.'],
];

export const VAULT: BlockSchema = single(
  'Give the task a Vault token (through workload identity or policies) for templates and the program itself.',
  body({
    role: str('Vault role used to log in with the task\'s workload identity.'),
    policies: strList('Vault policies (legacy token flow, without workload identity).'),
    namespace: str('Vault namespace (Enterprise).'),
    cluster: str('Which Vault cluster of the client configuration to use.', { default: '"default"' }),
    env: bool('Put the token into VAULT_TOKEN.', { default: 'true' }),
    disable_file: bool('Do not write the token into secrets/vault_token.', { default: 'false' }),
    change_mode: oneOf('What happens when the token changes.', CHANGE_MODE, { default: '"restart"' }),
    change_signal: str('Signal sent when change_mode is signal.', { completion: 'signal' }),
    allow_token_expiration: bool('Let the token expire instead of renewing it.', { default: 'false' }),
  }),
  { docPath: docPath('vault') },
);

export const CONSUL: BlockSchema = single(
  'Which Consul cluster, namespace and partition services and templates use.',
  body({
    cluster: str('Consul cluster from the client configuration.', { default: '"default"' }),
    namespace: str('Consul namespace (Enterprise).'),
    partition: str('Consul admin partition (Enterprise).'),
  }),
  { docPath: docPath('consul') },
);

export const IDENTITY: BlockSchema = block(
  'A workload identity: a signed JWT describing the task, for Nomad itself or for Vault/Consul/other services.',
  body({
    name: str('Name of the identity; `default` is the one for Nomad\'s own API.', { default: '"default"' }),
    aud: strList('Audience claim of the token.'),
    env: bool('Expose the token as NOMAD_TOKEN (default) or NOMAD_TOKEN_<name>.', { default: 'false' }),
    file: bool('Write the token into the secrets directory.', { default: 'false' }),
    filepath: str('Where to write the token instead of the default file.'),
    ttl: dur('Lifetime of the token; it is renewed before it expires.'),
    change_mode: oneOf('What happens when the token is renewed.', CHANGE_MODE.slice(0, 3), { default: '"noop"' }),
    change_signal: str('Signal sent when change_mode is signal.', { completion: 'signal' }),
    service_name: str('Service this identity belongs to.'),
  }),
  { docPath: docPath('identity') },
);

export const SECRET: BlockSchema = block(
  'Fetch a secret (from Nomad variables, Vault or a plugin) before the task starts; its values become environment variables.',
  body(
    {
      provider: str('Which secret provider: `nomad`, `vault` or a custom plugin name.', { required: true }),
      path: str('Where the secret lives in the provider.', { required: true }),
    },
    {
      config: single('Provider-specific settings.', FREE_FORM),
      env: single('Environment passed to a custom provider plugin.', STRING_ATTRIBUTES, { alsoAttribute: true }),
    },
  ),
  { labels: [{ name: 'name', doc: 'Name of the secret, used in interpolations `${secret.<name>.<key>}`.' }], docPath: docPath('secret') },
);

export const CSI_PLUGIN: BlockSchema = single(
  'Make the task a CSI storage plugin that Nomad talks to over a socket.',
  body({
    id: str('Plugin ID that volumes refer to.', { required: true }),
    type: oneOf('Which CSI roles the plugin fills.', [
      ['node', 'Node operations only (mounting on this client).'],
      ['controller', 'Controller operations only (creating and attaching volumes).'],
      ['monolith', 'Both.'],
    ], { required: true }),
    mount_dir: str('Directory inside the task where the plugin creates its socket.', { default: '"/csi"' }),
    stage_publish_base_dir: str('Directory inside the task under which volumes are staged and published.', { default: '"/local/csi"' }),
    health_timeout: dur('How long the plugin may stay unhealthy before the task is killed.', { default: '"30s"' }),
  }),
  { docPath: docPath('csi_plugin') },
);

export const ACTION: BlockSchema = block(
  'A named command operators can run inside the task on demand (`nomad action`).',
  body({
    command: str('Program to run.', { required: true }),
    args: strList('Its arguments.'),
  }),
  { labels: [{ name: 'name', doc: 'The action\'s name.' }], docPath: docPath('action') },
);

export const SCHEDULE: BlockSchema = single(
  'Run the task only within a time window, pausing it outside (Nomad Enterprise).',
  body({}, {
    cron: single('The window.', body({
      start: str('Cron expression when the task starts running.', { required: true }),
      end: str('Time of day (hour and minute cron fields) when it is paused.', { required: true }),
      timezone: str('IANA time zone of the expressions.', { default: '"UTC"' }),
    })),
  }),
  { docPath: docPath('schedule') },
);

export const UI: BlockSchema = single(
  'What the Nomad web UI shows for this job: a description and links.',
  body(
    { description: str('Markdown shown on the job page.') },
    {
      link: block('A link shown on the job page.', body({
        label: str('Link text.'),
        url: str('Link target.'),
      })),
    },
  ),
  { docPath: docPath('ui') },
);
