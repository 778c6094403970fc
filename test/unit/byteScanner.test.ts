// The CLI reads dumps through the WebAssembly line scanner (server/src/analysis/wasm/scanner.ts,
// driven by byteScanner.ts); the language server parses strings with sysdigParser.ts. The
// scanner mirrors the parser field for field, so both must give the same analysis: same
// counts, same findings on the same lines and columns, same calls behind them. These tests
// hold the two paths side by side on every fixture, on damaged and odd input, and across
// every way the bytes can be cut into reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DumpAnalyzer, analyzeStream, type Analysis } from '../../server/src/analysis';
import { analyzeLines, gist } from '../helpers/sameAnalysis';
import * as layout from '../../server/src/analysis/wasm/shared';
import { ByteLineReader } from '../../server/src/analysis/byteScanner';
import { repoRoot } from '../helpers/repo';

/** The CLI's path, with the bytes handed over in reads of `chunk` bytes. */
async function analyzeBytes(bytes: Buffer, chunk = 1 << 18): Promise<Analysis> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  return analyzeStream(chunks);
}

async function assertSame(text: string | Buffer, what: string, chunk?: number): Promise<Analysis> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const expected = analyzeLines(bytes.toString('latin1'));
  const actual = await analyzeBytes(bytes, chunk);
  assert.deepEqual(gist(actual), gist(expected), what);
  return actual;
}

const fixtures = readdirSync(join(repoRoot(), 'test/fixtures')).filter((f) => /\.(txt|strace)$/.test(f));

test('the record layout both compilers read (wasm/shared.ts) gives every field its own bytes inside a record', () => {
  const fields = Object.entries(layout as unknown as Record<string, unknown>).filter(([name]) => /^[DI]_[A-Z_]+$/.test(name));
  assert.ok(fields.length >= 20, `${fields.length} layout constants`);
  const owner = new Array<string | undefined>(layout.RECORD_BYTES);
  for (const [name, index] of fields) {
    const size = name.startsWith('D_') ? 8 : 4;
    assert.ok(Number.isInteger(index) && (index as number) >= 0 && ((index as number) + 1) * size <= layout.RECORD_BYTES, name);
    for (let byte = (index as number) * size; byte < ((index as number) + 1) * size; byte++) {
      assert.equal(owner[byte], undefined, `${name} overlaps ${owner[byte]}`);
      owner[byte] = name;
    }
  }
  assert.equal(layout.RECORD_BYTES % 8, 0, 'records stay f64-aligned');
});

test('the shared syscall lists are space-framed, and the short ones part of the full one (the scanner looks in them only then)', () => {
  const names = (list: string) => {
    assert.match(list, /^ ([a-z_0-9]+ )+$/);
    return list.trim().split(' ');
  };
  const full = new Set(names(layout.FULL_PARAM_TYPES));
  for (const name of [...names(layout.ENTER_TIME_TYPES), ...names(layout.TUPLE_AFTER_DATA_TYPES)]) assert.ok(full.has(name), name);
});

test('every fixture gives the same analysis through the scanner as through the JavaScript parser', async () => {
  let findings = 0;
  let events = 0;
  for (const name of fixtures) {
    const analysis = await assertSame(readFileSync(join(repoRoot(), 'test/fixtures', name)), name);
    findings += analysis.findings.length;
    events += analysis.stats.events;
  }
  // The comparison means something only if the scanner did the parsing: in sysdig's default
  // format (and -t a, -pc, -A, -x) every event line is its own, only other lines go to JavaScript.
  for (const name of fixtures.filter((f) => /\.(scap|ta|pc|A|x)\.txt$/.test(f))) {
    const analyzer = new DumpAnalyzer({ retainCalls: false });
    const reader = new ByteLineReader(analyzer);
    reader.push(readFileSync(join(repoRoot(), 'test/fixtures', name)));
    reader.end();
    const { stats } = analyzer.finish();
    assert.equal(reader.linesForJavaScript, stats.lines - stats.events, name);
  }
  // And only if the fixtures have findings to compare.
  assert.ok(findings >= 62 + 2, `${findings} findings`);
  assert.ok(events > 20000, `${events} events`);
});

