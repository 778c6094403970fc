// Golden files: `scap-lens check --json` on each real fixture, compared with
// test/fixtures/<name>.expected.json. `UPDATE=1 npm run test:unit` rewrites the golden files
// instead of comparing, and prints which ones changed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fixturePath, repoRoot, runCli } from '../helpers/repo';

const NAMES = ['seed-epipe', 'instruqt-tar-dbus', 'revert-httpd-POST-single'];
const UPDATE = process.env.UPDATE === '1';

/** The report with its `file` made relative to the repository root, `/`-separated. */
function normalise(report: { file: string }): unknown {
  const absolute = isAbsolute(report.file) ? report.file : join(repoRoot(), report.file);
  return { ...report, file: relative(repoRoot(), absolute).split(sep).join('/') };
}

for (const name of NAMES) {
  test(`golden: check --json ${name}.scap.txt matches ${name}.expected.json`, () => {
    const input = `test/fixtures/${name}.scap.txt`;
    const r = runCli(['check', '--json', input]);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1);
    const actual = normalise(JSON.parse(lines[0]) as { file: string });
    const text = JSON.stringify(actual, null, 2) + '\n';
    const golden = fixturePath(`${name}.expected.json`);
    if (UPDATE) {
      const before = existsSync(golden) ? readFileSync(golden, 'utf8') : undefined;
      if (before !== text) {
        writeFileSync(golden, text);
        console.log(`golden: ${before === undefined ? 'created' : 'updated'} test/fixtures/${name}.expected.json`);
      } else {
        console.log(`golden: unchanged test/fixtures/${name}.expected.json`);
      }
      return;
    }
    assert.ok(existsSync(golden), `${golden} is missing: run UPDATE=1 npm run test:unit to create it`);
    assert.deepEqual(actual, JSON.parse(readFileSync(golden, 'utf8')),
      `check --json ${input} differs from test/fixtures/${name}.expected.json (UPDATE=1 npm run test:unit rewrites it)`);
  });
}
