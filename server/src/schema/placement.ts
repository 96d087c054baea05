// Where allocations may and should run: `constraint`, `affinity`, `spread`.
import { block, body, bool, docPath, int, oneOf, str } from './build';
import type { AttributeSchema, BlockSchema } from './types';

const COMPARISONS: Array<[string, string]> = [
  ['=', 'The attribute equals the value (as strings).'],
  ['==', 'Same as `=`.'],
  ['is', 'Same as `=`.'],
  ['!=', 'The attribute differs from the value.'],
  ['not', 'Same as `!=`.'],
  ['<', 'Lexical (or numeric, when both parse as numbers) less-than.'],
  ['<=', 'Less than or equal.'],
  ['>', 'Greater than.'],
  ['>=', 'Greater than or equal.'],
  ['regexp', 'The attribute matches the value as a regular expression.'],
  ['version', 'The attribute, read as a version, satisfies the value, a version constraint such as `>= 1.2, < 2`.'],
  ['semver', 'Like `version` but with strict Semantic Versioning rules (pre-releases compare as SemVer says).'],
  ['set_contains', 'The attribute, a comma-separated list, holds every item of the value list.'],
  ['set_contains_all', 'Same as `set_contains`.'],
  ['set_contains_any', 'The attribute, a comma-separated list, holds at least one item of the value list.'],
];

const CONSTRAINT_ONLY: Array<[string, string]> = [
  ['distinct_hosts', 'Never put two allocations of this job (or group) on the same node. Needs no attribute or value.'],
  ['distinct_property', 'Limit how many allocations share one value of the attribute; the value is that limit (default 1).'],
  ['is_set', 'The node has the attribute at all.'],
  ['is_not_set', 'The node lacks the attribute.'],
];

const target = 'A node attribute or metadata to test, usually an interpolation such as `${attr.kernel.name}` or `${meta.rack}`.';

/** jobspec2 still accepts `version = ">= 1.0"` for `operator = "version"` plus `value`; likewise for these operators. */
function shorthands(operators: string[]): Record<string, AttributeSchema> {
  return Object.fromEntries(operators.map((op) => [op, str(`Shorthand for \`operator = "${op}"\` with this value.`)]));
}

export const CONSTRAINT: BlockSchema = block(
  'A hard placement rule: a node that does not satisfy it never receives the allocation. Allowed in job, group and task; rules add up.',
  body({
    attribute: str(target),
    operator: oneOf('How the attribute is compared with the value.', [...COMPARISONS, ...CONSTRAINT_ONLY], { default: '"="' }),
    value: str('What the attribute is compared with; its meaning depends on the operator.'),
    ...shorthands(['version', 'semver', 'regexp', 'set_contains', 'set_contains_any']),
    distinct_hosts: bool('Shorthand for `operator = "distinct_hosts"`.'),
    distinct_property: str('Shorthand for `operator = "distinct_property"` on this attribute.'),
  }),
  { docPath: docPath('constraint') },
);

export const AFFINITY: BlockSchema = block(
  'A soft placement preference: matching nodes score higher, but others stay eligible.',
  body({
    attribute: str(target),
    operator: oneOf('How the attribute is compared with the value.', COMPARISONS, { default: '"="' }),
    value: str('What the attribute is compared with.'),
    weight: int('How strongly to prefer (positive) or avoid (negative) matching nodes.', { min: -100, max: 100, default: '50' }),
    ...shorthands(['version', 'semver', 'regexp', 'set_contains_all', 'set_contains_any']),
  }),
  { docPath: docPath('affinity') },
);

export const SPREAD: BlockSchema = block(
  'Spread allocations over the values of a node attribute (datacenter, rack, ...), optionally with target percentages.',
  body(
    {
      attribute: str('The node attribute whose values allocations are spread over.', { required: true }),
      weight: int('How much this spread counts against other scoring.', { min: 0, max: 100, default: '50' }),
    },
    {
      target: block(
        'The share of allocations wanted for one value of the attribute.',
        body({ percent: int('Percentage of the allocations for this value.', { min: 0, max: 100 }) }),
        { labels: [{ name: 'value', doc: 'The attribute value this target is about.' }], docPath: docPath('spread') },
      ),
    },
  ),
  { docPath: docPath('spread') },
);
