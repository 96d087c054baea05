// The top level of a job file: input variables, locals and the job.
import { ANY, FREE_FORM, attr, block, body, bool, str } from './build';
import { JOB } from './job';
import type { BodySchema } from './types';

const VARIABLE = block(
  'An input variable: set with -var, -var-file or NOMAD_VAR_<name>, read as `var.<name>`.',
  body(
    {
      type: attr(ANY, 'A type constraint such as `string`, `number`, `list(string)`, `map(string)`.'),
      default: attr(ANY, 'The value used when none is given; without it the variable must be set.'),
      description: str('What the variable is for.'),
      sensitive: bool('Hide the value in output.', { default: 'false' }),
      nullable: bool('Whether null is an accepted value.', { default: 'true' }),
    },
    {
      validation: block('A rule the value must satisfy.', body({
        condition: attr(ANY, 'An expression over `var.<name>` that must be true.', { required: true }),
        error_message: str('Message shown when the condition is false.', { required: true }),
      })),
    },
  ),
  { labels: [{ name: 'name', doc: 'The variable\'s name.', declares: 'variable' }], docPath: 'job-specification/hcl2/variables' },
);

export const ROOT: BodySchema = body(
  {},
  {
    // One job per file: jobRules reports a missing or second job with a better message.
    job: JOB,
    variable: VARIABLE,
    variables: block('Several variables at once, each as `name = default`.', FREE_FORM, { docPath: 'job-specification/hcl2/variables', keysDeclare: 'variable' }),
    locals: block('Named expressions, read as `local.<name>`.', FREE_FORM, { docPath: 'job-specification/hcl2/locals', keysDeclare: 'local' }),
  },
);
