// Follow Stream's pieces on real payloads: reading a payload back from the dump (sysdig's
// printable form, -x, -X, -A; strace's escapes), assembling a connection's directions with
// unknown bytes marked, and the FastCGI and HTTP decoders.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText, buildLineIndex, type Analysis, type Connection, type Syscall } from '../../server/src/analysis';
import { TextLines, readCString, readPayload } from '../../server/src/analysis/payload';
import { assembleStream, failedWriteRecords, gapsOf, type ConnectionStream } from '../../server/src/analysis/stream';
import { fastcgi } from '../../server/src/analysis/protocols/fastcgi';
import { http } from '../../server/src/analysis/protocols/http';
import type { DirectionBytes } from '../../server/src/analysis/protocols';
import { unreadRecordsSentence } from '../../server/src/followStream';
import { readFixture } from '../helpers/repo';

interface Loaded {
  analysis: Analysis;
  lines: TextLines;
  /** The call with an event on a 1-based line. */
  callAt(line: number): Syscall;
  streamAt(line: number): ConnectionStream;
}

const cache = new Map<string, Loaded>();

function load(name: string): Loaded {
  const cached = cache.get(name);
  if (cached) return cached;
  const text = readFixture(name);
  const analysis = analyzeText(text);
  const lines = new TextLines(text);
  const index = buildLineIndex(analysis, lines.lineCount);
  const callAt = (line: number) => {
    const id = index[line - 1];
    assert.ok(id >= 0, `${name}:${line} has a call`);
    return analysis.calls[id];
  };
  const loaded = { analysis, lines, callAt, streamAt: (line: number) => assembleStream(lines, callAt(line).endpoint!.connection) };
  cache.set(name, loaded);
  return loaded;
}

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const exact = (text: string): DirectionBytes => {
  const data = Buffer.from(text, 'latin1');
  return { data, known: new Uint8Array(data.length).fill(1), length: data.length };
};

test('readCString reads strace escapes: octal (padded before a digit), named, -x hex; a trailing ... is a cut', () => {
  const line = 'x "\\1\\4\\0\\1\\2\\210\\0\\0\\16\\1CONTENT_LENGTH7\\f!\\r\\n\\x41\\\\\\""..., 8)';
  const s = readCString(line, 2)!;
  assert.deepEqual(s.bytes.slice(0, 10), [1, 4, 0, 1, 2, 0o210, 0, 0, 14, 1]);
  assert.equal(Buffer.from(s.bytes.slice(10)).toString('latin1'), 'CONTENT_LENGTH7\f!\r\nA\\"');
  assert.equal(s.truncated, true);
  assert.equal(line.slice(s.end), ', 8)');
  assert.equal(readCString('"\\0011"', 0)!.bytes.length, 2, '\\001 then the digit 1');
  assert.equal(readCString('"unterminated', 0), undefined);
});

