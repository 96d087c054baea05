// Generated exec job files for benchmarks (exported for other benchmarks, e.g. hover and completion rows).
// The content is deterministic: the same size always gives the same text.

function group(i: number): string {
  return `  group "g${i}" {
    count = 1

    restart {
      attempts = 2
      interval = "30m"
      delay    = "15s"
      mode     = "fail"
    }

    task "t${i}" {
      driver = "exec"

      config {
        command = "/bin/sh"
        args    = ["-c", "echo task ${i} in \${NOMAD_TASK_DIR}; sleep 30"]
      }

      env {
        INDEX = "${i}"
        NAME  = "\${var.name}-${i}"
      }

      template {
        destination = "local/run-${i}.sh"
        data        = <<-EOT
          #!/bin/sh
          echo "hello from ${i}"
        EOT
      }

      resources {
        cpu    = 100
        memory = 64
      }
    }
  }

`;
}

const HEADER = `variable "name" {
  type    = string
  default = "bench"
}

job "bench" {
  datacenters = ["dc1"]
  type        = "service"

`;

const FOOTER = '}\n';

/** An exec job of about `lines` lines. */
export function execJobOfLines(lines: number): string {
  let text = HEADER;
  for (let i = 0; text.split('\n').length < lines - 1; i++) text += group(i);
  return text + FOOTER;
}

/** An exec job of about `bytes` bytes (UTF-16 code units; the text is ASCII). */
export function execJobOfBytes(bytes: number): string {
  const parts = [HEADER];
  let size = HEADER.length;
  for (let i = 0; size < bytes - FOOTER.length; i++) {
    const g = group(i);
    parts.push(g);
    size += g.length;
  }
  parts.push(FOOTER);
  return parts.join('');
}

/** An exec job of one group holding `tasks` tasks (about 14 lines each): where a group is the unit of work, its largest case. */
export function execJobOfOneGroup(tasks: number): string {
  const parts = ['job "one" {\n  group "all" {\n    network {\n      port "http" {}\n    }\n'];
  for (let i = 0; i < tasks; i++) {
    parts.push(`    task "t${i}" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args    = ["-c", "echo \${NOMAD_PORT_http} ${i}"]
      }
      env {
        INDEX = "${i}"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
`);
  }
  parts.push('  }\n}\n');
  return parts.join('');
}

/** Line start offsets of a text. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The LSP position of an offset, given line starts. */
export function positionAt(starts: number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
