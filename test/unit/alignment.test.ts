// Connections the capture joined midway (ARCHITECTURE.md, "Byte offsets"): go to peer once the
// two ends' byte counts are lined up from the evidence in the capture (alignment.ts). The proof
// is on real dumps whose connections open inside them: cut their heads off, and go to peer on
// the cut dump must give the whole dump's targets or none (test/helpers/midCapture.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Endpoint, type Finding, alignmentOf, analyzeStream, analyzeText, peersOf, primaryLine, primaryNum } from '../../server/src/analysis';
import { provideDefinition } from '../../server/src/definition';
import { DumpIndex } from '../../server/src/dumpStore';
import { provideHover } from '../../server/src/hover';
import { readFixture } from '../helpers/repo';
import { cutPoints, scoreDump } from '../helpers/midCapture';

/** Every n-th of a list, so that a large fixture is cut at a few dozen places only. */
function everyNth<T>(list: T[], n: number): T[] {
  return list.filter((_, i) => i % n === 0);
}

const CASES: { fixture: string; what: string; sample: number; least: number }[] = [
  { fixture: 'sysdig-inspect-502.net.txt', what: 'HTTP, haproxy → python', sample: 1, least: 300 },
  { fixture: 'sysdig-inspect-502.net.x.txt', what: 'HTTP with -x hex payloads', sample: 1, least: 100 },
  { fixture: 'wstrouble-example4-1.net.txt', what: 'HTTP and MySQL, curl → docker-proxy → apache2 → mysqld', sample: 1, least: 50 },
  { fixture: 'instruqt-tar-dbus.scap.txt', what: 'D-Bus over a unix socket', sample: 1, least: 80 },
  { fixture: 'revert-httpd-POST-single.scap.txt', what: 'FastCGI, httpd → uWSGI', sample: 12, least: 1000 },
];

for (const { fixture, what, sample, least } of CASES) {
  test(`${fixture} (${what}) cut inside its connections: go to peer gives the whole dump's targets or none, never others`, () => {
    const text = readFixture(fixture);
    const cuts = everyNth(cutPoints(analyzeText(text), 4), sample);
    const score = scoreDump(text, cuts);
    assert.ok(score.scored >= least, `${score.scored} reads and writes scored over ${cuts.length} cuts`);
    assert.equal(score.wrong, 0, score.wrongSamples.join('\n'));
    const recall = score.right / score.scored;
    assert.ok(recall >= 0.8, `recall ${recall.toFixed(3)} (${score.right} of ${score.scored}, ${score.none} without an answer)`);
  });
}

// wget's connect was in progress when this excerpt of wstrouble__example0_nginx_v1 starts
// (its enter is cut off), nginx's accept is inside it: only one end was opened in the capture.
test('one end opened inside the capture: F12 on wget\'s write finds nginx\'s recvfrom 17 lines below, and hover says how', () => {
  const text = readFixture('wstrouble-nginx-v1.joined.scap.txt');
  const analysis = analyzeText(text);
  const index = new DumpIndex(TextDocument.create('file:///nginx.scap.txt', 'scap', 1, text), analysis);
  const lines = text.split('\n');
  const lineOf = (num: number) => lines.findIndex((l) => l.startsWith(`${num} `));
  // `1263 ... wget (19885) < write res=141 data=GET / HTTP/1.1..User-Agent: Wget/1.17.1 (linux-gnu)..`
  const write = lineOf(1263);
  const definition = provideDefinition(index, { line: write, character: 40 });
  assert.deepEqual(definition.map((l) => l.range.start.line), [lineOf(1278)], 'the recvfrom of the same 141 bytes');
  const wget = analysis.calls.find((c) => primaryNum(c) === 1263)!.endpoint!;
  assert.equal(wget.opened, undefined, 'wget\'s connect is not in the excerpt');
  const alignment = alignmentOf(wget)!;
  assert.equal(alignment.by, 'payload');
  assert.deepEqual([primaryNum(alignment.write!), primaryNum(alignment.read!)], [1263, 1278]);
  const hover = provideHover(index, { line: write, character: 40 })!;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /aligned by payload at events \[1263\]\([^)]*\)\/\[1278\]/);
  assert.match(value, /opened: accept by nginx/);
  assert.doesNotMatch(value, /byte offsets count from the first byte seen/, 'both directions are aligned');
  // nginx → wget needs no evidence: nginx accepted inside the capture, so every byte it wrote is in it.
  const reply = analysis.calls.find((c) => primaryNum(c) === 1317)!;
  assert.equal(alignmentOf(reply.endpoint!)!.by, 'open');
  assert.deepEqual(peersOf(reply).map(primaryNum), [1336]);
});

test('a write lost from the middle of a stream: no shift fits every read, so nothing is matched', () => {
  const text = readFixture('sysdig-inspect-502.net.txt');
  const lines = text.split('\n');
  const whole = analyzeText(text);
  // The first connection where python answers haproxy in several writes.
  const connection = whole.connections.find((c) => c.endpoints.length === 2 && c.endpoints.some((e) => e.process === 'python' && e.writes.length >= 4))!;
  const python = connection.endpoints.find((e) => e.process === 'python')!;
  const opens = connection.endpoints.map((e) => primaryLine(e.opened!));
  // Cut both opens off, and drop the exit line of python's second write (as a lost event would).
  const cut = Math.max(...opens) + 1;
  const lost = primaryLine(python.writes[1]);
  const damaged = [...lines.slice(cut, lost), ...lines.slice(lost + 1)].join('\n');
  const part = analyzeText(damaged);
  const writer = part.connections.flatMap((c) => c.endpoints).find((e: Endpoint) => e.process === 'python' && e.fd === python.fd && e.writes.length > 0)!;
  assert.ok(writer.writes.length >= 3, 'the other writes are there');
  assert.equal(alignmentOf(writer), undefined);
  for (const write of writer.writes) assert.deepEqual(peersOf(write), []);
  // The same cut without the loss aligns.
  const intact = analyzeText(lines.slice(cut).join('\n'));
  const same = intact.connections.flatMap((c) => c.endpoints).find((e: Endpoint) => e.process === 'python' && e.fd === python.fd && e.writes.length > 0)!;
  assert.ok(alignmentOf(same), 'aligned when nothing is lost');
});

test('the CLI aligns as the editor does: the same findings on FastCGI connections cut mid-way, some of them on joined connections', async () => {
  const text = readFixture('revert-httpd-POST-single.scap.txt');
  const lines = text.split('\n');
  const cuts = everyNth(cutPoints(analyzeText(text), 2), 40);
  let joined = 0;
  for (const cut of cuts) {
    const part = lines.slice(cut).join('\n');
    const editor = analyzeText(part);
    const cli = await analyzeStream([Buffer.from(part, 'latin1')]);
    const gist = (f: Finding) => `${f.code} ${f.line} ${f.message} ${f.related.map((r) => `${r.line} ${r.message}`).join('; ')}`;
    assert.deepEqual(cli.findings.map(gist), editor.findings.map(gist), `cut at line ${cut + 1}`);
    joined += editor.findings.filter((f) => f.call.endpoint!.connection.endpoints.some((e) => e.opened === undefined)).length;
  }
  assert.ok(joined > 0, 'some findings are on connections the cut joined midway');
});
