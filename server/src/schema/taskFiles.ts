// Files and storage of a task: artifacts, templates, logs, volumes and their mounts, dispatch payloads,
// and the lifecycle hook that orders tasks.
import { STRING_ATTRIBUTES, block, body, bool, docPath, dur, int, oneOf, single, str, strList } from './build';
import type { BlockSchema } from './types';
import { SIGNALS } from './signals';

export const ARTIFACT: BlockSchema = block(
  'Download a file or archive into the task directory before the task starts (go-getter: http, s3, git, ...). Archives are unpacked.',
  body(
    {
      source: str('Where to fetch from: a URL or go-getter address.', { required: true, link: 'address' }),
      destination: str('Where to put it, relative to the task directory; must stay inside the allocation.', { default: '"local/"' }),
      mode: oneOf('How to treat what is fetched.', [
        ['any', 'Let go-getter decide: a file stays a file, an archive is unpacked into a directory.'],
        ['file', 'Save as a single file at the destination path.'],
        ['dir', 'Treat the destination as a directory.'],
      ], { default: '"any"' }),
      insecure: bool('Skip TLS verification and allow plain HTTP.', { default: 'false' }),
      chown: bool('Give the downloaded files to the task\'s user.', { default: 'false' }),
    },
    {
      options: single('go-getter options, e.g. `checksum = "sha256:<hex>"`, `archive = false`, git `ref`.', STRING_ATTRIBUTES, { alsoAttribute: true }),
      headers: single('HTTP headers sent with the download.', STRING_ATTRIBUTES, { alsoAttribute: true }),
    },
  ),
  { docPath: docPath('artifact') },
);

export const TEMPLATE: BlockSchema = block(
  'Render a file from a consul-template template (Consul, Vault and Nomad data) into the task directory, and react when it changes.',
  body(
    {
      source: str('Template file to read, relative to the task directory (usually placed by an artifact).', { link: 'address' }),
      data: str('The template text itself, often a heredoc.'),
      destination: str('Where the rendered file goes, relative to the task directory.', { required: true, declares: 'file' }),
      change_mode: oneOf('What to do when the rendered output changes.', [
        ['restart', 'Restart the task.'],
        ['noop', 'Do nothing; the program rereads the file itself.'],
        ['signal', 'Send change_signal to the task.'],
        ['script', 'Run change_script inside the task.'],
      ], { default: '"restart"' }),
      change_signal: str('Signal sent when change_mode is signal (SIGHUP when not set); Nomad upper-cases the name.', {
        completion: 'signal',
        values: SIGNALS.map((s) => ({ value: s.name, doc: s.doc })),
        caseInsensitive: true,
      }),
      splay: dur('Random wait up to this long before acting on a change, to avoid all allocations restarting at once.', { default: '"5s"' }),
      perms: oneOf('Octal file permissions of the rendered file (Nomad reads up to four octal digits, leading zeros aside).', [
        ['0644', 'Owner reads and writes; everyone else reads.'],
        ['0600', 'Only the owner reads and writes (secrets).'],
        ['0640', 'Owner reads and writes; the group reads.'],
        ['0755', 'Executable by everyone, writable by the owner (scripts).'],
        ['0700', 'Only the owner reads, writes and runs it.'],
      ], { default: '"0644"', valuePattern: { regex: '^(0*[0-7]{1,4})?$', description: 'any octal mode up to "7777"' } }),
      uid: int("Owner user ID of the rendered file; negative or unset means the client agent's own user."),
      gid: int("Owner group ID of the rendered file; negative or unset means the client agent's own group."),
      left_delimiter: str('Opening template delimiter.', { default: '"{{"' }),
      right_delimiter: str('Closing template delimiter.', { default: '"}}"' }),
      env: bool('Read the rendered file as KEY=value lines and add them to the task\'s environment.', { default: 'false' }),
      once: bool('Render once at start and never watch for changes.', { default: 'false' }),
      error_on_missing_key: bool('Fail rendering when a map key is missing instead of printing "<no value>".', { default: 'false' }),
      vault_grace: dur('Unused since Vault 0.5.', { deprecated: 'Nomad ignores vault_grace.', ignored: true }),
    },
    {
      wait: single('Quiescence timers: wait for data to settle between min and max before rendering (min must not exceed max).', body({
        min: dur('Wait at least this long after a change.'),
        max: dur('Render after at most this long even if data keeps changing; not less than min.'),
      })),
      change_script: single('The script run when change_mode is script.', body({
        command: str('Command run inside the task.', { required: true }),
        args: strList('Arguments.'),
        timeout: dur('How long the script may run.', { default: '"5s"' }),
        fail_on_error: bool('Kill the task when the script fails.', { default: 'false' }),
      })),
    },
  ),
  { docPath: docPath('template') },
);

