// The sequence diagram: the message sequence of a connection (analysis/sequence.ts) on real
// fixtures, as golden files (`UPDATE=1 npm run test:unit` rewrites them), its SVG
// (analysis/sequenceSvg.ts), its speed on 10 000 calls, and `scap-lens diagram`.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeText, type Analysis, type Syscall } from '../../server/src/analysis';
import { type Sequence, buildSequence, lineTime, sequenceOfCall } from '../../server/src/analysis/sequence';
import { layoutSequence, renderBody, renderSequenceSvg } from '../../server/src/analysis/sequenceSvg';
import { TextLines } from '../../server/src/analysis/payload';
import { streamRecordNamer } from '../../server/src/analysis/sequenceRecords';
import { fixturePath, readFixture, runCli } from '../helpers/repo';

const UPDATE = process.env.UPDATE === '1';
const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-diagram-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// sax ships with @vscode/vsce (through xml2js): a real XML parser, strict mode, for the well-formedness test.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sax = require('sax') as { parser(strict: boolean): { onerror: (e: Error) => void; onopentag: (t: { name: string; attributes: Record<string, string> }) => void; ontext: (t: string) => void; write(s: string): { close(): void } } };

function linesOf(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

function callOnLine(analysis: Analysis, line: number): Syscall | undefined {
  return analysis.calls.find((c) => c.enterLine === line || c.exitLine === line);
}

/** The sequence of the connection of the call on a 1-based line of a fixture's text, records named as the server names them. */
function sequenceAt(text: string, line1: number): Sequence {
  const lines = new TextLines(text);
  const analysis = analyzeText(text);
  const sequence = sequenceOfCall(callOnLine(analysis, line1 - 1), (l) => lines.lineText(l), (connection) => streamRecordNamer(lines, connection));
  assert.ok(sequence, `line ${line1} is not a socket call`);
  return sequence;
}

/** JSON with one array element per line: diffs of a golden file show the rows that changed. */
function goldenText(sequence: Sequence): string {
  const parts = Object.entries(sequence).map(([key, value]) => {
    if (!Array.isArray(value)) return `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
    if (value.length === 0) return `  ${JSON.stringify(key)}: []`;
    return `  ${JSON.stringify(key)}: [\n${value.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}

const GOLDEN: { name: string; fixture: string; line: number }[] = [
  // The seed: the failed writev (line 34).
  { name: 'seed-epipe', fixture: 'seed-epipe.scap.txt', line: 34 },
  // A real capture of the same race: uwsgi closes fd 5 with 8 bytes of httpd's unread (line 13777).
  { name: 'revert-httpd-POST-single', fixture: 'revert-httpd-POST-single.scap.txt', line: 13777 },
  // A real sysdig capture whose client is not in it: one lifeline, nothing matched.
  { name: 'wstrouble-httpd', fixture: 'wstrouble-httpd.scap.txt', line: 10 },
  // The real strace trace of the race: exact bytes, so the FastCGI records are named.
  { name: 'revert-httpd-POST-single.strace', fixture: 'revert-httpd-POST-single.strace', line: 27 },
];

for (const golden of GOLDEN) {
  test(`golden: sequence of ${golden.fixture}:${golden.line} matches ${golden.name}.sequence.json`, () => {
    const text = goldenText(sequenceAt(readFixture(golden.fixture), golden.line));
    const path = fixturePath(`${golden.name}.sequence.json`);
    if (UPDATE) {
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      if (before !== text) writeFileSync(path, text);
      console.log(`golden: ${before === undefined ? 'created' : before === text ? 'unchanged' : 'updated'} test/fixtures/${golden.name}.sequence.json`);
      return;
    }
    assert.ok(existsSync(path), `${path} is missing: run UPDATE=1 npm run test:unit to create it`);
    assert.equal(text, readFileSync(path, 'utf8'), `the sequence differs from test/fixtures/${golden.name}.sequence.json (UPDATE=1 npm run test:unit rewrites it)`);
  });
}

test('seed: two lifelines, three data arrows by byte range, the EPIPE arrow into uwsgi\'s closed end, 94 bytes never read', () => {
  const s = sequenceAt(readFixture('seed-epipe.scap.txt'), 34);
  assert.deepEqual(s.lifelines.map((l) => l.label), ['httpd (22014) fd 26', 'uwsgi (20882) fd 10']);
  const data = s.arrows.filter((a) => a.kind === 'data');
  assert.deepEqual(data.map((a) => [s.rows[a.fromRow].num, s.rows[a.toRow].num, a.bytes!.start, a.bytes!.end]),
    [[87802, 88633, 0, 16], [89021, 89045, 16, 715], [89083, 89104, 715, 723]]);
  const failed = s.arrows.filter((a) => a.kind === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(s.rows[failed[0].fromRow].num, 89285);
  assert.equal(failed[0].text, 'EPIPE');
  assert.deepEqual([failed[0].fromLane, failed[0].toLane], [0, 1]);
  assert.equal(s.rows[failed[0].causeRow!].num, 89188);
  // uwsgi's lifeline ends at its close, before the failed writev.
  assert.equal(s.rows[s.lifelines[1].closedRow!].num, 89188);
  assert.ok(s.lifelines[1].closedRow! < failed[0].fromRow);
  assert.deepEqual(s.unread.map((u) => u.bytes.end - u.bytes.start), [8, 43, 8, 11, 24]);
  assert.ok(s.unread.every((u) => u.why === 'closed' && u.lane === 1));
  assert.equal(s.arrows.filter((a) => a.kind === 'open').length, 1);
  // The race window and the compressed 15 ms pause before uwsgi's accept, with real times.
  const race = s.races.find((r) => r.kind === 'failure');
  assert.equal(race?.text, 'uwsgi closed 128 µs before httpd\'s writev');
  assert.equal(race?.ns, 260023713 - 259895312);
  assert.equal(s.gaps.length, 1);
  assert.equal(s.rows[s.gaps[0].afterRow + 1].num, 88619);
  assert.equal(s.gaps[0].text, '15.1 ms');
  assert.equal(s.rows[0].time, ((7 * 60 + 12) * 60 + 54) * 1e9 + 244173691);
});

test('the RecordNamer hook names the records on data arrows, unread bytes and the failed write', () => {
  const text = readFixture('seed-epipe.scap.txt');
  const lines = linesOf(text);
  const analysis = analyzeText(text);
  const call = callOnLine(analysis, 33)!;
  const asked: string[] = [];
  const s = buildSequence(call.endpoint!.connection, {
    timeAt: (l) => lineTime(lines[l], l),
    records: {
      written: (writer, bytes) => { asked.push(`${writer.process} ${bytes.start}-${bytes.end}`); return bytes.end - bytes.start === 8 ? 'FCGI_STDIN' : undefined; },
      failed: (failed) => (failed.errno === 'EPIPE' ? 'FCGI_STDIN <&>' : undefined),
    },
  });
  assert.deepEqual(s.arrows.filter((a) => a.kind === 'data').map((a) => a.records ?? '-'), ['-', '-', 'FCGI_STDIN']);
  assert.equal(s.arrows.find((a) => a.kind === 'failed')?.records, 'FCGI_STDIN <&>');
  assert.deepEqual(s.unread.map((u) => u.records ?? '-'), ['FCGI_STDIN', '-', 'FCGI_STDIN', '-', '-']);
  assert.ok(asked.includes('httpd 16-715') && asked.includes('uwsgi 70-94'), asked.join(', '));
  const svg = renderSequenceSvg(s);
  assert.ok(svg.includes('8 B · FCGI_STDIN'));
  assert.ok(svg.includes('EPIPE · FCGI_STDIN &lt;&amp;&gt;'));
  assert.ok(svg.includes('8 B never read · FCGI_STDIN'));
});

test('records on the arrows from the decoders: the never-read tail of the strace race is the empty FCGI_STDIN; 502Error\'s malformed response is flagged', () => {
  const strace = sequenceAt(readFixture('revert-httpd-POST-single.strace'), 27);
  assert.deepEqual(strace.unread.map((u) => `${u.bytes.end - u.bytes.start} B ${u.records}`), ['8 B FCGI_STDIN (end)']);
  assert.deepEqual(strace.arrows.filter((a) => a.kind === 'data' && a.fromLane === 0).map((a) => a.records),
    ['FCGI_BEGIN_REQUEST', 'FCGI_PARAMS…', 'FCGI_PARAMS (end)', 'FCGI_STDIN']);
  // sysdig's default output keeps 80 printable bytes: the request line is read, its end is not.
  const text = readFixture('502error-bad-header.scap.txt');
  const line = linesOf(text).findIndex((l) => / < sendto res=131 /.test(l) || / < recvfrom res=131 /.test(l)) + 1;
  const http = sequenceAt(text, line);
  const records = http.arrows.filter((a) => a.kind === 'data').map((a) => a.records);
  assert.equal(records[0], 'GET /foo…');
  assert.ok(records.slice(1).every((r) => r === 'HTTP 200 ⚠'), records.join(', '));
  assert.ok(renderSequenceSvg(http).includes('17 B · HTTP 200 ⚠'));
});

test('lineTime reads the time of sysdig, strace and -t a lines', () => {
  assert.equal(lineTime('89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST', 0), 25_974_259_735_774);
  const strace = linesOf(readFixture('revert-httpd-POST-single.strace')).find((l) => /^\d+ \d\d:\d\d:\d\d\.\d+ /.test(l))!;
  assert.ok(Number.isFinite(lineTime(strace, 0)), strace);
  const ta = linesOf(readFixture('wstrouble-httpd.ta.txt'));
  assert.ok(lineTime(ta[10], 10) > lineTime(ta[9], 9) - 1e9);
  assert.ok(Number.isNaN(lineTime('not an event', 0)));
});

test('sysdig -t d prints time differences, not a clock: no time axis, and the diagram says so', () => {
  const text = readFixture('seed-epipe.scap.txt');
  // The same dump with each time replaced by its difference to the line before, as -t d prints it.
  let last = 0;
  const delta = linesOf(text).map((l) => l.replace(/^(\d+) (\d\d):(\d\d):(\d\d)\.(\d{9}) /, (_m, num, h, m, sec, frac) => {
    const ns = ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1e9 + Number(frac);
    const d = last === 0 ? 0 : ns - last;
    last = ns;
    return `${num} 0.${String(d).padStart(9, '0')} `;
  })).join('\n');
  const s = sequenceAt(delta, 34);
  assert.equal(s.rows.length, 18);
  assert.ok(s.rows.every((r) => Number.isNaN(r.time)));
  assert.deepEqual(s.gaps, []);
  assert.match(s.notes.join(' '), /not a clock/);
  // The race is still drawn, without a duration.
  assert.equal(s.races.find((r) => r.kind === 'failure')?.text, 'uwsgi closed before httpd\'s writev');
  assert.doesNotThrow(() => renderSequenceSvg(s));
  // -t r counts from the first event: a clock, all the same.
  const relative = linesOf(text).map((l) => l.replace(/^(\d+) 07:12:(\d\d)\.(\d{9}) /, (_m, num, sec, frac) => `${num} ${Number(sec) - 54}.${frac} `)).join('\n');
  const r = sequenceAt(relative, 34);
  assert.ok(r.rows.every((row) => Number.isFinite(row.time)));
  assert.equal(r.races.find((x) => x.kind === 'failure')?.text, 'uwsgi closed 128 µs before httpd\'s writev');
});

test('strace: the same race in an strace trace has arrows and the never-read tail', () => {
  const text = readFixture('revert-httpd-POST-single.strace');
  const analysis = analyzeText(text);
  const lines = linesOf(text);
  const finding = analysis.findings.find((f) => f.code === 'unread-write');
  assert.ok(finding);
  const s = sequenceOfCall(finding.call, (l) => lines[l])!;
  assert.equal(s.lifelines.length, 2);
  assert.ok(s.arrows.some((a) => a.kind === 'data'));
  assert.ok(s.unread.some((u) => u.why === 'closed'));
  assert.ok(s.rows.every((r) => Number.isFinite(r.time)), 'every strace row has its time');
});

test('a line that is no socket call has no sequence', () => {
  const text = readFixture('revert-httpd-POST-single.scap.txt');
  const analysis = analyzeText(text);
  const lines = linesOf(text);
  const plain = lines.findIndex((l) => / > socket domain=/.test(l));
  assert.ok(plain >= 0);
  assert.equal(sequenceOfCall(callOnLine(analysis, plain), (l) => lines[l]), undefined);
});

/** A dump of one unix connection with `pairs` writes by a and `pairs` reads by b, reads cutting writes. */
function bigDump(pairs: number): string {
  const out: string[] = [];
  let num = 1;
  let ns = 0;
  const tuple = 'ffff880108bcc440->ffff880108bcba80 /tmp/big.s';
  const line = (proc: string, tid: number, dir: string, rest: string) => {
    ns += 1500;
    const s = Math.floor(ns / 1e9);
    out.push(`${num++} 10:00:${String(s).padStart(2, '0')}.${String(ns % 1e9).padStart(9, '0')} 0 ${proc} (${tid}) ${dir} ${rest} `);
  };
  line('client', 100, '>', 'connect fd=3(<u>)');
  line('client', 100, '<', `connect res=0 tuple=${tuple}`);
  line('server', 200, '>', 'accept');
  line('server', 200, '<', `accept fd=4(<u>${tuple}) tuple=${tuple} queuepct=0`);
  for (let i = 0; i < pairs; i++) {
    line('client', 100, '>', `write fd=3(<u>${tuple}) size=100`);
    line('client', 100, '<', 'write res=100 data=abc');
    // Reads take 50, 150 and 100 bytes in turn, so they cut and join writes, and never take
    // more than was written (a dump where they do contradicts its offsets: alignment.ts).
    const size = i % 3 === 0 ? 50 : i % 3 === 1 ? 150 : 100;
    line('server', 200, '>', `read fd=4(<u>${tuple}) size=4096`);
    line('server', 200, '<', `read res=${size} data=abc`);
  }
  line('server', 200, '>', `close fd=4(<u>${tuple})`);
  line('server', 200, '<', 'close res=0');
  line('client', 100, '>', `close fd=3(<u>${tuple})`);
  line('client', 100, '<', 'close res=0');
  return out.join('\n') + '\n';
}

test('10 000 calls: the sequence builds and the first screen draws in well under a second', () => {
  const text = bigDump(5000);
  const analysis = analyzeText(text);
  const lines = linesOf(text);
  const call = callOnLine(analysis, 10)!;
  const started = performance.now();
  const sequence = buildSequence(call.endpoint!.connection, { timeAt: (l) => lineTime(lines[l], l) });
  const layout = layoutSequence(sequence);
  const svg = renderBody(sequence, layout, { viewport: { top: 0, bottom: 900 } });
  // The page also sends the sequence through postMessage: JSON must stay cheap too.
  const json = JSON.stringify(sequence);
  const elapsed = performance.now() - started;
  assert.ok(sequence.rows.length >= 10_000, `${sequence.rows.length} rows`);
  assert.ok(sequence.arrows.filter((a) => a.kind === 'data').length > 5000);
  assert.ok(elapsed < 500, `took ${elapsed.toFixed(0)} ms`);
  // Only the rows in view are drawn: a few dozen groups, not 10 000.
  const drawnRows = (svg.match(/<g class="row /g) ?? []).length;
  assert.ok(drawnRows > 20 && drawnRows < 80, `${drawnRows} rows drawn`);
  assert.ok(json.length < 4_000_000, `${json.length} bytes of JSON`);
  // A viewport in the middle draws the rows there.
  const middle = renderBody(sequence, layout, { viewport: { top: layout.rowY[7000], bottom: layout.rowY[7000] + 900 } });
  assert.match(middle, /data-row="7000"/);
  assert.doesNotMatch(middle, /data-row="100"/);
});

test('a connection longer than maxRows is drawn as a window around the call asked for, and says so', () => {
  const text = bigDump(2000);
  const analysis = analyzeText(text);
  const lines = linesOf(text);
  const focus = callOnLine(analysis, 4 + 4 * 1500 + 1)!;
  assert.equal(focus.role, 'write');
  const sequence = buildSequence(focus.endpoint!.connection, { timeAt: (l) => lineTime(lines[l], l), focus, maxRows: 1000 });
  assert.equal(sequence.rows.length, 1000);
  assert.ok(sequence.rows.some((r) => r.call === focus.id));
  assert.match(sequence.notes.join(' '), /This connection has 4004 calls: calls 2503–3502 are drawn/);
  // Arrows stay inside the window.
  assert.ok(sequence.arrows.every((a) => a.fromRow < 1000 && a.toRow < 1000));
  assert.ok(sequence.arrows.length > 400);
});

/** Checks that the text is well-formed XML and returns its elements and text. */
function parseXml(text: string): { tags: { name: string; attributes: Record<string, string> }[]; text: string } {
  const tags: { name: string; attributes: Record<string, string> }[] = [];
  let content = '';
  const parser = sax.parser(true);
  parser.onerror = (e) => { throw e; };
  parser.onopentag = (t) => tags.push(t);
  parser.ontext = (t) => { content += t; };
  parser.write(text).close();
  return { tags, text: content };
}

test('SVG: well-formed XML with the EPIPE arrow, the race window and every row; a process name with < & " is escaped', () => {
  const seed = readFixture('seed-epipe.scap.txt');
  const svg = renderSequenceSvg(sequenceAt(seed, 34));
  const { tags, text } = parseXml(svg);
  assert.equal(tags[0].name, 'svg');
  assert.equal(tags[0].attributes.xmlns, 'http://www.w3.org/2000/svg');
  const failed = tags.filter((t) => t.name === 'g' && t.attributes.class === 'arrow failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].attributes['data-line'], '33');
  assert.match(text, /uwsgi closed 128 µs before httpd's writev/);
  assert.equal(tags.filter((t) => t.name === 'g' && /^row /.test(t.attributes.class)).length, 18);
  assert.equal(tags.filter((t) => t.name === 'g' && t.attributes.class === 'unread closed').length, 5);
  // No remote resources: nothing in the file refers to anything outside it.
  assert.doesNotMatch(svg, /href|url\(|@import|<script/i);

  const odd = seed.replaceAll('uwsgi (20882)', 'u<w>&"s\'gi (20882)');
  const oddSvg = renderSequenceSvg(sequenceAt(odd, 34));
  const parsed = parseXml(oddSvg);
  assert.ok(parsed.text.includes('u<w>&"s\'gi (20882) fd 10'), 'the name reads back as it was');
  assert.ok(oddSvg.includes('u&lt;w&gt;&amp;&quot;s&apos;gi'));
});

test('CLI: scap-lens diagram FILE:LINE -o writes the SVG; bad lines and files get one sentence and exit 2', () => {
  const out = join(tmp, 'race.svg');
  const r = runCli(['diagram', 'test/fixtures/seed-epipe.scap.txt:34', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /httpd \(22014\) fd 26 ⟷ uwsgi \(20882\) fd 10, 18 calls/);
  const svg = readFileSync(out, 'utf8');
  assert.ok(svg.startsWith('<?xml'));
  assert.equal(svg, renderSequenceSvg(sequenceAt(readFixture('seed-epipe.scap.txt'), 34)));
  // Without -o, standard output.
  const stdout = runCli(['diagram', 'test/fixtures/seed-epipe.scap.txt:1']);
  assert.equal(stdout.status, 0, stdout.stderr);
  assert.equal(stdout.stdout, svg, 'any line of the connection gives the same diagram');

  const missingLine = runCli(['diagram', 'test/fixtures/seed-epipe.scap.txt:99']);
  assert.equal(missingLine.status, 2);
  assert.match(missingLine.stderr, /has 36 lines; there is no line 99/);
  const revertLines = linesOf(readFixture('revert-httpd-POST-single.scap.txt'));
  const plain = revertLines.findIndex((l) => / > socket domain=/.test(l)) + 1;
  const notSocket = runCli(['diagram', `test/fixtures/revert-httpd-POST-single.scap.txt:${plain}`]);
  assert.equal(notSocket.status, 2);
  assert.match(notSocket.stderr, new RegExp(`line ${plain} of .* is not a call on a socket`));
  const noFile = runCli(['diagram', 'no-such.scap.txt:3']);
  assert.equal(noFile.status, 2);
  assert.match(noFile.stderr, /no-such\.scap\.txt does not exist/);
  const noLine = runCli(['diagram', 'test/fixtures/seed-epipe.scap.txt']);
  assert.equal(noLine.status, 2);
  assert.match(noLine.stderr, /is not FILE:LINE/);
});
