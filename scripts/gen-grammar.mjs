// Generates syntaxes/nomad.tmLanguage.json: `node scripts/gen-grammar.mjs > syntaxes/nomad.tmLanguage.json`.
// Written as code so the regular expressions are built from one list of names instead of copied by hand.
const ident = '[A-Za-z_][A-Za-z0-9_-]*';
const nomadBlocks = [
  'job','group','task','config','env','meta','resources','restart','logs','artifact','template','lifecycle',
  'volume_mount','volume','identity','vault','consul','service','check','check_restart','constraint','affinity',
  'spread','target','update','multiregion','strategy','region','periodic','parameterized','reschedule','migrate',
  'network','port','dns','ui','link','secret','scaling','policy','ephemeral_disk','disconnect','device','numa',
  'options','headers','variable','variables','locals','validation','dynamic','content','csi_plugin',
  'dispatch_payload','action','schedule','connect','sidecar_service','sidecar_task','proxy','upstreams','expose',
  'path','gateway','ingress','terminating','mesh','listener','wait','change_script','plugin','client','server',
  'header','body','task_group','mount','cron',
];
const interpolation = {
  begin: '(\\$\\{)(~)?', end: '(~)?(\\})',
  beginCaptures: { 1: { name: 'punctuation.definition.template-expression.begin.nomad' }, 2: { name: 'keyword.operator.template.strip.nomad' } },
  endCaptures: { 1: { name: 'keyword.operator.template.strip.nomad' }, 2: { name: 'punctuation.definition.template-expression.end.nomad' } },
  name: 'meta.interpolation.nomad', contentName: 'meta.embedded.line.nomad',
  patterns: [{ include: '#expressions' }],
};
const directive = {
  begin: '(%\\{)(~)?', end: '(~)?(\\})',
  beginCaptures: { 1: { name: 'punctuation.definition.template-directive.begin.nomad' }, 2: { name: 'keyword.operator.template.strip.nomad' } },
  endCaptures: { 1: { name: 'keyword.operator.template.strip.nomad' }, 2: { name: 'punctuation.definition.template-directive.end.nomad' } },
  name: 'meta.directive.nomad',
  patterns: [
    { match: '\\b(if|else|endif|for|in|endfor)\\b', name: 'keyword.control.directive.nomad' },
    { include: '#expressions' },
  ],
};
const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Nomad',
  scopeName: 'source.nomad',
  fileTypes: ['nomad.hcl', 'nomad'],
  patterns: [{ include: '#body' }],
  repository: {
    body: { patterns: [{ include: '#comments' }, { include: '#block' }, { include: '#attribute' }, { include: '#expressions' }] },
    comments: {
      patterns: [
        { begin: '#', end: '$', name: 'comment.line.number-sign.nomad', beginCaptures: { 0: { name: 'punctuation.definition.comment.nomad' } } },
        { begin: '//', end: '$', name: 'comment.line.double-slash.nomad', beginCaptures: { 0: { name: 'punctuation.definition.comment.nomad' } } },
        { begin: '/\\*', end: '\\*/', name: 'comment.block.nomad', captures: { 0: { name: 'punctuation.definition.comment.nomad' } } },
      ],
    },
    // A block header: its type, labels (quoted or bare), then the body between braces.
    block: {
      name: 'meta.block.nomad',
      begin: `^\\s*(?:\\b(${nomadBlocks.join('|')})\\b|(${ident}))((?:\\s+(?:"(?:[^"\\\\]|\\\\.)*"|${ident}))*)\\s*(\\{)`,
      beginCaptures: {
        1: { name: 'keyword.other.block.nomad entity.name.type.nomad' },
        2: { name: 'entity.name.type.nomad' },
        3: { patterns: [
          { match: '"(?:[^"\\\\]|\\\\.)*"', name: 'string.quoted.double.label.nomad entity.name.label.nomad' },
          { match: ident, name: 'entity.name.label.nomad' },
        ] },
        4: { name: 'punctuation.section.block.begin.nomad' },
      },
      end: '\\}', endCaptures: { 0: { name: 'punctuation.section.block.end.nomad' } },
      patterns: [{ include: '#body' }],
    },
    attribute: {
      match: `^\\s*(${ident})\\s*(=)(?![=>])`,
      captures: { 1: { name: 'variable.other.property.nomad' }, 2: { name: 'keyword.operator.assignment.nomad' } },
    },
    expressions: {
      patterns: [
        { include: '#comments' }, { include: '#heredoc' }, { include: '#string' }, { include: '#number' },
        { include: '#constants' }, { include: '#forKeywords' }, { include: '#functionCall' },
        { include: '#references' }, { include: '#object' }, { include: '#tuple' }, { include: '#parens' },
        { include: '#operators' },
      ],
    },
    string: {
      name: 'string.quoted.double.nomad', begin: '"', end: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.nomad' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.nomad' } },
      patterns: [{ include: '#stringEscapes' }, { include: '#templateEscapes' }, { include: '#interpolation' }, { include: '#directive' }],
    },
    stringEscapes: { match: '\\\\(?:[nrt"\\\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})', name: 'constant.character.escape.nomad' },
    // `$${` and `%%{` stand for a literal `${` and `%{`.
    templateEscapes: { match: '\\$\\$\\{|%%\\{', name: 'constant.character.escape.template.nomad' },
    interpolation,
    directive,
    heredoc: {
      name: 'string.unquoted.heredoc.nomad',
      begin: `(<<-?)\\s*(${ident})\\s*$`,
      beginCaptures: { 1: { name: 'keyword.operator.heredoc.nomad' }, 2: { name: 'keyword.control.heredoc-token.nomad' } },
      end: '^\\s*(\\2)\\s*$',
      endCaptures: { 1: { name: 'keyword.control.heredoc-token.nomad' } },
      patterns: [{ include: '#templateEscapes' }, { include: '#interpolation' }, { include: '#directive' }],
    },
    number: { match: '\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b', name: 'constant.numeric.nomad' },
    constants: {
      patterns: [
        { match: '\\b(?:true|false)\\b', name: 'constant.language.boolean.nomad' },
        { match: '\\bnull\\b', name: 'constant.language.null.nomad' },
      ],
    },
    forKeywords: { match: '\\bfor\\b(?=\\s+[A-Za-z_])|\\b(?:in|if)\\b(?=\\s)', name: 'keyword.control.nomad' },
    functionCall: {
      begin: `\\b(${ident}(?:::${ident})*)\\s*(\\()`,
      beginCaptures: { 1: { name: 'support.function.nomad' }, 2: { name: 'punctuation.section.parens.begin.nomad' } },
      end: '\\)', endCaptures: { 0: { name: 'punctuation.section.parens.end.nomad' } },
      name: 'meta.function-call.nomad',
      patterns: [{ include: '#expressions' }, { match: ',', name: 'punctuation.separator.nomad' }],
    },
    references: {
      patterns: [
        { match: '\\b(?:var|local|each|count|self|node|attr|meta|env|path)\\b(?=\\s*[.\\[])', name: 'variable.language.nomad' },
        { match: '\\bNOMAD_[A-Z0-9_]+\\b', name: 'variable.language.runtime.nomad' },
        { match: `(\\.)(${ident}|\\*)`, captures: { 1: { name: 'punctuation.accessor.nomad' }, 2: { name: 'variable.other.member.nomad' } } },
        { match: ident, name: 'variable.other.readwrite.nomad' },
      ],
    },
    object: {
      begin: '\\{', end: '\\}', name: 'meta.braces.nomad',
      beginCaptures: { 0: { name: 'punctuation.section.braces.begin.nomad' } },
      endCaptures: { 0: { name: 'punctuation.section.braces.end.nomad' } },
      patterns: [
        { include: '#comments' },
        { match: `(${ident})\\s*(=|:)(?![=>])`, captures: { 1: { name: 'variable.other.property.nomad' }, 2: { name: 'keyword.operator.assignment.nomad' } } },
        { include: '#expressions' },
        { match: ',', name: 'punctuation.separator.nomad' },
      ],
    },
    tuple: {
      begin: '\\[', end: '\\]', name: 'meta.brackets.nomad',
      beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.nomad' } },
      endCaptures: { 0: { name: 'punctuation.section.brackets.end.nomad' } },
      patterns: [{ include: '#expressions' }, { match: ',', name: 'punctuation.separator.nomad' }],
    },
    parens: {
      begin: '\\(', end: '\\)',
      beginCaptures: { 0: { name: 'punctuation.section.parens.begin.nomad' } },
      endCaptures: { 0: { name: 'punctuation.section.parens.end.nomad' } },
      patterns: [{ include: '#expressions' }],
    },
    operators: {
      patterns: [
        { match: '=>', name: 'keyword.operator.nomad' },
        { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.nomad' },
        { match: '&&|\\|\\||!', name: 'keyword.operator.logical.nomad' },
        { match: '\\?|:', name: 'keyword.operator.conditional.nomad' },
        { match: '\\.\\.\\.', name: 'keyword.operator.expand.nomad' },
        { match: '[-+*/%]', name: 'keyword.operator.arithmetic.nomad' },
        { match: '=', name: 'keyword.operator.assignment.nomad' },
      ],
    },
  },
};
process.stdout.write(JSON.stringify(grammar, null, 2) + '\n');
