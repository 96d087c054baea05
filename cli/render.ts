// `nomad-exec render FILE [--task [GROUP/]TASK] [--template N] [--template-values F]`: a template block
// rendered as the editor's preview does (server/src/features/templatePreview.ts). Consul, Vault and Nomad
// calls print as marked placeholders unless the values file (JSON keyed `name "arg"`) answers them.
// Exit status: 0 rendered, 1 the template does not render, 2 usage or I/O error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyse } from '../server/src/analysis';
import { previewTemplate, readTemplateValues } from '../server/src/features/templatePreview';
import { sharedParser } from '../server/src/parser/parser';
import { resolveSettings } from '../server/src/settings';
import { ArgReader } from './args';
import type { Subcommand } from './main';

const USAGE = 'usage: nomad-exec render FILE [--task [GROUP/]TASK] [--template N] [--template-values FILE]\n';

export const renderCommand: Subcommand = {
  summary: 'print a template block rendered as a local run would see it',
  async run(args) {
    let file: string | undefined;
    let task: string | undefined;
    let template = 1;
    let valuesFile: string | undefined;
    const reader = new ArgReader(args);
    while (reader.next()) {
      const arg = reader.arg;
      if (arg === '--task') task = reader.value();
      else if (arg === '--template') template = Number(reader.value());
      else if (arg === '--template-values') valuesFile = reader.value();
      else if (arg === '-h' || arg === '--help') {
        process.stdout.write(USAGE);
        return 0;
      } else if (!arg.startsWith('-') && file === undefined) file = arg;
      else {
        process.stderr.write(`nomad-exec render: unexpected argument ${arg}\n${USAGE}`);
        return 2;
      }
    }
    if (!file || !Number.isInteger(template) || template < 1) {
      process.stderr.write(USAGE);
      return 2;
    }
    let text: string;
    let values: Record<string, unknown> | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
      if (valuesFile) {
        const read = readTemplateValues(valuesFile);
        if ('problem' in read) throw new Error(read.problem);
        values = read.values;
      }
    } catch (error) {
      process.stderr.write(`nomad-exec render: ${(error as Error).message}\n`);
      return 2;
    }
    const analysis = analyse(await sharedParser(), text, resolveSettings({}), { documentDir: path.dirname(path.resolve(file)) });
    const reply = previewTemplate(analysis, { uri: file, task, template, values });
    if (!reply) {
      process.stderr.write(`nomad-exec render: ${file} has no ${task ? `task ${task} with a ` : ''}template ${template}\n`);
      return 2;
    }
    if (reply.unavailable) {
      process.stderr.write(`nomad-exec render: ${reply.task} template ${template}: ${reply.unavailable}\n`);
      return 1;
    }
    if (reply.error) {
      process.stderr.write(`nomad-exec render: ${reply.task} template ${template}, line ${reply.error.line}: ${reply.error.message}\n`);
      return 1;
    }
    process.stdout.write(reply.text);
    for (const call of reply.placeholders) process.stderr.write(`nomad-exec render: ${call} shown as a placeholder (no server here; answer it with --template-values)\n`);
    return 0;
  },
};
