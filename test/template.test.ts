// The Go template engine and consul-template's local functions, as a task template renders them.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkTemplate, parseEnvFile, readEnvFile, renderTemplate, TemplateError } from '../server/src/template';

const taskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-tpl-'));
fs.mkdirSync(path.join(taskDir, 'local'));
fs.writeFileSync(path.join(taskDir, 'local', 'greeting.txt'), 'hello from a file');
const env = { NOMAD_TASK_NAME: 'web', NOMAD_PORT_http: '8080', LIST: 'a,b,c', EMPTY: '' };
const render = (text: string, extra: Partial<Parameters<typeof renderTemplate>[1]> = {}): string =>
  renderTemplate(text, { env, taskDir, ...extra });

test('text without actions is written as is', () => {
  const text = 'plain $text with ${NOMAD_TASK_NAME} and no actions\n';
  assert.equal(render(text), text);
});

test('env, pipelines, variables and printf', () => {
  assert.equal(render('port={{ env "NOMAD_PORT_http" }}'), 'port=8080');
  assert.equal(render('{{ $t := env "NOMAD_TASK_NAME" }}{{ $t | toUpper }}-{{ printf "%05d|%-4s|%q" 42 "ab" "x" }}'), 'WEB-00042|ab  |"x"');
  assert.equal(render('{{ print 1 2 "a" "b" 3 }}'), '1 2ab3');
  assert.equal(render('{{ println "a" 1 }}'), 'a 1\n');
  assert.equal(render('{{ len "héllo" }} {{ index (split "," (env "LIST")) 1 }}'), '6 b');
});

test('if / else if / else, comparisons, and / or / not', () => {
  const t = '{{ if eq (env "NOMAD_TASK_NAME") "db" }}db{{ else if and (ne 1 2) (lt 1 2) (le 2 2) (gt 3 2) (ge 3 3) }}cmp{{ else }}other{{ end }}';
  assert.equal(render(t), 'cmp');
  assert.equal(render('{{ or (env "EMPTY") "fallback" }}|{{ not true }}|{{ and 1 0 }}|{{ eq 1 2 3 1 }}'), 'fallback|false|0|true');
});

test('range over lists, maps and numbers with else, break and continue', () => {
  assert.equal(render('{{ range $i, $v := split "," (env "LIST") }}{{ $i }}={{ $v }};{{ end }}'), '0=a;1=b;2=c;');
  assert.equal(render('{{ range $k, $v := parseJSON `{"b":2,"a":1}` }}{{ $k }}{{ $v }}{{ end }}'), 'a1b2');
  assert.equal(render('{{ range split "," (env "EMPTY") }}x{{ else }}none{{ end }}'), 'none');
  assert.equal(render('{{ range loop 10 }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}'), '013');
});

test('with, define, template and block', () => {
  assert.equal(render('{{ with env "NOMAD_TASK_NAME" }}name={{ . }}{{ end }}{{ with env "EMPTY" }}x{{ else }}-{{ end }}'), 'name=web-');
  assert.equal(render('{{ define "item" }}<{{ . }}>{{ end }}{{ template "item" "a" }}{{ template "item" 3 }}'), '<a><3>');
  assert.equal(render('{{ block "b" "x" }}[{{ . }}]{{ end }}'), '[x]');
});

test('whitespace trim markers and comments', () => {
  assert.equal(render('a  {{- "b" -}}  \n c{{/* note */}}d {{- /* trimmed */ -}} e'), 'abcde');
});

test('custom delimiters leave the default ones alone', () => {
  const out = render('{{ not a template }} [[ env "NOMAD_TASK_NAME" ]]', { leftDelimiter: '[[', rightDelimiter: ']]' });
  assert.equal(out, '{{ not a template }} web');
});

test('string, encoding and parsing helpers', () => {
  assert.equal(render('{{ "aGk=" | base64Decode }} {{ "hi" | base64Encode }} {{ "a b" | toTitle }} {{ "  x " | trimSpace }}'), 'hi aGk= A B x');
  assert.equal(render('{{ replaceAll "a" "o" "banana" }} {{ join "-" (split "," "x,y") }} {{ contains "an" "banana" }}'), 'bonono x-y true');
  assert.equal(render('{{ parseInt "42" | add 1 }} {{ parseBool "true" }} {{ 10 | subtract 3 }} {{ toJSON (parseJSON `{"a":[1,2]}`) }}'), '43 true 7 {"a":[1,2]}');
  assert.equal(render('{{ toYAML (parseJSON `{"b":{"c":"d"},"a":[1,"x"]}`) }}'), 'a:\n- 1\n- x\nb:\n  c: d');
  assert.equal(render('{{ file "local/greeting.txt" }}'), 'hello from a file');
  assert.equal(render('{{ sha256Hex "" }}'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('a function that needs a server is refused with its name and line', () => {
  const text = 'line one\n{{ range service "db" }}{{ .Address }}{{ end }}\n{{ with secret "kv/x" }}{{ end }}';
  assert.throws(() => checkTemplate(text), (error: unknown) => {
    assert.ok(error instanceof TemplateError);
    assert.equal(error.functionName, 'service');
    assert.equal(error.line, 2);
    assert.match(error.message, /service.*Consul/);
    return true;
  });
  assert.throws(() => checkTemplate('{{ nomadVar "nomad/jobs/x" }}'), /nomadVar.*Nomad/);
});

test('syntax errors and unknown functions carry a line', () => {
  assert.throws(() => checkTemplate('a\nb\n{{ if true }}x'), (e: unknown) => e instanceof TemplateError && e.line === 3);
  assert.throws(() => checkTemplate('{{ noSuchFunc 1 }}'), /function "noSuchFunc" not defined/);
});

test('missing keys print <no value> or fail when asked', () => {
  assert.equal(render('{{ (parseJSON `{"a":1}`).b }}'), '<no value>');
  assert.throws(() => render('{{ (parseJSON `{"a":1}`).b }}', { errorOnMissingKey: true }), /no entry for key "b"/);
});

test('env files parse into variables', () => {
  assert.deepEqual(parseEnvFile('A=1\n# c\nexport B="two words"\n\nC=x=y\n'), { A: '1', B: 'two words', C: 'x=y' });
});

test('env files read as Nomad reads them: comments, export, quotes and escapes; a bad line names itself', () => {
  const { env, problems } = readEnvFile('A = plain value # note\nexport B="x\\ty\\u00e9"\nC=\'#kept\'\n  # indented comment\n\nD.E/F=1\nexport=2\nG=#\r\n');
  assert.deepEqual(env, { A: 'plain value', B: 'x\ty\u00e9', C: '#kept', 'D.E/F': '1', export: '2', G: '' });
  assert.deepEqual(problems, []);
  const bad = readEnvFile('OK=1\n1X=2\nNO_EQUALS\nQ="open\nE="\\q"\n');
  assert.deepEqual(bad.problems.map((p) => p.line), [2, 3, 4, 5]);
  assert.throws(() => parseEnvFile('OK=1\nNO_EQUALS\n'), /line 2/);
});