test('strace writev: each iovec in order, a cut one padded with unknown bytes up to its iov_len', () => {
  const { callAt, lines } = load('revert-httpd-POST-single.strace');
  const begin = readPayload(lines, callAt(16))!;
  assert.equal(begin.form, 'strace');
  assert.deepEqual([...begin.bytes], [1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.equal(begin.known, undefined);
  const params = readPayload(lines, callAt(20))!;
  assert.equal(params.length, 656);
  assert.equal(params.bytes.length, 656);
  assert.deepEqual([...params.bytes.slice(0, 8)], [1, 4, 0, 1, 2, 0x88, 0, 0]);
  // strace -s 128 cut the second iovec after 128 bytes: the other 520 are not in the trace.
  const unknown = params.known!.filter((k) => k === 0).length;
  assert.equal(unknown, 520);
  assert.equal(params.known![8 + 127], 1);
  assert.equal(params.known![8 + 128], 0);
});

test('strace read: the bytes come from the result line (`<... read resumed>"..."`)', () => {
  const { callAt, lines } = load('revert-httpd-POST-single.strace');
  const read = callAt(26);
  assert.equal(read.role, 'read');
  assert.equal(ascii(readPayload(lines, read)!.bytes), '\x01\x05\x00\x01\x00\x07\x00\x00a=1&b=2');
});

test("sysdig's printable form: min(res, 80) characters, a dot marked as a dot-or-anything, the rest not captured", () => {
  const { callAt, lines } = load('seed-epipe.scap.txt');
  const payload = readPayload(lines, callAt(14))!;
  assert.equal(payload.form, 'printable');
  assert.equal(payload.length, 699);
  assert.equal(payload.bytes.length, 80);
  assert.equal(ascii(payload.bytes).slice(10, 29), 'HTTP_HOST127.0.0.1.');
  assert.equal(payload.known![0], 2);
  assert.equal(payload.known![10], 1);
  // The failed writev prints the buffer it tried to send: size=8 from its enter line.
  const failed = readPayload(lines, callAt(34))!;
  assert.equal(failed.length, 8);
  assert.equal(ascii(failed.bytes), '........');
});

test('sysdig -x and -A give the same exact bytes of nginx\'s request, 80 of its 88 (the snaplen)', () => {
  const x = load('wstrouble-nginx.x.txt');
  const a = load('wstrouble-nginx.A.txt');
  const hex = readPayload(x.lines, x.callAt(14))!;
  const text = readPayload(a.lines, a.callAt(14))!;
  assert.equal(hex.form, 'hex');
  assert.equal(text.form, 'ascii');
  assert.equal(hex.length, 88);
  assert.equal(hex.bytes.length, 80);
  assert.equal(ascii(hex.bytes), 'GET /foobar.bin HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.47.0\r\nAccept:');
  assert.deepEqual([...text.bytes], [...hex.bytes]);
});

test('sysdig -A that dropped bytes (a DNS answer) keeps its text and claims no byte', () => {
  // Lines 1311–1315 of ../shared/corpus/sysdig/variants/k8strouble__capture.net.A.txt, verbatim
  // (kept here, not as a fixture file: the whole-fixture sweeps would take it up too).
  const text = [
    '10198 15:41:39.538872487 0 curl (22370) > recvfrom fd=3(<4u>172.17.0.7:46162->10.0.2.15:53) size=2048 ',
    '10199 15:41:39.538875855 0 curl (22370) < recvfrom res=148 data=',
    'ubackendcritical-appsvcclusterlocalcritical-appsvcclusterlocalD<1nsdnsD',
    'hostmasterskydnsLXIupp :< tuple=10.0.2.15:53->172.17.0.7:46162 ',
    '10202 15:41:39.538889317 0 curl (22370) > ioctl fd=3(<4u>172.17.0.7:46162->10.0.2.15:53) request=541B argument=7F4FA55C9530 ',
  ].join('\n');
  const analysis = analyzeText(text);
  const lines = new TextLines(text);
  const call = analysis.calls.find((c) => c.type === 'recvfrom')!;
  assert.equal(call.exitLine, 1);
  const payload = readPayload(lines, call)!;
  assert.equal(payload.form, 'ascii');
  assert.equal(payload.length, 148);
  assert.equal(payload.bytes.length, 0);
  assert.equal(payload.text, 'ubackendcritical-appsvcclusterlocalcritical-appsvcclusterlocalD<1nsdnsD\nhostmasterskydnsLXIupp :<');
  const stream = assembleStream(lines, call.endpoint!.connection);
  assert.ok(stream.directions.every((d) => d.records.length === 0));
});

test('sysdig -X: rows with an odd last byte and the ASCII column', () => {
  const { callAt, lines } = load('502error-bad-header.net.X.txt');
  assert.equal(ascii(readPayload(lines, callAt(26))!.bytes), 'HTTP/1.0 200 OK\r\n');
  assert.equal(ascii(readPayload(lines, callAt(43))!.bytes), 'text/plain: Content-type\r\n');
});

test('strace: every unread tail in the traces of the seed\'s race is one empty FCGI_STDIN', () => {
  for (const name of ['revert-httpd-POST-single.strace']) {
    const { analysis, lines } = load(name);
    const unread = analysis.findings.filter((f) => f.code === 'unread-write');
    assert.ok(unread.length > 0, name);
    for (const finding of unread) {
      const stream = assembleStream(lines, finding.call.endpoint!.connection);
      const direction = stream.directions.find((d) => d.unread.length > 0)!;
      assert.equal(direction.protocol, 'FastCGI');
      assert.equal(direction.unread.length, 1);
      const [gap] = direction.unread;
      const records = direction.records.filter((r) => r.start < gap.end && r.end > gap.start);
      assert.equal(records.length, 1, `${name}:${finding.line + 1}`);
      assert.equal(records[0].type, 'FCGI_STDIN');
      assert.equal(records[0].fields.contentLength, 0);
      assert.deepEqual([records[0].start, records[0].end], [gap.start, gap.end]);
      assert.equal(unreadRecordsSentence(lines, finding.call), 'the 8 unread bytes are FastCGI FCGI\\_STDIN, request 1, length 0\\: the end-of-body marker');
    }
  }
});

test('FastCGI: BEGIN_REQUEST, PARAMS pairs, STDIN, and the response; a record split over two writes, two records in one', () => {
  const stream = load('revert-httpd-POST-single.strace').streamAt(16);
  const [request, response] = stream.directions;
  assert.deepEqual(request.records.map((r) => r.type), ['FCGI_BEGIN_REQUEST', 'FCGI_PARAMS', 'FCGI_PARAMS', 'FCGI_STDIN', 'FCGI_STDIN']);
  assert.equal(request.records[0].fields.role, 'FCGI_RESPONDER');
  const params = request.records[1];
  assert.deepEqual((params.fields.params as [string, string][]).slice(0, 2), [['CONTENT_LENGTH', '7'], ['CONTENT_TYPE', 'application/x-www-form-urlencoded']]);
  assert.equal(params.complete, false, 'strace cut the pairs');
  assert.match(params.problem!, /520 of its 648 content bytes are not in the dump/);
  assert.deepEqual(response.records.map((r) => [r.type, r.start, r.end]), [
    ['FCGI_STDOUT', 0, 51], ['FCGI_STDOUT', 51, 70], ['FCGI_STDOUT', 70, 78], ['FCGI_END_REQUEST', 78, 94],
  ]);
  // The first STDOUT's header and its 43 bytes of content came in two writes.
  const writes = stream.chunks.filter((c) => c.kind === 'write' && c.direction === 1).map((c) => [c.range!.start, c.range!.end]);
  assert.deepEqual(writes.slice(0, 2), [[0, 8], [8, 51]]);
  assert.equal(response.records[3].fields.protocolStatus, 'FCGI_REQUEST_COMPLETE');
  assert.equal(response.records[3].fields.appStatus, 0);
});

test('FastCGI: each of the 178 EPIPE writes of the httpd-only trace tried to send one empty FCGI_STDIN', () => {
  const { analysis, lines } = load('revert-httpd-POST-frontonly.httpd.strace');
  const epipes = analysis.findings.filter((f) => f.code === 'epipe');
  assert.equal(epipes.length, 178);
  for (const finding of epipes) {
    const stream = assembleStream(lines, finding.call.endpoint!.connection);
    const failed = stream.chunks.find((c) => c.call === finding.call)!;
    assert.equal(failed.kind, 'failed');
    const records = failedWriteRecords(stream.directions[failed.direction!], failed);
    assert.deepEqual(records.map((r) => [r.type, r.fields.requestId, r.fields.contentLength]), [['FCGI_STDIN', 1, 0]], `line ${finding.line + 1}`);
  }
  assert.equal(unreadRecordsSentence(lines, epipes[0].call), 'the 8 bytes it tried to write are FastCGI FCGI\\_STDIN, request 1, length 0\\: the end-of-body marker');
});

test('FastCGI is not claimed from dots: the seed\'s printable form decodes nothing', () => {
  const stream = load('seed-epipe.scap.txt').streamAt(34);
  assert.deepEqual(stream.directions.map((d) => d.protocol), [undefined, undefined]);
  assert.deepEqual(stream.directions[1].unread, [{ start: 0, end: 94 }]);
  assert.equal(fastcgi.detect(exact('\x01\x05\x00\x01\x00\x00\x00\x00')), true);
  assert.equal(fastcgi.detect(exact('GET / HTTP/1.1\r\n')), false);
});

test('HTTP: the 502\'s cause, a malformed response header, in exact bytes (-X) and in the printable form', () => {
  for (const [name, line] of [['502error-bad-header.net.X.txt', 43], ['502error-bad-header.scap.txt', 74]] as const) {
    const stream = load(name).streamAt(line);
    const response = stream.directions[1];
    assert.equal(response.protocol, 'HTTP', name);
    assert.equal(response.records.length, 1);
    const [record] = response.records;
    assert.equal(record.type, 'response');
    assert.equal(record.fields.status, 200);
    assert.deepEqual(record.fields.malformed, ['text/plain: Content-type']);
    assert.equal(record.fields.bodyLength, 3, 'HTTP/1.0 without a length: the body runs to the close');
    // Only the printable form has to guess its line breaks, and says so.
    assert.equal(record.fields.lineBreaksAssumed === true, name.endsWith('.scap.txt'), name);
  }
});

test('HTTP: a request cut by the snaplen decodes its start line and the headers seen, and says where it stops', () => {
  const stream = load('wstrouble-nginx.x.txt').streamAt(14);
  const request = stream.directions.find((d) => d.from === undefined)!;
  assert.equal(request.records.length, 1);
  const [record] = request.records;
  assert.deepEqual([record.fields.method, record.fields.target, record.fields.version], ['GET', '/foobar.bin', 'HTTP/1.1']);
  assert.equal(record.complete, false);
  assert.match(record.problem!, /cut at byte 80/);
  assert.equal(request.undecodedFrom, 80);
});

test('HTTP decoder: Content-Length and chunked bodies, two messages in one direction', () => {
  const text = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const records = http.decode(exact(text));
  assert.deepEqual(records.map((r) => [r.start, r.end, r.fields.bodyLength, r.complete]), [[0, 41, 3, true], [41, text.length, 3, true]]);
  assert.equal(records[1].fields.chunked, true);
});

test('a capture without one end: its reads alone make the direction, nothing is claimed unread', () => {
  const stream = load('wstrouble-nginx.x.txt').streamAt(14);
  assert.equal(stream.connection.endpoints.length, 1);
  assert.deepEqual(stream.directions.map((d) => [d.from, d.to, d.unread.length]), [[0, undefined, 0], [undefined, 0, 0]]);
});

test('assembly on a connection: chunks in dump order, the close of each end, an aligned stream', () => {
  const stream: ConnectionStream = load('seed-epipe.scap.txt').streamAt(34);
  const kinds = stream.chunks.map((c) => c.kind);
  assert.deepEqual(kinds.filter((k) => k === 'close'), ['close', 'close']);
  assert.equal(kinds.filter((k) => k === 'failed').length, 1);
  assert.ok(stream.directions.every((d) => d.aligned));
  const lines = stream.chunks.map((c) => c.call.enterLine >= 0 ? c.call.enterLine : c.call.exitLine);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  const connection: Connection = stream.connection;
  assert.equal(connection.path, '/tmp/helloFastCGI.s');
});

test('gapsOf: the ranges a direction does not show for certain (strace -s cut, then nothing unknown)', () => {
  const stream = load('revert-httpd-POST-single.strace').streamAt(16);
  // httpd's PARAMS iovec was cut after 128 of its 648 bytes: bytes 16+8+128 to 672 are unknown.
  assert.deepEqual(gapsOf(stream.directions[0].data), [{ start: 152, end: 672 }]);
  assert.deepEqual(gapsOf(stream.directions[1].data), []);
  const seed = load('seed-epipe.scap.txt').streamAt(34);
  const gaps = gapsOf(seed.directions[0].data);
  // The 699-byte write at 16 shows 80 characters, ten dots first; the 619 bytes after them
  // were not captured and the next write (715–723) is all dots: one gap from 96 to the end.
  assert.deepEqual(gaps[gaps.length - 1], { start: 96, end: 723 });
  assert.deepEqual(gaps[0], { start: 0, end: 26 }, 'the 16 dots of the first write and the ten that start the second');
});