test('reads of any size give the same analysis: lines cut across reads, records across scans', async () => {
  const seed = readFileSync(join(repoRoot(), 'test/fixtures/seed-epipe.scap.txt'));
  for (const chunk of [1, 2, 3, 7, 64, 1000, 4093]) await assertSame(seed, `seed-epipe in reads of ${chunk} bytes`, chunk);
  // More lines than one scan returns (RECORD_CAP), in reads that end mid-line.
  const revert = readFileSync(join(repoRoot(), 'test/fixtures/revert-httpd-POST-single.scap.txt'));
  assert.ok(revert.toString('latin1').split('\n').length > 2 * layout.RECORD_CAP);
  const analysis = await assertSame(revert, 'revert-httpd-POST-single in reads of 65 537 bytes', 65537);
  assert.equal(analysis.findings.filter((f) => f.code === 'unread-write').length, 62);
});

test('odd lines: CRLF, no final newline, colour codes, PID.TID and TID:VTID headers, huge numbers, short lines, binary junk', async () => {
  const seed = readFileSync(join(repoRoot(), 'test/fixtures/seed-epipe.scap.txt'), 'latin1');
  await assertSame(seed.replace(/\n/g, '\r\n'), 'CRLF');
  await assertSame(seed.replace(/\n$/, ''), 'no newline after the last line');
  await assertSame(seed.replace(/\n$/, '').replace(/ $/, ''), 'a last line cut before its trailing space');
  await assertSame(seed.slice(0, seed.length / 2), 'cut in the middle of a line');
  await assertSame('', 'empty');
  await assertSame('\n\n\r\n', 'blank lines');
  await assertSame(`${seed.split('\n').slice(0, 10).join('\n')}\n\u0000\u0001\u00ff\u0080garbage\u0007\n${seed}`, 'binary junk in the middle');
  const lines = seed.split('\n').filter((l) => l.length > 0);
  // `(PID.TID)` of terminal output, `(TID:VTID)` of -pc, an event number past 2^53, an exit with no enter.
  await assertSame(lines.map((l) => l.replace(/ \((\d+)\) ([<>]) /, ' ($1.$1) $2 ')).join('\n') + '\n', 'PID.TID');
  await assertSame(lines.map((l) => l.replace(/ \((\d+)\) ([<>]) /, ' ($1:<NA>) $2 ')).join('\n') + '\n', 'TID:VTID');
  await assertSame(lines.map((l) => `123456789012345678901${l}`).join('\n') + '\n', 'event numbers of 20 digits and more');
  await assertSame(lines.map((l) => l.replace(/^(\d+) \S+ /, '$1 1511271154.260023713 ')).join('\n') + '\n', '-t a times');
  await assertSame(lines.map((l) => l.replace(/^(\d+) \S+ /, '$1 07:12:5x.260023713 ')).join('\n') + '\n', 'a bad digit in the time');
  await assertSame(lines.map((l, i) => (i % 3 === 0 ? l.slice(0, 15 + (i % 7)) : l)).join('\n') + '\n', 'lines cut to 15-21 characters');
  const ansi = readFileSync(join(repoRoot(), 'test/fixtures/wstrouble-nginx.tty_ansi.txt'));
  await assertSame(Buffer.concat([ansi, Buffer.from(seed, 'latin1')]), 'colour codes, then plain lines');
});

test('a line of 3 MB is counted once, however it is cut into reads', async () => {
  const seed = readFileSync(join(repoRoot(), 'test/fixtures/seed-epipe.scap.txt'), 'latin1').split('\n');
  const text = [...seed.slice(0, 11), 'x'.repeat(3 * 1024 * 1024 + 17), ...seed.slice(11)].join('\n');
  for (const chunk of [1 << 16, 1 << 18, 1 << 22]) {
    const analysis = await analyzeBytes(Buffer.from(text, 'latin1'), chunk);
    assert.equal(analysis.stats.unparsedLines, 1, `reads of ${chunk}`);
    assert.equal(analysis.stats.lines, seed.length, `reads of ${chunk}`);
    assert.match(analysis.stats.unparsedSamples[0].reason, /a line of 3145745 characters/);
    assert.equal(analysis.stats.unparsedSamples[0].line, 11);
  }
});

