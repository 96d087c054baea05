// Document symbols: the outline of a job file. Input variables and locals, then job > group > task with
// each task's driver as detail (a task written directly under `job` appears under the job).
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import type { Block, Group, Job, JobFile, Task } from '../model/types';
import { documentHandler } from './featureInput';

function selection(block: Block) {
  return block.labels[0]?.range ?? block.typeRange;
}

function blockName(block: Block, name: string): string {
  if (name) return name;
  return block.dynamic ? `dynamic "${block.dynamic.blockType}"` : block.type;
}

function taskSymbol(task: Task): DocumentSymbol {
  return {
    name: blockName(task.block, task.name),
    detail: task.driverName ?? (task.driver ? 'driver not known' : 'no driver'),
    kind: SymbolKind.Function,
    range: task.block.range,
    selectionRange: selection(task.block),
  };
}

function groupSymbols(group: Group): DocumentSymbol[] {
  if (group.implicit) return group.tasks.map(taskSymbol);
  return [
    {
      name: blockName(group.block, group.name),
      detail: 'group',
      kind: SymbolKind.Namespace,
      range: group.block.range,
      selectionRange: selection(group.block),
      children: group.tasks.map(taskSymbol),
    },
  ];
}

function jobSymbol(job: Job): DocumentSymbol {
  return {
    name: job.name || 'job',
    detail: 'job',
    kind: SymbolKind.Module,
    range: job.block.range,
    selectionRange: selection(job.block),
    children: job.groups.flatMap(groupSymbols),
  };
}

export function documentSymbols(file: JobFile): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const decl of file.variables.values()) {
    symbols.push({
      name: decl.name,
      detail: decl.description ? `variable · ${decl.description}` : 'variable',
      kind: SymbolKind.Variable,
      range: decl.block.range,
      selectionRange: selection(decl.block),
    });
  }
  for (const [name, attribute] of file.locals) {
    symbols.push({ name, detail: 'local', kind: SymbolKind.Constant, range: attribute.range, selectionRange: attribute.nameRange });
  }
  for (const job of file.jobs) symbols.push(jobSymbol(job));
  // The outline reads in source order.
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export const symbolsFeature: Feature = {
  name: 'documentSymbol',
  capabilities: () => ({ documentSymbolProvider: true }),
  register(ctx) {
    ctx.connection.onDocumentSymbol(documentHandler(ctx, 'documentSymbol', [] as DocumentSymbol[], (input) => documentSymbols(input.file)));
  },
};
