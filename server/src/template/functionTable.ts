// consul-template's function table as data, like the jobspec schema: each function's parameters, what it
// returns, what it does (in our own words) and what it needs to render. The engine knows names from here
// (so templates parse), refuses the remote and unsupported ones in a local run, and the language server
// takes hover, completion and argument counts from the same rows.

/** What a function needs to be rendered: only this machine, a server, or nothing nomad-exec offers. */
export type TemplateNeed = 'local' | 'Consul' | 'Vault' | 'Nomad' | 'unsupported';

export interface TemplateFunctionInfo {
  name: string;
  /** Parameter names as shown in a signature; a trailing `...` marks a variadic one. */
  params: readonly string[];
  /** Fewest and most arguments, counting a value piped in (`x | f` passes x last); max undefined = any. */
  min: number;
  max?: number;
  result: string;
  doc: string;
  needs: TemplateNeed;
  /** For `unsupported`: why a local run does not offer it. */
  why?: string;
}

type Row = [name: string, params: string, result: string, doc: string];

/** Parses `a b c...` into params, min and max. Optional params are written `[x]`. */
function row(needs: TemplateNeed, [name, params, result, doc]: Row, why?: string): TemplateFunctionInfo {
  const list = params ? params.split(' ') : [];
  const min = list.filter((p) => !p.startsWith('[') && !p.endsWith('...')).length;
  const max = list.some((p) => p.endsWith('...')) ? undefined : list.length;
  return { name, params: list, min, ...(max === undefined ? {} : { max }), result, doc, needs, ...(why ? { why } : {}) };
}

const GO_BUILTINS: Row[] = [
  ['and', 'x y...', 'any', 'The first empty argument, or the last one; stops evaluating at the first empty one.'],
  ['or', 'x y...', 'any', 'The first non-empty argument, or the last one; stops evaluating at the first non-empty one.'],
  ['not', 'x', 'bool', 'True when the argument is empty (false, 0, "", nil or an empty collection).'],
  ['eq', 'a b...', 'bool', 'True when the first argument equals any of the others.'],
  ['ne', 'a b', 'bool', 'True when the two arguments differ.'],
  ['lt', 'a b', 'bool', 'True when a < b (numbers or strings of the same kind).'],
  ['le', 'a b', 'bool', 'True when a <= b.'],
  ['gt', 'a b', 'bool', 'True when a > b.'],
  ['ge', 'a b', 'bool', 'True when a >= b.'],
  ['len', 'x', 'int', 'The length of a string, list or map.'],
  ['index', 'collection keys...', 'any', 'Looks up each key in turn: `index .m "a" 0` is m["a"][0].'],
  ['slice', 'collection bounds...', 'any', 'A part of a string or list: `slice x 1 3` is x[1:3].'],
  ['print', 'args...', 'string', "The arguments formatted as Go's fmt.Sprint does."],
  ['printf', 'format args...', 'string', 'The arguments formatted with a Go format string such as "%s:%d".'],
  ['println', 'args...', 'string', 'The arguments separated by spaces, with a newline after.'],
  ['html', 'args...', 'string', 'The arguments as text escaped for HTML.'],
  ['js', 'args...', 'string', 'The arguments as text escaped for JavaScript.'],
  ['urlquery', 'args...', 'string', 'The arguments escaped for a URL query.'],
];