export const LOGS: BlockSchema = single(
  'Rotation of the task\'s stdout and stderr files in alloc/logs.',
  body({
    max_files: int('How many files per stream to keep.', { min: 1, default: '10' }),
    max_file_size: int('Size in MB at which a file is rotated.', { min: 1, default: '10' }),
    disabled: bool('Send output nowhere (not even to the log files).', { default: 'false' }),
    enabled: bool('Older inverse of `disabled`.', { deprecated: 'Use `disabled`.' }),
  }),
  { docPath: docPath('logs') },
);

export const VOLUME: BlockSchema = block(
  'A host or CSI volume the group needs; tasks mount it with volume_mount.',
  body(
    {
      type: oneOf('Kind of volume.', [
        ['host', 'A host volume configured on the client (or created dynamically).'],
        ['csi', 'A volume provided by a CSI plugin.'],
      ], { required: true }),
      source: str('Name of the host volume, or ID of the CSI volume.', { required: true }),
      read_only: bool('Mount read-only everywhere.', { default: 'false' }),
      access_mode: oneOf('How allocations may share the volume (CSI and dynamic host volumes).', [
        ['single-node-reader-only', 'One node, read-only.'],
        ['single-node-writer', 'One node, read-write.'],
        ['single-node-single-writer', 'One node, one writer.'],
        ['single-node-multi-writer', 'One node, many writers.'],
        ['multi-node-reader-only', 'Many nodes, read-only.'],
        ['multi-node-single-writer', 'Many nodes, one writer.'],
        ['multi-node-multi-writer', 'Many nodes, many writers.'],
      ]),
      attachment_mode: oneOf('How the volume is presented (CSI and dynamic host volumes).', [
        ['file-system', 'As a mounted file system.'],
        ['block-device', 'As a raw block device.'],
      ]),
      per_alloc: bool('Use a separate volume per allocation: `source` gets `[<index>]` appended.', { default: 'false' }),
      sticky: bool('Keep using the same dynamic host volume when the allocation is replaced.', { default: 'false' }),
    },
    {
      mount_options: single('File system options for CSI volumes.', body({
        fs_type: str('File system type.'),
        mount_flags: strList('Mount flags.'),
      })),
    },
  ),
  { labels: [{ name: 'name', doc: 'Name that volume_mount refers to.', declares: 'volume' }], docPath: docPath('volume') },
);

export const VOLUME_MOUNT: BlockSchema = block(
  'Mount one of the group\'s volumes into the task.',
  body({
    volume: str('Name of a `volume` block of the group.', { required: true, refersTo: 'volume' }),
    destination: str('Path inside the task where it appears.', { required: true }),
    read_only: bool('Mount read-only.', { default: 'false' }),
    propagation_mode: oneOf('How mounts made later propagate.', [
      ['private', 'Nothing propagates either way.'],
      ['host-to-task', 'Mounts made on the host later appear in the task.'],
      ['bidirectional', 'Mounts propagate both ways (needs privileges).'],
    ], { default: '"private"' }),
    selinux_label: str('SELinux relabelling: `z` (shared) or `Z` (private).'),
  }),
  { docPath: docPath('volume_mount') },
);

export const DISPATCH_PAYLOAD: BlockSchema = single(
  'Write the payload of a dispatched parameterized job into a file of the task.',
  body({ file: str('File name, relative to the task\'s local directory.', { required: true }) }),
  { docPath: docPath('dispatch_payload') },
);

export const LIFECYCLE: BlockSchema = single(
  'Run the task at a particular point of the allocation\'s life rather than with the main tasks.',
  body({
    hook: oneOf('When the task runs.', [
      ['prestart', 'Before the main tasks; they start once it finishes (or, as a sidecar, once it runs).'],
      ['poststart', 'After the main tasks have started.'],
      ['poststop', 'After the main tasks have stopped.'],
    ], { required: true }),
    sidecar: bool('Keep the task running for the whole allocation instead of running it to completion.', { default: 'false' }),
  }),
  { docPath: docPath('lifecycle') },
);
