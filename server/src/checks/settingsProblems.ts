// Problems with the settings themselves (an agent config file that cannot be read, a bad allow_caps
// entry) are shown at the top of each checked file: they change what the other checks conclude.
import type { Check } from './check';

export const settingsProblems: Check = {
  name: 'settingsProblems',
  run(ctx) {
    const start = { line: 0, character: 0 };
    for (const problem of ctx.settings.problems) {
      ctx.report({
        range: { start, end: start },
        code: 'settings-problem',
        message: `${problem}. The checks use Nomad's defaults for what could not be read.`,
      });
    }
  },
};