const LOCAL: Row[] = [
  ['env', 'name', 'string', "The task's environment variable at render time, or empty text when it is not set."],
  ['envOrDefault', 'name default', 'string', "The task's environment variable, or the default when it is not set."],
  ['file', 'path', 'string', "The contents of a file inside the task (Nomad's template sandbox); re-rendered when the file changes."],
  ['base64Encode', 'text', 'string', 'The text encoded as standard base64.'],
  ['base64Decode', 'text', 'string', 'Standard base64 decoded to text.'],
  ['base64URLEncode', 'text', 'string', 'The text encoded as URL-safe base64.'],
  ['base64URLDecode', 'text', 'string', 'URL-safe base64 decoded to text.'],
  ['toLower', 'text', 'string', 'The text in lower case.'],
  ['toUpper', 'text', 'string', 'The text in upper case.'],
  ['toTitle', 'text', 'string', 'The text with each word capitalised.'],
  ['trimSpace', 'text', 'string', 'The text without leading and trailing white space.'],
  ['trimPrefix', 'prefix text', 'string', 'The text without the prefix, when it starts with it.'],
  ['trimSuffix', 'suffix text', 'string', 'The text without the suffix, when it ends with it.'],
  ['split', 'separator text', 'list', 'The text cut at each separator.'],
  ['join', 'separator list', 'string', 'The list items joined with the separator between them.'],
  ['replaceAll', 'old new text', 'string', 'The text with every occurrence of old replaced by new.'],
  ['indent', 'spaces text', 'string', 'The text with each line indented by that many spaces.'],
  ['contains', 'needle haystack', 'bool', 'True when the string, list or map keys hold the needle.'],
  ['in', 'haystack needle', 'bool', 'True when the string, list or map keys hold the needle (arguments the other way round from contains).'],
  ['containsAll', 'needles haystack', 'bool', 'True when the haystack holds every needle.'],
  ['containsAny', 'needles haystack', 'bool', 'True when the haystack holds at least one needle.'],
  ['containsNone', 'needles haystack', 'bool', 'True when the haystack holds none of the needles.'],
  ['containsNotAll', 'needles haystack', 'bool', 'True when some needle is missing from the haystack.'],
  ['regexMatch', 'pattern text', 'bool', 'True when the regular expression matches the text.'],
  ['regexReplaceAll', 'pattern replacement text', 'string', 'The text with every match replaced ($1 names a group).'],
  ['parseBool', 'text', 'bool', 'The text read as a Go boolean ("true", "1", "f"...).'],
  ['parseInt', 'text', 'int', 'The text read as a signed integer (decimal, 0x, 0o, 0b).'],
  ['parseUint', 'text', 'int', 'The text read as an unsigned integer.'],
  ['parseFloat', 'text', 'float', 'The text read as a floating point number.'],
  ['parseJSON', 'text', 'any', 'The text read as JSON, giving maps, lists and values to walk with `.` and index.'],
  ['parseYAML', 'text', 'any', 'The text read as YAML.'],
  ['toJSON', 'value', 'string', 'The value written as compact JSON.'],
  ['toJSONPretty', 'value', 'string', 'The value written as indented JSON.'],
  ['toUnescapedJSON', 'value', 'string', 'The value as compact JSON without HTML escaping.'],
  ['toUnescapedJSONPretty', 'value', 'string', 'The value as indented JSON without HTML escaping.'],
  ['toYAML', 'value', 'string', 'The value written as YAML.'],
  ['sha256Hex', 'text', 'string', 'The SHA-256 digest of the text in hex.'],
  ['md5sum', 'text', 'string', 'The MD5 digest of the text in hex.'],
  ['timestamp', '[layout]', 'string', 'The render time, RFC 3339 in UTC, or in a Go time layout ("unix" for seconds).'],
  ['loop', 'from [to]', 'list', 'The integers from..to-1 (or 0..from-1 with one argument), for range.'],
  ['add', 'b a', 'number', 'a + b; with a pipe, the piped value is a: `{{ 1 | add 2 }}`.'],
  ['subtract', 'b a', 'number', 'a - b; `{{ 10 | subtract 3 }}` is 7.'],
  ['multiply', 'b a', 'number', 'a * b.'],
  ['divide', 'b a', 'number', 'a / b (integer division for integers).'],
  ['modulo', 'b a', 'number', 'a modulo b.'],
  ['minimum', 'a b', 'number', 'The smaller of the two numbers.'],
  ['maximum', 'a b', 'number', 'The larger of the two numbers.'],
  ['mergeMap', 'a b', 'map', 'The keys of both maps; a wins where both have a key.'],
];

