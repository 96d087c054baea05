// Objects kept for the shapes V8 gives them. V8 describes an object's layout by a hidden class (a "map"),
// made as its constructor adds fields one by one, and keeps a map only while some object has it. The objects
// that live only while a document is analysed (the syntax reader, its cursor and nodes, the builders and
// walkers, the reference linker) are all gone once an analysis is done. A full collection then (memory.ts
// forces one after a document is closed and at a pause; V8's memory reducer runs them when the server is
// idle) frees their maps, and every optimised function that checked for one of those maps is thrown away:
// the next analysis runs unoptimised code while V8 compiles it again. Measured on the 1 MB job, opened again
// after a close and a collection: ~100 functions thrown away per collection, and the open took 760 ms
// against 640 ms without the collection (in process, median of 5 runs each).
//
// So the server analyses one small job once, at start, and keeps every such object that analysis made (and
// the analysis itself): a few hundred small objects hold those maps for the life of the process. Classes
// whose objects are that short-lived call `specimen(this)` in their constructor.

let keeping = false;
let kept: unknown[] | undefined;

/** Called by the constructor of a class whose objects live only while a document is analysed (see above). */
export function specimen(object: object): void {
  if (keeping) kept!.push(object);
}

/** Runs `analyse` once per process, keeping what it returns and every specimen made meanwhile. */
export function keepSpecimens(analyse: () => unknown): void {
  if (kept) return;
  kept = [];
  keeping = true;
  try {
    kept.push(analyse());
  } finally {
    keeping = false;
  }
}

/**
 * The job analysed for its specimens: something of each kind of block and expression the analysis reads
 * (variables, locals, a group's network, service and volume, an exec task with a template and an artifact,
 * interpolations, function calls, a dynamic block), and nothing that makes it look at the disk or the host.
 */
export const SPECIMEN_JOB = `variable "image" {
  type    = string
  default = "app"
}

locals {
  name  = "\${var.image}-web"
  ports = [8080, 8081]
}

job "specimen" {
  datacenters = ["dc1"]
  type        = "service"

  meta {
    owner = upper(local.name)
  }

  group "web" {
    count = 1

    network {
      port "http" {}
      port "admin" {
        static = 9000
      }
    }

    volume "data" {
      type   = "host"
      source = "data"
    }

    service {
      name = local.name
      port = "http"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "server" {
      driver = "exec"

      config {
        command = "local/run"
        args    = ["-port", "\${NOMAD_PORT_http}", join(",", [for p in local.ports : tostring(p)])]
      }

      env {
        NAME = local.name
      }

      dynamic "artifact" {
        for_each = var.image == "" ? [] : [var.image]
        content {
          source      = "https://example.com/\${artifact.value}.tar.gz"
          destination = "local/"
        }
      }

      template {
        destination = "local/run"
        perms       = "755"
        data        = <<-EOT
          #!/bin/sh
          exec echo {{ env "NOMAD_PORT_http" }} {{ with nomadVar "app" }}{{ .key }}{{ end }}
        EOT
      }

      volume_mount {
        volume      = "data"
        destination = "/data"
      }

      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
`;
