// While a file has a syntax error, findings that rest on tree-sitter's guess about the broken part are held
// back; findings before the error stay.
import test from 'node:test';
import assert from 'node:assert/strict';
import { analyseText } from './helpers/analyse';

const codes = async (text: string): Promise<string[]> =>
  (await analyseText(text)).diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`);

const job = (meta: string, tail = '') => `job "example" {
  datacenters = ["dc1"]
  type        = "batch"
  prority     = 5

  meta {
    ${meta}
  }

  group "nodes" {
    task "payload" {
      driver = "exec"
      config {
        command = "/bin/true"
        ${tail}
      }
    }
  }
}
`;

test('an HCL1-style quoted meta key gives one syntax error, not a misplaced group', async () => {
  const found = await codes(job('"version" = "2"'));
  assert.deepEqual(found.filter((c) => !c.endsWith('command-location')), ['7:syntax-error', '4:unknown-attribute']);
});

test('the valid twin reports the group normally', async () => {
  const found = await codes(job('version = "2"', 'image = "x"'));
  assert.deepEqual(found.filter((c) => !c.endsWith('command-location')), ['4:unknown-attribute', '15:unknown-attribute']);
});

test('a block enclosing a syntax error is not reported as missing what the error hides', async () => {
  const text = `job "x" {
  group "g" {
    task "t" {
      driver = "exec"
      template {
        data = <<EOH
sleep \${SLEEP:-300}
EOH
        destination = "local/run.sh"
      }
      config {
        command = "/bin/sh"
      }
    }
  }
}
`;
  const found = await codes(text);
  assert.ok(found.includes('7:syntax-error'), found.join(', '));
  assert.ok(!found.some((c) => c.endsWith('missing-required')), found.join(', '));
  assert.ok(!found.some((c) => c.endsWith('unknown-block')), found.join(', '));
});