const CONSUL: Row[] = [
  ['key', 'path', 'string', "The value of a Consul KV key; rendering waits until the key exists."],
  ['keyExists', 'path', 'bool', 'True when the Consul KV key exists.'],
  ['keyOrDefault', 'path default', 'string', 'The value of a Consul KV key, or the default when it is absent.'],
  ['ls', 'prefix', 'list', 'The top-level key/value pairs under a Consul KV prefix (.Key, .Value).'],
  ['safeLs', 'prefix', 'list', 'As ls, but the render waits instead of showing an empty list when the prefix is absent.'],
  ['tree', 'prefix', 'list', 'Every key/value pair under a Consul KV prefix, recursively (.Key, .Value, .Path).'],
  ['safeTree', 'prefix', 'list', 'As tree, but waits for the prefix to exist.'],
  ['service', 'query options...', 'list', 'The healthy instances of a Consul service (.Address, .Port, .Tags, .Meta, .Node, .ID, .Name).'],
  ['services', 'options...', 'list', 'Every service in the Consul catalog (.Name, .Tags).'],
  ['connect', 'query options...', 'list', 'The Connect-capable instances of a Consul service.'],
  ['caRoots', '', 'list', 'The Consul Connect CA root certificates.'],
  ['caLeaf', 'service options...', 'any', 'A Consul Connect leaf certificate for the service (.CertPEM, .PrivateKeyPEM).'],
  ['node', 'options...', 'any', 'A Consul node and its services (.Node, .Services).'],
  ['nodes', 'options...', 'list', 'The nodes in the Consul catalog (.Node, .Address, .Meta).'],
  ['datacenters', 'options...', 'list', 'The Consul datacenters known to the agent.'],
  ['partitions', '', 'list', 'The Consul admin partitions.'],
  ['peerings', 'options...', 'list', 'The Consul cluster peerings.'],
  ['exportedServices', 'options...', 'list', 'The services a Consul partition exports.'],
];

const VAULT: Row[] = [
  ['secret', 'path data...', 'any', 'A Vault secret read from the path (written when key=value data is given); .Data holds its fields (.Data.data for KV v2).'],
  ['secrets', 'path', 'list', 'The key names under a Vault path.'],
  ['pkiCert', 'path data...', 'any', 'A Vault PKI certificate, kept until it nears expiry (.Cert, .Key, .CA).'],
];

const NOMAD: Row[] = [
  ['nomadService', 'name options...', 'list', 'The instances of a Nomad-registered service (.Address, .Port, .Tags, .AllocID).'],
  ['nomadServices', 'options...', 'list', 'The services registered in Nomad (.Name, .Tags).'],
  ['nomadVar', 'path', 'map', 'The items of a Nomad variable (the task reads nomad/jobs/<job>... by default).'],
  ['nomadVarList', '[prefix]', 'list', 'The Nomad variables under a prefix (.Path).'],
  ['nomadVarListSafe', '[prefix]', 'list', 'As nomadVarList, but waits for the prefix to exist.'],
  ['nomadVarExists', 'path', 'bool', 'True when the Nomad variable exists.'],
];

const NOT_LOCAL: [Row, string][] = [
  [['plugin', 'command args...', 'string', 'The output of an external program run with the arguments.'], 'it runs an external program; Nomad disables it by default (function_denylist)'],
  [['writeToFile', 'path user group mode content...', 'string', 'Writes text to a file beside the rendered one.'], 'it writes outside the rendered destination; Nomad disables it by default (function_denylist)'],
  [['executeTemplate', 'name [data]', 'string', 'The output of a named template (define) as a value.'], 'not implemented by nomad-exec'],
  [['sockaddr', 'expression', 'string', 'An address of this machine chosen by a go-sockaddr expression.'], 'not implemented by nomad-exec'],
  [['byKey', 'pairs', 'map', 'KV pairs from tree grouped by their first path element.'], 'not implemented by nomad-exec'],
  [['byTag', 'services', 'map', 'Services grouped by tag.'], 'not implemented by nomad-exec'],
  [['byMeta', 'meta services', 'map', 'Services grouped by a meta key.'], 'not implemented by nomad-exec'],
  [['explode', 'pairs', 'map', 'KV pairs from tree turned into nested maps.'], 'not implemented by nomad-exec'],
  [['explodeMap', 'map', 'map', 'A flat map with slash-separated keys turned into nested maps.'], 'not implemented by nomad-exec'],
  [['toTOML', 'value', 'string', 'The value written as TOML.'], 'not implemented by nomad-exec'],
  [['trim', 'text cutset', 'string', 'The text without the given characters at either end.'], 'not implemented by nomad-exec'],
  [['sha256', 'text', 'string', 'The SHA-256 digest of the text.'], 'not implemented by nomad-exec'],
  [['hmacSHA256Hex', 'message key', 'string', 'The HMAC-SHA256 of the message in hex.'], 'not implemented by nomad-exec'],
  [['mergeMapWithOverride', 'a b', 'map', 'The keys of both maps; b wins where both have a key.'], 'not implemented by nomad-exec'],
  [['splitToMap', 'text pairSep kvSep', 'map', 'Text of key/value pairs read into a map.'], 'not implemented by nomad-exec'],
];

