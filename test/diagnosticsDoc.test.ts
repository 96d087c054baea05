// Every documented code has an example, and the example really produces that code (docs stay truthful).
import test from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES } from '../server/src/checks/codes';
import { DIAGNOSTIC_EXAMPLES } from '../server/src/checks/examples';
import { diagnose, withCode } from './helpers/diagnose';

test('each diagnostic code has an example that produces it', async () => {
  const failing: string[] = [];
  for (const code of Object.keys(DIAGNOSTIC_CODES)) {
    const example = DIAGNOSTIC_EXAMPLES[code as keyof typeof DIAGNOSTIC_CODES];
    if (!example) {
      failing.push(`${code}: no example`);
      continue;
    }
    const found = withCode(await diagnose(example.text, example.settings ?? {}, example.documentDir), code);
    if (found.length === 0) failing.push(`${code}: example gives no ${code}`);
  }
  assert.deepEqual(failing, []);
});
