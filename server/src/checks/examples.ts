// One small job per diagnostic code that triggers it. docs/diagnostics.md is generated from these by
// running them through the real pipeline (scripts/diagnostics-doc.mjs), so the documented messages are
// the ones users see; a test keeps every example producing its code.
import type { DiagnosticCode } from './codes';

const job = (task: string, config = 'command = "/bin/sleep"\n        args    = ["60"]', group = '', top = ''): string =>
  [
    'job "web" {',
    '  datacenters = ["dc1"]',
    top,
    '  group "app" {',
    group,
    '    task "server" {',
    '      driver = "exec"',
    '      config {',
    `        ${config}`,
    '      }',
    task,
    '    }',
    '  }',
    '}',
    '',
  ]
    .filter((line, i, all) => line !== '' || i === all.length - 1)
    .join('\n');

export interface DiagnosticExample {
  /** What the example shows, in a few words. */
  title: string;
  text: string;
  /** Settings the example needs (e.g. a client default). */
  settings?: Record<string, unknown>;
  /** The job file's folder, for checks that look beside it. */
  documentDir?: string;
}

export const DIAGNOSTIC_EXAMPLES: Partial<Record<DiagnosticCode, DiagnosticExample>> = {
  'syntax-error': { title: 'a block that is never closed', text: 'job "web" {\n  group "app" {\n    count = 1\n}\n' },
  'missing-required': { title: 'an exec config without command', text: job('', 'args = ["60"]') },
  'unknown-attribute': { title: 'a docker option in an exec config', text: job('', 'command = "/bin/sleep"\n        image   = "alpine"') },
  'unknown-block': { title: 'a misspelled block', text: job('', undefined, '    netwrk {\n      mode = "host"\n    }') },
  'type-mismatch': { title: 'a string where a list is wanted', text: job('').replace('["dc1"]', '"dc1"') },
  'invalid-value': { title: 'a namespace mode that does not exist', text: job('', 'command = "/bin/sleep"\n        pid_mode = "shared"') },
  'invalid-duration': { title: 'a duration without a Go unit', text: job('      kill_timeout = "10 seconds"') },
  'out-of-range': { title: 'a priority above 100', text: job('', undefined, '', '  priority = 200') },
  duplicate: { title: 'two tasks with one name', text: job('').replace('    task "server" {', '    task "server" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n    task "server" {') },
  'unknown-capability': { title: 'a misspelled capability', text: job('', 'command = "/bin/ping"\n        cap_add = ["net_rw"]') },
  'capability-not-allowed': { title: 'a capability outside the default allow_caps', text: job('', 'command = "/bin/ping"\n        cap_add = ["net_raw"]') },
  'relative-work-dir': { title: 'a relative work_dir', text: job('', 'command = "/bin/sleep"\n        work_dir = "local"') },
  'host-namespace': { title: 'the host PID namespace', text: job('', 'command = "/bin/sleep"\n        pid_mode = "host"') },
  'invalid-checksum': { title: 'a checksum without its type', text: job('      artifact {\n        source = "https://example.com/app.tgz"\n        options {\n          checksum = "d2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26"\n        }\n      }') },
  'invalid-name': { title: 'a task named alloc', text: job('').replace('task "server"', 'task "alloc"') },
  'log-storage': { title: 'logs larger than the ephemeral disk', text: job('      logs {\n        max_files     = 10\n        max_file_size = 50\n      }') },
  deprecated: { title: 'a job-level Vault token', text: job('', undefined, '', '  vault_token = "s.abc"') },
  'command-not-in-chroot': { title: 'an absolute command outside chroot_env', text: job('', 'command = "/opt/app/bin/server"') },
  'command-not-provided': { title: 'a relative command nothing puts in place', text: job('', 'command = "local/server"') },
  'command-location': { title: 'a command this machine does not have', text: job('', 'command = "/usr/bin/no-such-server"') },
  'unknown-variable': { title: 'a misspelled runtime variable', text: job('', 'command = "/bin/sleep"\n        args    = ["${NOMAD_TASK_DIRR}"]') },
  'work-dir-not-in-chroot': { title: 'a work_dir outside the task directories', text: job('', 'command = "/bin/sleep"\n        work_dir = "/opt/app"') },
  'user-denied': { title: 'an exec task as root', text: job('      user = "root"') },
  'kill-timeout-capped': { title: 'a kill_timeout above the client maximum', text: job('      kill_timeout = "5m"') },
  'unknown-volume': { title: 'a volume_mount without its volume', text: job('      volume_mount {\n        volume      = "data"\n        destination = "/data"\n      }') },
  'template-syntax': { title: 'an if without its end', text: job('      template {\n        destination = "local/app.conf"\n        data        = <<-EOT\n          {{ if env "DEBUG" }}debug = true\n        EOT\n      }') },
  'unknown-template-function': { title: 'a misspelled template function', text: job('      template {\n        destination = "local/app.conf"\n        data        = "port = {{ evn \\"NOMAD_PORT_http\\" }}"\n      }') },
  'template-argument-count': { title: 'replaceAll with two arguments', text: job('      template {\n        destination = "local/app.conf"\n        data        = "{{ replaceAll \\"-\\" \\"_\\" }}"\n      }') },
  'template-env-unknown': { title: 'a misspelled runtime variable in env', text: job('      template {\n        destination = "local/app.conf"\n        data        = "dir = {{ env \\"NOMAD_TASK_DIRR\\" }}"\n      }') },
  'template-env-file': { title: 'an env template with a line that is not KEY=value', text: job('      template {\n        destination = "local/app.env"\n        env         = true\n        data        = <<-EOT\n          APP_MODE=prod\n          log level = debug\n        EOT\n      }') },
  'template-source-missing': { title: 'a source that is not beside the job file', documentDir: '/srv/jobs', text: job('      template {\n        source      = "templates/app.conf.tpl"\n        destination = "local/app.conf"\n      }') },
  'template-source-outside-task': { title: 'a template read from a host path', text: job('      template {\n        source      = "/etc/app/app.conf.tpl"\n        destination = "local/app.conf"\n      }') },
  'file-outside-job-folder': { title: 'file() reading above the job folder', text: job('      template {\n        data        = file("../secrets/app.conf.tpl")\n        destination = "local/app.conf"\n      }') },
  'unknown-port-label': { title: 'a service port label with a typo', text: job('', undefined, '    network {\n      port "http" {}\n    }\n    service {\n      name = "web"\n      port = "htpp"\n    }') },
  'unused-declaration': { title: 'a variable nothing uses', text: 'variable "image_tag" {\n  default = "1.0"\n}\n\n' + job('') },
  'unknown-function': { title: 'a misspelled function', text: job('', 'command = "/bin/sleep"\n        args    = [tostrng(60)]') },
  'argument-count': { title: 'a function with an argument missing', text: job('', 'command = "/bin/sleep"\n        args    = [format("%d")]'.replace('format("%d")', 'lookup({ a = "60" })')) },
  'analysis-limit': { title: 'a file above a (here tiny) nomadExec.maxFileSize', text: job(''), settings: { maxFileSize: 0.0001 } },
  'settings-problem': { title: 'an agent config file that cannot be read', text: job(''), settings: { agentConfigFile: '/nonexistent/client.hcl' } },
};