export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunctionInfo> = new Map<string, TemplateFunctionInfo>([
  ...GO_BUILTINS.map((r) => row('local', r)),
  ...LOCAL.map((r) => row('local', r)),
  ...CONSUL.map((r) => row('Consul', r)),
  ...VAULT.map((r) => row('Vault', r)),
  ...NOMAD.map((r) => row('Nomad', r)),
  ...NOT_LOCAL.map(([r, why]) => row('unsupported', r, why)),
].map((info) => [info.name, info] as [string, TemplateFunctionInfo]));

/** consul-template also offers Sprig's functions as `sprig_<name>` and spew's as `spew_<name>`. */
const PREFIXED = /^(sprig|spew)_[A-Za-z0-9]+$/;

/** The row for a function name, including the prefixed families; undefined when consul-template has no such function. */
export function templateFunction(name: string): TemplateFunctionInfo | undefined {
  const known = TEMPLATE_FUNCTIONS.get(name);
  if (known) return known;
  if (PREFIXED.test(name)) {
    return { name, params: ['args...'], min: 0, result: 'any', doc: `A ${name.startsWith('sprig') ? 'Sprig' : 'spew'} library function.`, needs: 'unsupported', why: 'not implemented by nomad-exec' };
  }
  return undefined;
}

/** `name a b` as shown in hover and completion. */
export function templateSignature(info: TemplateFunctionInfo): string {
  return [info.name, ...info.params].join(' ') + ` -> ${info.result}`;
}

/** How a local run treats the function, in one sentence. */
export function localRunNote(info: TemplateFunctionInfo): string {
  if (info.needs === 'local') return 'A local run renders it.';
  if (info.needs === 'unsupported') return `A local run cannot render it: ${info.why}.`;
  return `Needs a ${info.needs} server: a local run cannot render it (the preview shows a placeholder).`;
}

/** Go's message for a call with the wrong number of arguments, or undefined when the count fits (or is not known). */
export function arityProblem(name: string, count: number): string | undefined {
  const info = TEMPLATE_FUNCTIONS.get(name);
  if (!info) return undefined;
  if (info.max === undefined) return count < info.min ? `wrong number of args for ${name}: want at least ${info.min} got ${count}` : undefined;
  if (count >= info.min && count <= info.max) return undefined;
  const want = info.min === info.max ? String(info.min) : `${info.min} to ${info.max}`;
  return `wrong number of args for ${name}: want ${want} got ${count}`;
}

