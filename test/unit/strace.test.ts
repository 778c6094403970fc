// The second input format: strace -f -tt -yy traces of the seed's race, reproduced for real
// (../shared/corpus/strace, copied into test/fixtures). The truth comes from the traces'
// *.summary.txt files, hard-coded here: 200 FastCGI connections per trace.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText, type Analysis, type Connection, type TraceEvent } from '../../server/src/analysis';
import { parseStraceLine } from '../../server/src/analysis/straceParser';
import { readFixture } from '../helpers/repo';

function events(line: string): TraceEvent[] {
  const found: TraceEvent[] = [];
  assert.ok(parseStraceLine(line, 0, (e) => found.push({ ...e })), line);
  return found;
}

test('a complete strace line is an enter and an exit (revert-httpd-POST-single.strace:20)', () => {
  const line = '23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [{iov_base="\\1\\1\\0\\1\\0\\10\\0\\0", iov_len=8}, {iov_base="\\0\\1\\0\\0\\0\\0\\0\\0", iov_len=8}], 2) = 16';
  const [enter, exit] = events(line);
  assert.equal(enter.exit, false);
  assert.equal(exit.exit, true);
  assert.equal(enter.type, 'writev');
  assert.equal(enter.tid, 23745);
  assert.equal(enter.fd, 14);
  assert.equal(enter.fdTag, 'u');
  assert.equal(enter.fdName, '1550442->1550446');
  assert.equal(enter.local, 'u:1550442');
  assert.equal(exit.res, 16);
  assert.equal(line.slice(exit.resCol, exit.resCol + 2), '16');
  assert.equal(line.slice(enter.typeCol, enter.typeCol + 6), 'writev');
  assert.equal(enter.time, ((12 * 60 + 14) * 60 + 44) * 1e9 + 321173000);
});

test('unfinished and resumed halves, errors, fd results, notices', () => {
  const unfinished = events('25075 12:14:44.324289 close(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]> <unfinished ...>');
  assert.equal(unfinished.length, 1);
  assert.equal(unfinished[0].fdName, '1550446->1550442 /tmp/helloFastCGI.s');
  const [epipe] = events('23743 12:14:35.877934 <... writev resumed>) = -1 EPIPE (Broken pipe)');
  assert.equal(epipe.exit, true);
  assert.equal(epipe.type, 'writev');
  assert.equal(epipe.res, -32);
  assert.equal(epipe.errno, 'EPIPE');
  const [accepted] = events('25075 12:14:44.320960 <... accept4 resumed>{sa_family=AF_UNIX}, [110 => 2], SOCK_NONBLOCK) = 5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>');
  assert.equal(accepted.fd, 5);
  assert.equal(accepted.local, 'u:1550446');
  const tcp = events('23745 12:14:44.320473 read(13<TCP:[127.0.0.1:28080->127.0.0.1:53334]>, "POST / HTTP/1.0\\r\\n", 8000) = 159');
  assert.equal(tcp[0].fdTag, '4t');
  assert.equal(tcp[1].res, 159);
  assert.deepEqual(events('23743 12:14:35.878128 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=23718, si_uid=33} ---'), []);
  assert.equal(parseStraceLine('89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........', 0, () => undefined), false);
});

function fastcgi(analysis: Analysis): Connection[] {
  return analysis.connections.filter((c) => c.kind === 'unix');
}

test('revert-httpd-POST-single.strace: 200 connections, 62 unread-write, 0 EPIPE, as the summary counts', () => {
  const analysis = analyzeText(readFixture('revert-httpd-POST-single.strace'));
  assert.equal(analysis.stats.unparsedLines, 0);
  const unix = fastcgi(analysis);
  assert.equal(unix.length, 200);
  assert.ok(unix.every((c) => c.endpoints.length === 2));
  // httpd writes 16 656 8 15 8 = 703 bytes on every connection; uWSGI 8 43 8 11 24 = 94.
  const connector = (c: Connection) => c.endpoints.find((e) => e.role === 'connect')!;
  const acceptor = (c: Connection) => c.endpoints.find((e) => e.role === 'accept')!;
  assert.ok(unix.every((c) => connector(c).bytesWritten === 703 && acceptor(c).bytesWritten === 94));
  const shortReads = unix.filter((c) => acceptor(c).bytesRead === 695);
  assert.equal(shortReads.length, 62);
  const unread = analysis.findings.filter((f) => f.code === 'unread-write');
  assert.equal(unread.length, 62);
  assert.equal(analysis.findings.length, 62);
  assert.ok(unread.every((f) => f.call.type === 'writev' && f.call.res === 8 && /^8 bytes written here were never read: tid 25075 closed fd 5/.test(f.message)));
  assert.deepEqual(new Set(unread.map((f) => f.call.endpoint!.connection)), new Set(shortReads));
});

test('the same capture in sysdig format gives the same streams', () => {
  const patterns = (a: Analysis) => fastcgi(a).map((c) => c.endpoints.map((e) => `${e.role} ${e.bytesWritten}/${e.bytesRead}`).sort().join(' ')).sort();
  const strace = analyzeText(readFixture('revert-httpd-POST-single.strace'));
  const sysdig = analyzeText(readFixture('revert-httpd-POST-single.scap.txt'));
  assert.deepEqual(patterns(strace), patterns(sysdig));
});

test('revert-httpd-POST-frontonly: 178 EPIPE with the reader not in the capture, and no unread-write claim', () => {
  const analysis = analyzeText(readFixture('revert-httpd-POST-frontonly.httpd.strace'));
  const epipe = analysis.findings.filter((f) => f.code === 'epipe');
  assert.equal(epipe.length, 178);
  assert.equal(analysis.findings.length, 178);
  assert.ok(epipe.every((f) => /the reading end was closed by a process that is not in the capture/.test(f.message)));
  assert.equal(fastcgi(analysis).length, 200);
});

test('revert-nginx-POST: nginx sends everything in one writev, so nothing is left unread', () => {
  const analysis = analyzeText(readFixture('revert-nginx-POST.merged.strace'));
  assert.equal(analysis.findings.length, 0);
  assert.equal(fastcgi(analysis).filter((c) => c.endpoints.length === 2).length, 200);
});
