// HashiCorp's own HCL code, compiled to wasm and published on npm, as test oracles: hclwrite.Format
// (`@cdktn/hcl-tools`) and hclsyntax.ParseConfig (`@cdktn/hcl2json`). Loaded on first use (about half a
// second each); both run offline from node_modules.
import { format as hclwriteFormat } from '@cdktn/hcl-tools';
import { parse as hcl2json } from '@cdktn/hcl2json';

/** What `nomad fmt` would write for `text` (hclwrite.Format), whatever the text holds. */
export function hclwrite(text: string): Promise<string> {
  return hclwriteFormat(text);
}

/**
 * HCL's verdict: undefined when hclsyntax.ParseConfig accepts the text, else its first diagnostic
 * ("line,col: summary"). hcl2json also converts the body to JSON afterwards; failures of that step are
 * not syntax verdicts and count as accepted.
 */
export async function hclParseError(text: string): Promise<string | undefined> {
  try {
    await hcl2json('job.nomad.hcl', text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith('parse config:')) return undefined;
    const first = /job\.nomad\.hcl:(\d+),(\d+)-[^:]*: ([^;]*);/.exec(message);
    return first ? `${first[1]},${first[2]}: ${first[3]}` : message;
  }
}

/** The 1-based line of HCL's first diagnostic. */
export function hclErrorLine(error: string): number {
  return Number(error.split(',')[0]);
}