test('more names than the scanner\'s intern table holds: it starts over and the analysis does not change', async () => {
  // 45 000 connections with their own process and socket names, then 6 000 names of 1 000
  // characters: past the table's 65 536 entries and past its 2 MB of name bytes.
  const out: string[] = [];
  let num = 1;
  const line = (tid: number, name: string, dir: string, rest: string) => out.push(`${num++} 07:12:54.${String(num).padStart(9, '0')} 0 ${name} (${tid}) ${dir} ${rest}`);
  for (let c = 0; c < 45000; c++) {
    const a = (0x100000 + 2 * c).toString(16);
    const b = (0x100001 + 2 * c).toString(16);
    const fd = `fd=5(<u>ffff${a}->ffff${b} /tmp/s)`;
    line(1000 + c, `w${c}`, '>', `write ${fd} size=8`);
    line(1000 + c, `w${c}`, '<', 'write res=8 data=........ ');
    line(1000 + c, `w${c}`, '>', `close ${fd}`);
    line(1000 + c, `w${c}`, '<', 'close res=0 ');
  }
  for (let c = 0; c < 6000; c++) line(100 + c, `${'p'.repeat(1000)}${c}`, '>', `read fd=3(<u>ffff${c}->ffff${c + 1}) size=1`);
  const text = `${out.join('\n')}\n`;
  const analysis = await assertSame(text, 'intern table resets');
  const reader = new ByteLineReader(new DumpAnalyzer({ retainCalls: false }));
  reader.push(Buffer.from(text, 'latin1'));
  reader.end();
  assert.ok(reader.internResets >= 2, `${reader.internResets} resets`);
  // Some lines came while the table was full: those went the JavaScript way, with the same result.
  assert.ok(reader.linesForJavaScript > 0, 'no line found the table full');
  assert.equal(analysis.stats.events, 186000);
  // A stale id after a reset would give a call another connection's name: the count would drop.
  assert.equal(analysis.stats.connections, 51000);
});

test('a payload line that looks like an event is payload on both paths: its tuple= ends the receive\'s record', async () => {
  // k8strouble's DNS lookup under -A (fixtures README): skydns's `< recvmsg res=87 size=87 data=`
  // on fd 6 `(<6t>:::53)` names no pair, so its bytes go where the tuple= after the payload says.
  const lines = readFileSync(join(repoRoot(), 'test/fixtures/scanner-cases/k8strouble-dns.net.A.txt'), 'latin1').split('\n');
  const whole = await assertSame(lines.join('\n'), 'k8strouble-dns.net.A.txt');
  // sysdig: `10049 recvmsg 172.17.0.7:46162->172.17.0.1:53 res=87 ... tuple=172.17.0.7:46162->0.0.0.0:53`.
  const skydns = whole.connections.find((c) => c.endpoints.some((e) => e.process === 'skydns' && e.fd === 6));
  assert.equal(skydns?.tuple, '172.17.0.7:46162->0.0.0.0:53');
  assert.equal(skydns?.endpoints.find((e) => e.fd === 6)?.bytesRead, 87);
  // The window as the damaged-window test cuts it: curl's `< connect res=0 tuple=172.17.0.7:46162->10.0.2.15:53 `
  // (line 1) swapped with line 4 lands inside the 87 bytes of skydns's payload. The JavaScript
  // path reads it as payload, so its tuple= ends the record; the scanner parses it as an event,
  // which the analyzer also takes as payload and must read the same tuple from.
  const damaged = lines.slice();
  [damaged[0], damaged[3]] = [damaged[3], damaged[0]];
  const analysis = await assertSame(damaged.join('\n'), 'line 1 moved into a recvmsg payload');
  const connection = analysis.connections.find((c) => c.endpoints.some((e) => e.process === 'skydns' && e.fd === 6 && e.bytesRead === 87));
  assert.equal(connection?.tuple, '172.17.0.7:46162->10.0.2.15:53');
  assert.equal(connection?.unknownPeer, undefined);
});
