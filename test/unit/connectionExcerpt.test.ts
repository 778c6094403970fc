// "Open this connection as a dump" for dumps on disk (server/src/connectionExcerpt.ts): the
// excerpt of a finding's connection is a dump of its own with the same findings.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText } from '../../server/src/analysis';
import { addressPair, connectionExcerpt } from '../../server/src/connectionExcerpt';
import { fixturePath, readFixture } from '../helpers/repo';

const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-excerpt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('addressPair reads the pair of an fd annotation and of a tuple= parameter', () => {
  assert.equal(addressPair('89188 07:12:54.259895312 6 uwsgi (20882) > close fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)'), 'ffff880108bcc440->ffff880108bcba80');
  assert.equal(addressPair('87796 07:12:54.244173691 6 httpd (22014) < connect res=0 tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s'), 'ffff880108bcc440->ffff880108bcba80');
  assert.equal(addressPair('56 20:35:02.278228646 0 nginx (15747) < accept fd=3(<4t>172.18.0.1:51910->172.18.0.2:80) tuple=172.18.0.1:51910->172.18.0.2:80 queuepct=0'), '172.18.0.1:51910->172.18.0.2:80');
  assert.equal(addressPair('87795 07:12:54.244170230 6 httpd (22014) > connect fd=26(<u>)'), undefined);
});

test('the excerpt of the seed\'s EPIPE, found among 1.4 MB of other real lines, is the seed\'s connection with the same findings', async () => {
  const seed = readFixture('seed-epipe.scap.txt');
  const padding = readFixture('revert-httpd-POST-single.scap.txt');
  const file = join(tmp, 'padded.scap.txt');
  writeFileSync(file, padding + seed + padding, 'latin1');
  const offset = padding.split('\n').length - 1;
  const whole = analyzeText(seed + padding);
  const epipe = whole.findings.find((f) => f.code === 'epipe');
  assert.ok(epipe);
  const targets = [epipe.line, ...epipe.related.map((r) => r.line)].map((l) => l + offset);
  const excerpt = await connectionExcerpt(file, targets);
  assert.deepEqual(excerpt.pairs, ['ffff880108bcc440->ffff880108bcba80']);
  // Every line of the seed is an event of that connection: the excerpt is the seed, line for line.
  assert.equal(excerpt.text, seed);
  assert.deepEqual(excerpt.lines, seed.split('\n').slice(0, -1).map((_, i) => i + offset));
  const gist = (text: string) => analyzeText(text).findings.map((f) => `${f.severity} ${f.code} ${f.message}`);
  assert.deepEqual(gist(excerpt.text), gist(seed));
});

test('on a real server capture, the excerpt keeps the connection\'s calls (enter and exit) and drops the rest', async () => {
  const file = fixturePath('wstrouble-nginx.scap.txt');
  const lines = readFileSync(file, 'latin1').split('\n');
  const accept = lines.findIndex((l) => / < accept fd=\d+\(<4t>/.test(l));
  assert.ok(accept >= 0);
  const excerpt = await connectionExcerpt(file, [accept]);
  const kept = excerpt.text.split('\n').slice(0, -1);
  assert.ok(kept.length > 4 && kept.length < lines.length - 1, `${kept.length} of ${lines.length - 1} lines`);
  // Each exit line kept follows its own enter (same thread, same call).
  for (let i = 0; i < kept.length; i++) {
    const exit = / \((\d+)\) < (\S+)/.exec(kept[i]);
    if (!exit) continue;
    const enter = kept.slice(0, i).reverse().find((l) => l.includes(` (${exit[1]}) `));
    assert.ok(enter && enter.includes(`> ${exit[2]} `) || enter?.endsWith(`> ${exit[2]}`), `line ${excerpt.lines[i] + 1}: ${kept[i].slice(0, 80)}`);
  }
  const a = analyzeText(excerpt.text);
  assert.equal(a.stats.connections, 1);
  assert.equal(a.stats.unparsedLines, 0);
});

test('lines that name no socket give an empty excerpt', async () => {
  const excerpt = await connectionExcerpt(fixturePath('falco-cat_write.scap.txt'), [0, 1]);
  assert.deepEqual(excerpt, { pairs: [], lines: [], text: '' });
});
