// `--plan` for every exec task of the real-world corpus (../shared/corpus/exec): each either plans, or fails
// with a message naming the missing piece (a template function that needs a server, a remote artifact, a
// variable without a value, a file or program the job expects on its client, a server-given name).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPlanError, planRun, type RunRequest } from '../launcher/src/api';

const corpus = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'exec');
const allocDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-corpus-'));

/** Each accepted reason a task cannot be planned locally names what is missing. */
const MISSING_PIECES: { what: string; pattern: RegExp }[] = [
  { what: 'template function needing a server', pattern: /function "\w+" needs a (Consul|Vault|Nomad) server/ },
  { what: 'remote artifact', pattern: /remote artifact not available locally: .*"(git|s3|gcs|hg)(::)?"/ },
  { what: 'variable without a value', pattern: /variables? without a value: \w+/ },
  { what: 'program expected on the client', pattern: /file \S+ not found under path/ },
  { what: 'file next to the job that is not in the corpus', pattern: /file\w*\("[^"]+"\) reads .*, which does not exist/ },
  { what: 'host volume the job expects on the client', pattern: /needs the host volume "[^"]+", which this machine does not offer/ },
  { what: 'volume only a cluster provides', pattern: /is of type "\w+"; a local run mounts only host volumes/ },
  { what: 'user the job expects on the client', pattern: /user "[^"]+" does not exist on this machine/ },
  { what: 'permission only the developer can give', pattern: /a local run refuses unless you allow it: set nomadExec\.\w+/ },
  { what: 'name only a server provides', pattern: /names \$\{\w+\} \(.*needs a (Nomad|Vault|Consul)/ },
];

const files = fs.existsSync(corpus) ? fs.readdirSync(corpus).filter((f) => f.endsWith('.hcl')).sort() : [];

test('the corpus is there', { skip: files.length === 0 ? `no corpus at ${corpus}` : false }, () => {
  assert.ok(files.length > 40);
});

for (const name of files) {
  test(`--plan ${name}`, async () => {
    const file = path.join(corpus, name);
    const base: RunRequest = { file, allocDir, hostEnv: { PATH: '/usr/bin:/bin' } };
    const first = await planRun(base);
    const outcomes: { task: string; message?: string }[] = [];
    if (isPlanError(first) && first.choices?.some((c) => c.task)) {
      for (const choice of first.choices.filter((c) => c.task)) {
        const plan = await planRun({ ...base, group: choice.group, task: choice.task });
        outcomes.push({ task: choice.task!, message: isPlanError(plan) ? plan.message : undefined });
      }
    } else if (isPlanError(first) && /has no exec or raw_exec task/.test(first.message)) {
      // Files listed for their exec2 tasks: exec2 is another driver, not run locally.
      assert.match(fs.readFileSync(file, 'utf8'), /driver\s*=\s*"exec2"/);
      return;
    } else {
      outcomes.push({ task: isPlanError(first) ? '(file)' : first.tasks[0].name, message: isPlanError(first) ? first.message : undefined });
    }
    for (const outcome of outcomes) {
      if (outcome.message === undefined) continue;
      const piece = MISSING_PIECES.find((p) => p.pattern.test(outcome.message!));
      assert.ok(piece, `task ${outcome.task}: the message does not name a missing piece:\n${outcome.message}`);
    }
  });
}
