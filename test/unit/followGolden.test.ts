// Golden files of Follow Stream: `scap-lens follow FILE:LINE` (the text the document shows),
// `--hex` and `--json`, on real fixtures, compared with test/fixtures/stream/*. `UPDATE=1 npm
// run test:unit` rewrites them instead, and prints which changed: review the diff.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, runCli } from '../helpers/repo';

const UPDATE = process.env.UPDATE === '1';

/** [fixture, 1-based line, extra flags]: the seed's EPIPE, the strace race, the 502, -x and -A. */
const CASES: [string, number, string[]][] = [
  ['seed-epipe.scap.txt', 34, []],
  ['seed-epipe.scap.txt', 34, ['--json']],
  ['revert-httpd-POST-single.strace', 27, []],
  ['revert-httpd-POST-single.strace', 27, ['--json']],
  ['revert-httpd-POST-single.strace', 27, ['--hex']],
  ['revert-httpd-POST-frontonly.httpd.strace', 88, []],
  ['502error-bad-header.net.X.txt', 43, []],
  ['502error-bad-header.net.X.txt', 43, ['--hex']],
  ['502error-bad-header.scap.txt', 74, []],
  ['wstrouble-nginx.x.txt', 14, []],
  ['wstrouble-nginx.A.txt', 14, []],
];

for (const [name, line, flags] of CASES) {
  const golden = `stream/${name}.${line}${flags.map((f) => f.replace(/^--/, '.')).join('')}.txt`;
  test(`golden: follow ${flags.join(' ')} ${name}:${line} matches ${golden}`, () => {
    const r = runCli(['follow', ...flags, `test/fixtures/${name}:${line}`]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    let text = r.stdout;
    if (flags.includes('--json')) text = JSON.stringify(JSON.parse(text), null, 1) + '\n';
    const path = fixturePath(golden);
    if (UPDATE) {
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      mkdirSync(fixturePath('stream'), { recursive: true });
      if (before !== text) {
        writeFileSync(path, text);
        console.log(`golden: ${before === undefined ? 'created' : 'updated'} test/fixtures/${golden}`);
      }
      return;
    }
    assert.ok(existsSync(path), `${golden} is missing: run UPDATE=1 npm run test:unit`);
    assert.equal(text, readFileSync(path, 'utf8'));
  });
}

test('follow: a line without a socket event, a missing file and a bad argument are exit 2 with a sentence', () => {
  const noSocket = runCli(['follow', 'test/fixtures/wstrouble-nginx.scap.txt:1']);
  assert.equal(noSocket.status, 2);
  assert.match(noSocket.stderr, /wstrouble-nginx.scap.txt:1 is not an event of a socket connection/);
  const missing = runCli(['follow', 'test/fixtures/nope.txt:1']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot be read/);
  const bad = runCli(['follow', 'test/fixtures/seed-epipe.scap.txt']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /FILE:LINE/);
});

test('follow and diagram number the lines of a CR-only dump as the analysis does (a line number means the same line everywhere)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scap-lens-cr-'));
  const file = join(dir, 'seed-cr.scap.txt');
  // The seed with every `\n` turned into a lone `\r`: VS Code and the analysis count 36 lines.
  writeFileSync(file, readFileSync(fixturePath('seed-epipe.scap.txt'), 'latin1').replace(/\n/g, '\r'), 'latin1');
  const lf = runCli(['follow', 'test/fixtures/seed-epipe.scap.txt:34']);
  const cr = runCli(['follow', `${file}:34`]);
  assert.equal(cr.status, 0, cr.stderr);
  assert.equal(cr.stdout, lf.stdout);
  const svg = join(dir, 'race.svg');
  const diagram = runCli(['diagram', `${file}:34`, '-o', svg]);
  assert.equal(diagram.status, 0, diagram.stderr);
  assert.match(readFileSync(svg, 'utf8'), /EPIPE/);
  const past = runCli(['diagram', `${file}:37`]);
  assert.equal(past.status, 2);
  assert.match(past.stderr, /has 36 lines; there is no line 37/);
});