/** Edit distance where swapping two neighbours counts once (`evn` is one step from `env`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The function a misspelt name most likely meant (case-insensitive, at most a third of the name wrong). */
export function nearestTemplateFunction(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of TEMPLATE_FUNCTIONS.keys()) {
    const d = candidate.toLowerCase() === lower ? 0.5 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

// ---- What functions give back: the fields of their results ----------------------------------------------
// Data like the rows above: for the functions whose result has named fields (a Consul service entry, a Vault
// secret, a KV pair), those fields, so that hover can say what `.Port` is inside `range service "x"`.

export interface TemplateField {
  name: string;
  type: string;
  doc: string;
  /** Fields of this field's value, when it has named ones (a secret's `.Data` of a KV v2 engine). */
  fields?: readonly TemplateField[];
}

export interface TemplateResult {
  /** True when the function gives a list: its fields are those of each element (`range` visits them). */
  list: boolean;
  /** What one value (or one element) is, in a few words. */
  what: string;
  fields: readonly TemplateField[];
}

type FieldRow = [name: string, type: string, doc: string, fields?: FieldRow[]];
const fields = (rows: FieldRow[]): TemplateField[] => rows.map(([name, type, doc, sub]) => ({ name, type, doc, ...(sub ? { fields: fields(sub) } : {}) }));

const HEALTH_SERVICE: FieldRow[] = [
  ['Address', 'string', "The instance's address: the service's own, or its node's when the service registered none."],
  ['Port', 'int', 'The port the instance listens on.'],
  ['ID', 'string', 'The instance ID, unique on its node.'],
  ['Name', 'string', 'The service name.'],
  ['Tags', 'list', 'The tags of this instance.'],
  ['ServiceMeta', 'map', 'The key/value metadata the instance registered.'],
  ['Node', 'string', 'The name of the Consul node the instance runs on.'],
  ['NodeID', 'string', "The node's ID."],
  ['NodeAddress', 'string', "The node's address."],
  ['NodeDatacenter', 'string', 'The datacenter of the node.'],
  ['NodeMeta', 'map', "The node's metadata."],
  ['NodeTaggedAddresses', 'map', "The node's addresses by tag (lan, wan...)."],
  ['Status', 'string', 'The aggregated health: passing, warning or critical.'],
  ['Checks', 'list', 'The health checks of the instance and its node.'],
  ['Weights', 'map', 'DNS weights for passing and warning states.'],
  ['Namespace', 'string', 'The Consul namespace (Enterprise).'],
];

const KV_PAIR: FieldRow[] = [
  ['Key', 'string', 'The key relative to the prefix that was listed.'],
  ['Value', 'string', 'The value stored at the key.'],
  ['Path', 'string', 'The full key path.'],
  ['Flags', 'int', 'Opaque flags stored with the key.'],
  ['CreateIndex', 'int', 'The Raft index at which the key was created.'],
  ['ModifyIndex', 'int', 'The Raft index of the last change.'],
  ['LockIndex', 'int', 'How many times the key was locked.'],
  ['Session', 'string', 'The session holding a lock on the key, if any.'],
];

const NOMAD_SERVICE: FieldRow[] = [
  ['Address', 'string', 'The address the allocation registered for the service.'],
  ['Port', 'int', 'The port the allocation registered for the service.'],
  ['ID', 'string', 'The registration ID.'],
  ['Name', 'string', 'The service name.'],
  ['Tags', 'list', 'The tags of this registration.'],
  ['AllocID', 'string', 'The allocation that registered it.'],
  ['JobID', 'string', 'The job of that allocation.'],
  ['NodeID', 'string', 'The client node the allocation runs on.'],
  ['Datacenter', 'string', 'The datacenter of that node.'],
  ['Namespace', 'string', 'The Nomad namespace.'],
];

const SECRET: FieldRow[] = [
  ['Data', 'map', 'The secret\'s fields by name. With a KV version 2 engine they sit one level down, in `.Data.data`, beside `.Data.metadata`.', [
    ['data', 'map', 'KV version 2: the secret\'s fields by name.'],
    ['metadata', 'map', 'KV version 2: the version\'s metadata (version, created_time, deletion_time, destroyed).'],
  ]],
  ['LeaseDuration', 'int', 'Seconds the lease lasts; consul-template renews or re-reads the secret before it ends.'],
  ['LeaseID', 'string', 'The lease ID, for dynamic secrets.'],
  ['Renewable', 'bool', 'Whether the lease can be renewed.'],
  ['RequestID', 'string', 'The ID of the Vault request.'],
  ['Warnings', 'list', 'Warnings Vault returned with the secret.'],
  ['Auth', 'map', 'Token information, when the path returns a token.'],
  ['WrapInfo', 'map', 'Response-wrapping information, when wrapped.'],
];

export const TEMPLATE_RESULTS: ReadonlyMap<string, TemplateResult> = new Map<string, TemplateResult>([
  ['service', { list: true, what: 'a healthy instance of the Consul service', fields: fields(HEALTH_SERVICE) }],
  ['connect', { list: true, what: 'a Connect-capable instance of the Consul service', fields: fields(HEALTH_SERVICE) }],
  ['services', { list: true, what: 'a service in the Consul catalog', fields: fields([['Name', 'string', 'The service name.'], ['Tags', 'list', 'Every tag any instance of it has.']]) }],
  ['nodes', { list: true, what: 'a node in the Consul catalog', fields: fields([['Node', 'string', 'The node name.'], ['ID', 'string', 'The node ID.'], ['Address', 'string', "The node's address."], ['Datacenter', 'string', 'Its datacenter.'], ['TaggedAddresses', 'map', 'Addresses by tag (lan, wan...).'], ['Meta', 'map', "The node's metadata."]]) }],
  ['node', { list: false, what: 'a Consul node and the services on it', fields: fields([['Node', 'map', 'The node: .Node.Node (name), .Node.Address, .Node.Datacenter, .Node.Meta.'], ['Services', 'list', 'The services registered on the node (.Service, .Port, .Tags, .Address).']]) }],
  ['ls', { list: true, what: 'a key/value pair directly under the prefix', fields: fields(KV_PAIR) }],
  ['safeLs', { list: true, what: 'a key/value pair directly under the prefix', fields: fields(KV_PAIR) }],
  ['tree', { list: true, what: 'a key/value pair anywhere under the prefix', fields: fields(KV_PAIR) }],
  ['safeTree', { list: true, what: 'a key/value pair anywhere under the prefix', fields: fields(KV_PAIR) }],
  ['secret', { list: false, what: 'a Vault secret', fields: fields(SECRET) }],
  ['pkiCert', { list: false, what: 'a Vault PKI certificate', fields: fields([['Cert', 'string', 'The certificate, PEM encoded.'], ['Key', 'string', 'Its private key, PEM encoded.'], ['CA', 'string', 'The issuing CA certificate, PEM encoded.'], ['CAChain', 'list', 'The CA chain, PEM encoded.']]) }],
  ['caLeaf', { list: false, what: 'a Consul Connect leaf certificate', fields: fields([['CertPEM', 'string', 'The certificate, PEM encoded.'], ['PrivateKeyPEM', 'string', 'Its private key, PEM encoded.'], ['SerialNumber', 'string', 'The serial number.'], ['ValidAfter', 'time', 'Start of validity.'], ['ValidBefore', 'time', 'End of validity.']]) }],
  ['caRoots', { list: true, what: 'a Consul Connect CA root', fields: fields([['ID', 'string', 'The root ID.'], ['Name', 'string', 'Its name.'], ['RootCertPEM', 'string', 'The root certificate, PEM encoded.'], ['Active', 'bool', 'Whether it signs new certificates.']]) }],
  ['nomadService', { list: true, what: 'an instance of the Nomad service', fields: fields(NOMAD_SERVICE) }],
  ['nomadServices', { list: true, what: 'a service registered in Nomad', fields: fields([['Name', 'string', 'The service name.'], ['Namespace', 'string', 'Its Nomad namespace.'], ['Tags', 'list', 'Every tag of its registrations.']]) }],
  ['nomadVarList', { list: true, what: 'a Nomad variable (metadata only)', fields: fields([['Path', 'string', 'The variable path.'], ['Namespace', 'string', 'Its namespace.'], ['CreateIndex', 'int', 'Raft index of creation.'], ['ModifyIndex', 'int', 'Raft index of the last change.']]) }],
  ['nomadVarListSafe', { list: true, what: 'a Nomad variable (metadata only)', fields: fields([['Path', 'string', 'The variable path.'], ['Namespace', 'string', 'Its namespace.']]) }],
]);

/** The field reached by following `chain` (field names) from a function's result; undefined when unknown. */
export function resultField(result: TemplateResult, chain: readonly string[]): TemplateField | undefined {
  let list: readonly TemplateField[] | undefined = result.fields;
  let found: TemplateField | undefined;
  for (const name of chain) {
    found = list?.find((f) => f.name === name);
    if (!found) return undefined;
    list = found.fields;
  }
  return found;
}
