// The launcher for each Linux target the packages carry: built with the host compiler for the host's own
// architecture and with Debian's cross compiler otherwise (installed by scripts/cross-toolchain.sh), then
// checked to be an ELF for the right machine, stripped, and smoke-tested where it can run here: natively,
// or under qemu-user-static. qemu-user cannot create namespaces (clone with CLONE_NEW* fails with EINVAL),
// so an emulated plain run is attempted and its refusal reported, not hidden.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOST = `${process.platform}-${process.arch}`;

/** ELF e_machine values (elf.h). */
const EM = { x64: 62, arm64: 183 };

export function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
  if (header[4] !== 2) throw new Error(`${file} is not a 64-bit ELF file`);
  return header.readUInt16LE(18);
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

function target(arch, triplet, qemu) {
  const name = `linux-${arch}`;
  const native = HOST === name;
  return {
    name,
    arch,
    /** Builds, verifies and smoke-tests; returns the stripped binary's path. */
    build(root) {
      const cc = native ? (process.env.CC ?? 'cc') : `${triplet}-gcc`;
      if (!native && (!which(cc) || !qemu.some(which))) {
        execFileSync('bash', [path.join(root, 'scripts', 'cross-toolchain.sh'), arch], { stdio: 'inherit' });
      }
      const buildDir = `build/${name}`;
      execFileSync('make', ['-s', '-C', path.join(root, 'launcher'), 'launcher', `CC=${cc}`, `BUILD=${buildDir}`], { stdio: 'inherit' });
      const built = path.join(root, 'launcher', buildDir, 'nomad-exec-launcher');
      const machine = elfMachine(built);
      if (machine !== EM[arch]) throw new Error(`${built}: ELF machine ${machine}, expected ${EM[arch]} for ${name}`);
      const stripped = path.join(root, 'launcher', buildDir, 'nomad-exec-launcher.stripped');
      const strip = native ? 'strip' : `${triplet}-strip`;
      if (which(strip)) execFileSync(strip, ['-o', stripped, built]);
      else fs.copyFileSync(built, stripped);
      fs.chmodSync(stripped, 0o755);
      smokeTest(name, native ? [] : qemu, stripped);
      return stripped;
    },
  };
}

function smokeTest(name, emulator, binary) {
  let prefix = [];
  if (emulator.length) {
    const found = emulator.map(which).find(Boolean);
    if (!found) {
      console.log(`launcher ${name}: not smoke-tested (no ${emulator.join(' or ')}; apt-get install qemu-user-static)`);
      return;
    }
    prefix = [found];
  }
  const [cmd, ...args] = [...prefix, binary];
  // Without arguments the launcher refuses with a usage message on stderr and exit 2: proof it runs.
  const help = spawnSync(cmd, [...args, '--help'], { encoding: 'utf8', timeout: 20_000 });
  if (!/^nomad-exec-launcher: /m.test(help.stderr)) {
    throw new Error(`launcher ${name}: --help under ${cmd} did not answer (exit ${help.status}): ${help.stderr}${help.error ?? ''}`);
  }
  const task = fs.mkdtempSync(path.join(os.tmpdir(), `nomad-exec-smoke-${name}-`));
  try {
    const binds = ['/bin', '/usr', '/lib', '/lib64'].filter((d) => fs.existsSync(d)).flatMap((d) => ['--ro-bind', d, d]);
    const plain = spawnSync(cmd, [...args, '--root', task, ...binds, '--user', 'root', '--', '/bin/echo', 'smoke'], { encoding: 'utf8', timeout: 20_000 });
    if (plain.status === 0 && plain.stdout.trim() === 'smoke') console.log(`launcher ${name}: --help and a plain run ok${prefix.length ? ` under ${path.basename(prefix[0])}` : ''}`);
    else console.log(`launcher ${name}: --help ok${prefix.length ? ` under ${path.basename(prefix[0])}` : ''}; plain run not possible here: ${plain.stderr.trim().split('\n').pop()}`);
  } finally {
    fs.rmSync(task, { recursive: true, force: true });
  }
}

export const launcherTargets = [
  target('x64', 'x86_64-linux-gnu', ['qemu-x86_64-static', 'qemu-x86_64']),
  target('arm64', 'aarch64-linux-gnu', ['qemu-aarch64-static', 'qemu-aarch64']),
];
