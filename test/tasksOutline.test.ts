// The `nomadExec/tasks` answer the VS Code extension builds its code lenses and run pickers on.
import assert from 'node:assert/strict';
import test from 'node:test';
import { outlineOf } from '../server/src/features/tasks';
import { analyseText } from './helpers/analyse';

const job = `variable "greeting" {
  type        = list(string)
  description = "Said first"
}
variable "port" {
  default = 8080
}

job "web" {
  group "api" {
    task "server" {
      driver = "exec"
      config { command = "/bin/true" }
    }
    task "proxy" {
      driver = "docker"
    }
  }
  task "solo" {
    driver = "exec"
  }
}
`;

async function outline(text: string) {
  return outlineOf((await analyseText(text)).file, text);
}

test('groups and tasks with ranges, and which tasks can run', async () => {
  const result = await outline(job);
  assert.equal(result.job, 'web');
  const api = result.groups.find((g) => g.name === 'api');
  assert.ok(api);
  assert.equal(api.implicit, false);
  assert.deepEqual(
    api.tasks.map((t) => [t.name, t.driver, t.runnable]),
    [
      ['server', 'exec', true],
      ['proxy', 'docker', false],
    ],
  );
  // The lens goes on the `task "server"` header: line 10 (0-based), from the block type to the label.
  const server = api.tasks[0];
  assert.deepEqual(server.headerRange, { start: { line: 10, character: 4 }, end: { line: 10, character: 17 } });
  assert.equal(server.range.start.line, 10);
  assert.equal(server.range.end.line, 13);
  const solo = result.groups.find((g) => g.name === 'solo');
  assert.ok(solo && solo.implicit, 'a task directly under job is its own group');
  assert.equal(solo.tasks[0].runnable, true);
});

test('variables: which have a default, their type as written, their description', async () => {
  const result = await outline(job);
  assert.deepEqual(result.variables, [
    { name: 'greeting', hasDefault: false, description: 'Said first', type: 'list(string)' },
    { name: 'port', hasDefault: true, description: undefined, type: undefined },
  ]);
});

test('a file without a job has no groups', async () => {
  const result = await outline('variable "x" {}\n');
  assert.equal(result.job, undefined);
  assert.deepEqual(result.groups, []);
  assert.equal(result.variables[0].name, 'x');
});

test('raw_exec tasks can run (with the developer\'s permission, asked for at run time); other drivers cannot', async () => {
  const result = await outline('job "j" {\n  group "g" {\n    task "prep" {\n      driver = "raw_exec"\n    }\n    task "db" {\n      driver = "java"\n    }\n  }\n}\n');
  assert.deepEqual(result.groups[0].tasks.map((t) => [t.name, t.runnable]), [['prep', true], ['db', false]]);
});
