// Editor-feature latency over the stdio server: hover and completion at random positions of an open
// document, p50/p99 of the request round trip. bench/lsp.ts calls measureFeatureLatency with its 1 MB
// job; run alone (`node out/bench/lspFeatures.js`) it generates a job of about 1 MB itself.
import { performance } from 'node:perf_hooks';
import type { Position } from 'vscode-languageserver-types';
import { LspClient } from '../test/helpers/lspClient';

export interface LatencyRow {
  name: string;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function randomPositions(text: string, count: number, seed: number): Position[] {
  const lines = text.split('\n');
  const next = random(seed);
  const positions: Position[] = [];
  for (let i = 0; i < count; i++) {
    const line = Math.floor(next() * lines.length);
    positions.push({ line, character: Math.floor(next() * (lines[line].length + 1)) });
  }
  return positions;
}

async function time(client: LspClient, method: string, uri: string, positions: Position[]): Promise<LatencyRow> {
  const samples: number[] = [];
  for (const position of positions) {
    const start = performance.now();
    await client.request(method, { textDocument: { uri }, position });
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { name: method, samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
}

/**
 * Hover and completion latency at `count` random positions of `text`, opened as `uri` (the caller may
 * have it open already: pass `alreadyOpen`). Waits for the document's diagnostics first so that the
 * numbers measure the features, not the first analysis.
 */
export async function measureFeatureLatency(client: LspClient, uri: string, text: string, options: { count?: number; seed?: number; alreadyOpen?: boolean; label?: string } = {}): Promise<LatencyRow[]> {
  const count = options.count ?? 300;
  if (!options.alreadyOpen) {
    const version = client.open(uri, text);
    await client.diagnostics(uri, version);
  }
  const label = options.label ? ` (${options.label})` : '';
  const positions = randomPositions(text, count, options.seed ?? 7);
  // Warm up the handlers (JIT) before measuring.
  await time(client, 'textDocument/hover', uri, positions.slice(0, 20));
  await time(client, 'textDocument/completion', uri, positions.slice(0, 20));
  const hover = await time(client, 'textDocument/hover', uri, positions);
  const completion = await time(client, 'textDocument/completion', uri, positions);
  return [
    { ...hover, name: `hover at random positions${label}` },
    { ...completion, name: `completion at random positions${label}` },
  ];
}

export function formatRows(rows: LatencyRow[]): string {
  const header = `${'measure'.padEnd(48)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
  const lines = rows.map((r) => `${r.name.padEnd(48)} ${String(r.samples).padStart(5)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`);
  return [header, ...lines].join('\n');
}

/** A job of about `bytes` bytes: many groups of exec tasks with the usual blocks and interpolations. */
export function generateJob(bytes: number): string {
  const parts: string[] = ['variable "image" {\n  type    = string\n  default = "1.0"\n}\n\nlocals {\n  base = "/local"\n}\n\njob "big" {\n  datacenters = ["dc1"]\n  type        = "service"\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const group = `
  group "g${i}" {
    count = 2
    network {
      port "http" {}
      port "admin" {
        static = ${20000 + (i % 10000)}
      }
    }
    restart {
      attempts = 3
      mode     = "delay"
    }
    task "t${i}" {
      driver      = "exec"
      kill_signal = "SIGTERM"
      config {
        command  = "/bin/sh"
        args     = ["-c", "exec app --port \${NOMAD_PORT_http} --dir \${NOMAD_TASK_DIR} --v \${var.image}"]
        cap_drop = ["all"]
        cap_add  = ["chown", "net_bind_service"]
        pid_mode = "private"
      }
      env {
        BASE = "\${local.base}/g${i}"
      }
      resources {
        cpu    = 100
        memory = 128
      }
      template {
        destination = "local/app.env"
        env         = true
        data        = <<EOF
NAME={{ env "NOMAD_TASK_NAME" }}
EOF
      }
    }
  }
`;
    parts.push(group);
    size += group.length;
  }
  parts.push('}\n');
  return parts.join('');
}

async function main(): Promise<void> {
  const text = generateJob(1_000_000);
  const client = await LspClient.start({ capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, completion: { completionItem: { snippetSupport: true } } } } });
  try {
    const rows = await measureFeatureLatency(client, 'file:///tmp/nomad-exec-bench/features-1mb.nomad.hcl', text, { label: `${(text.length / 1e6).toFixed(2)} MB` });
    process.stdout.write(formatRows(rows) + '\n');
    const worst = Math.max(...rows.map((r) => r.p99));
    process.stdout.write(`target p99 < 10 ms: ${worst < 10 ? 'met' : 'NOT met'} (worst p99 ${worst.toFixed(2)} ms)\n`);
  } finally {
    await client.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  });
}
