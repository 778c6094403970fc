// Asks sysdig itself how many bytes each process wrote and read on each socket fd of every
// capture of the shared corpus that has a text dump, and keeps the answers as small JSON
// fixtures (test/fixtures/sysdig-truth/CAPTURE.json). The unit tests and corpus-check.mjs
// compare them with `scap-lens conversations --json` of the dumps, so they run without sysdig.
//
//   node scripts/sysdig-truth.mjs            (needs sysdig on PATH and the shared folder)
//   SCAP_LENS_SHARED=/path/to/shared node scripts/sysdig-truth.mjs
//
// The question is sysdig's own state engine: bytes per (process name, fd) of every I/O exit
// with a positive result on an ipv4, ipv6 or unix fd. sendfile counts as a write (its
// evt.is_io_write is false, but it moves bytes out of the socket it writes to).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.SCAP_LENS_SHARED ?? join(repo, '..', 'shared'));
const sysdigDir = join(shared, 'corpus', 'sysdig');
const outDir = join(repo, 'test', 'fixtures', 'sysdig-truth');

export const FORMAT = '%proc.name|%fd.num|%evt.is_io_write|%evt.type|%evt.rawres';
export const FILTER = '(evt.is_io=true or evt.type=sendfile) and evt.dir=< and fd.type in (ipv4,ipv6,unix) and evt.rawres>0';

if (!existsSync(sysdigDir)) {
  console.error(`sysdig-truth: ${sysdigDir} does not exist (set SCAP_LENS_SHARED to the shared folder)`);
  process.exit(2);
}
let version;
try {
  version = execFileSync('sysdig', ['--version'], { encoding: 'utf8' }).trim();
} catch {
  console.error('sysdig-truth: sysdig is not on PATH (Debian: apt-get install -y sysdig; reading a capture needs no kernel module)');
  process.exit(2);
}

mkdirSync(outDir, { recursive: true });
let total = 0;
for (const name of readdirSync(sysdigDir).sort()) {
  if (!name.endsWith('.scap')) continue;
  // Only captures whose text dump is in the corpus: the comparison is with that dump.
  if (!existsSync(join(sysdigDir, `${name}.txt`))) continue;
  const output = execFileSync('sysdig', ['-r', join(sysdigDir, name), '-p', FORMAT, FILTER], { encoding: 'latin1', maxBuffer: 1 << 30 });
  const byEnd = new Map();
  for (const line of output.split('\n')) {
    if (line.length === 0) continue;
    // `httpd|10|true|writev|1619000`: a process name can hold `|`, the other fields cannot.
    const fields = line.split('|');
    const [fd, isWrite, type, res] = fields.slice(-4);
    const process = fields.slice(0, -4).join('|');
    const key = `${process}|${fd}`;
    let end = byEnd.get(key);
    if (!end) byEnd.set(key, end = { process, fd: Number(fd), bytesWritten: 0, bytesRead: 0 });
    if (isWrite === 'true' || type === 'sendfile') end.bytesWritten += Number(res);
    else end.bytesRead += Number(res);
  }
  const endpoints = [...byEnd.values()].sort((a, b) => (a.process < b.process ? -1 : a.process > b.process ? 1 : a.fd - b.fd));
  total += endpoints.length;
  const fixture = {
    capture: `corpus/sysdig/${name}`,
    dump: `corpus/sysdig/${name}.txt`,
    captureBytes: statSync(join(sysdigDir, name)).size,
    sysdig: version,
    format: FORMAT,
    filter: FILTER,
    endpoints,
  };
  // One endpoint a line: a regenerated fixture's diff shows which endpoints changed.
  const text = JSON.stringify({ ...fixture, endpoints: [] }, null, 1)
    .replace('"endpoints": []', `"endpoints": [${endpoints.map((e) => `\n  ${JSON.stringify(e)}`).join(',')}${endpoints.length ? '\n ' : ''}]`);
  writeFileSync(join(outDir, `${name.replace(/\.scap$/, '')}.json`), text + '\n');
  console.log(`${name}: ${endpoints.length} endpoints`);
}
console.log(`${total} endpoints in ${outDir}`);
