// analyzeText on the three real fixtures (provenance in test/fixtures/README.md). Lines in
// comments are 1-based like an editor's; the API's `line` fields are 0-based.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, peerOf, peersOf, unknownPeerReason, type Analysis, type Connection, type Endpoint, type Syscall } from '../../server/src/analysis';
import { readFixture } from '../helpers/repo';

const SEED = readFixture('seed-epipe.scap.txt');
const TAR_DBUS = readFixture('instruqt-tar-dbus.scap.txt');
const REVERT = readFixture('revert-httpd-POST-single.scap.txt');

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

function endpointOf(connection: Connection, process: string): Endpoint {
  const found = connection.endpoints.find((e) => e.process === process);
  assert.ok(found, `no ${process} endpoint on connection ${connection.tuple}`);
  return found;
}

function overlaps(a: Syscall, b: Syscall): boolean {
  assert.ok(a.range && b.range, 'both calls need a byte range');
  return a.range.start < b.range.end && b.range.start < a.range.end;
}

/** The connections whose two ends sysdig named by an address pair. */
function paired(analysis: Analysis): Connection[] {
  return analysis.connections.filter((c) => c.unknownPeer === undefined);
}

function codes(analysis: Analysis): string[] {
  return analysis.findings.map((f) => f.code).sort();
}

// ---------------------------------------------------------------------------------------
// seed-epipe: httpd (22014) fd 26 connects, uwsgi (20882) fd 10 accepts.

test('seed: one unix connection, httpd connects on fd 26, uwsgi accepts on fd 10', () => {
  const a = analyzeText(SEED);
  assert.equal(a.stats.events, 36);
  assert.equal(a.stats.unparsedLines, 0);
  assert.equal(a.connections.length, 1);
  const c = a.connections[0];
  assert.equal(c.kind, 'unix');
  assert.equal(c.tuple, 'ffff880108bcc440->ffff880108bcba80');
  assert.equal(c.path, '/tmp/helloFastCGI.s');
  assert.equal(c.endpoints.length, 2);
  const httpd = endpointOf(c, 'httpd');
  const uwsgi = endpointOf(c, 'uwsgi');
  assert.deepEqual([httpd.tids, httpd.fd, httpd.role], [[22014], 26, 'connect']);
  assert.deepEqual([uwsgi.tids, uwsgi.fd, uwsgi.role], [[20882], 10, 'accept']);
  assert.equal(httpd.opened?.exitLine, 1, 'httpd opened by the connect exit on line 2');
  assert.equal(uwsgi.opened?.exitLine, 9, 'uwsgi opened by the accept exit on line 10');
  assert.equal(uwsgi.closed?.enterLine, 30, 'uwsgi closes at line 31');
  assert.equal(httpd.closed?.enterLine, 34, 'httpd closes at line 35');
});

test('seed: bytes each way (httpd→uwsgi 723 written and read; uwsgi→httpd 94 written, 0 read)', () => {
  const c = analyzeText(SEED).connections[0];
  const httpd = endpointOf(c, 'httpd');
  const uwsgi = endpointOf(c, 'uwsgi');
  assert.equal(httpd.bytesWritten, 16 + 699 + 8);
  assert.equal(uwsgi.bytesRead, 723);
  assert.equal(uwsgi.bytesWritten, 8 + 43 + 8 + 11 + 24);
  assert.equal(httpd.bytesRead, 0);
  assert.deepEqual(httpd.writes.map((w) => w.res), [16, 699, 8], 'the EPIPE writev moves no bytes');
  assert.deepEqual(uwsgi.reads.map((r) => r.res), [16, 699, 8]);
  assert.deepEqual(uwsgi.writes.map((w) => [w.range!.start, w.range!.end]), [[0, 8], [8, 51], [51, 59], [59, 70], [70, 94]]);
});

test('seed: the 699-byte writev (lines 13/14) covers [16,715) and overlaps exactly the 699-byte read (line 16)', () => {
  const c = analyzeText(SEED).connections[0];
  const httpd = endpointOf(c, 'httpd');
  const uwsgi = endpointOf(c, 'uwsgi');
  const write = httpd.writes.find((w) => w.res === 699)!;
  assert.equal(write.enterLine, 12);
  assert.equal(write.exitLine, 13);
  assert.deepEqual(write.range, { start: 16, end: 715 });
  const hit = uwsgi.reads.filter((r) => overlaps(write, r));
  assert.equal(hit.length, 1);
  assert.equal(hit[0].exitLine, 15);
  assert.equal(hit[0].res, 699);
  assert.deepEqual(hit[0].range, { start: 16, end: 715 });
});

test('seed: exactly one epipe (line 34, caused by the close on line 31) and one unread-write (line 22)', () => {
  const a = analyzeText(SEED);
  assert.deepEqual(codes(a), ['epipe', 'unread-write']);
  const epipe = a.findings.find((f) => f.code === 'epipe')!;
  assert.equal(epipe.severity, 'error');
  assert.equal(epipe.line, 33);
  assert.ok(epipe.related.some((r) => r.line === 30), `related lines: ${epipe.related.map((r) => r.line + 1)}`);
  assert.match(epipe.message, /EPIPE/);
  assert.match(epipe.message, /uwsgi \(20882\)/);
  const unread = a.findings.find((f) => f.code === 'unread-write')!;
  assert.equal(unread.severity, 'warning');
  assert.equal(unread.line, 21, 'on uwsgi\'s first write exit');
  assert.equal(unread.call.process, 'uwsgi');
  assert.match(unread.message, /\b94 bytes\b/);
  assert.ok(unread.related.some((r) => r.line === 34), 'related to httpd\'s close on line 35');
});

test('seed: unreadWrite false drops the warning and keeps the EPIPE', () => {
  assert.deepEqual(codes(analyzeText(SEED, { unreadWrite: false })), ['epipe']);
  assert.deepEqual(codes(analyzeText(SEED, { unreadWrite: true })), ['epipe', 'unread-write']);
});

test('seed with CRLF line ends: same connections, same findings on the same lines and columns', () => {
  const crlf = SEED.replace(/\n/g, '\r\n');
  assert.ok(crlf.includes('\r\n'));
  const a = analyzeText(SEED);
  const b = analyzeText(crlf);
  assert.equal(b.stats.unparsedLines, 0);
  assert.equal(b.stats.events, a.stats.events);
  assert.equal(b.connections.length, 1);
  const simplify = (x: Analysis) => x.findings.map((f) => [f.code, f.line, f.column, f.message, f.related.map((r) => r.line)]);
  assert.deepEqual(simplify(b), simplify(a));
});

test('seed without its first 10 lines (neither connect nor accept seen): EPIPE only, no unread-write', () => {
  const cut = lines(SEED).slice(10).join('\n') + '\n';
  const a = analyzeText(cut);
  assert.equal(a.stats.unparsedLines, 0);
  assert.equal(a.connections.length, 1);
  const c = a.connections[0];
  assert.equal(c.endpoints.length, 2);
  assert.ok(c.endpoints.every((e) => e.role === 'unknown'));
  assert.deepEqual(codes(a), ['epipe']);
  const epipe = a.findings[0];
  assert.equal(epipe.line, 33 - 10);
  assert.ok(epipe.related.some((r) => r.line === 30 - 10), 'still related to uwsgi\'s close');
});

test('seed cut after line 30 (the peer has not closed yet): no unread-write, only an information note', () => {
  const cut = lines(SEED).slice(0, 30).join('\n') + '\n';
  const a = analyzeText(cut);
  assert.equal(a.connections.length, 1);
  assert.equal(endpointOf(a.connections[0], 'uwsgi').closed, undefined);
  assert.equal(endpointOf(a.connections[0], 'httpd').closed, undefined);
  // httpd had not read uWSGI's 94-byte reply when the capture ended, but it still could.
  assert.deepEqual(codes(a), ['unread-at-end']);
  const note = a.findings[0];
  assert.equal(note.severity, 'information');
  assert.equal(note.line, 21); // uWSGI's first `< write res=8`, 0-based
  assert.match(note.message, /^94 bytes written from here on had not been read by httpd \(22014\) when the capture ended/);
  assert.deepEqual(codes(analyzeText(cut, { unreadWrite: false })), []);
});

// ---------------------------------------------------------------------------------------
// instruqt-tar-dbus: tar (1847) ↔ dbus-daemon (344) over /run/dbus/system_bus_socket.

test('tar/dbus: the failed nscd connects (lines 182, 188) open no connection', () => {
  const a = analyzeText(TAR_DBUS);
  const text = lines(TAR_DBUS);
  assert.match(text[181], /< connect res=-2\(ENOENT\) tuple=0->ffff91bbfc5e6000 \/var\/run\/nscd\/socket $/);
  assert.match(text[187], /< connect res=-2\(ENOENT\) tuple=0->ffff91bbfc5e6000 \/var\/run\/nscd\/socket $/);
  assert.equal(paired(a).length, 2);
  for (const c of a.connections) {
    assert.ok(!c.tuple.startsWith('0->'), `connection ${c.tuple}`);
    assert.notEqual(c.path, '/var/run/nscd/socket');
    assert.ok(c.calls.every((call) => call.exitLine !== 181 && call.exitLine !== 187));
  }
  const failed = a.calls.filter((call) => call.type === 'connect' && call.errno === 'ENOENT');
  assert.deepEqual(failed.map((call) => call.exitLine), [181, 187]);
  assert.ok(failed.every((call) => call.endpoint === undefined));
});

test('tar/dbus: the swapped reuse of the address pair is a second, distinct connection', () => {
  const a = analyzeText(TAR_DBUS);
  const [first, second] = paired(a);
  assert.notEqual(first, second);
  assert.equal(first.tuple, 'ffff91bbfc5e6000->ffff91bbfc5e7000');
  assert.equal(second.tuple, 'ffff91bbfc5e7000->ffff91bbfc5e6000');
  for (const c of [first, second]) {
    assert.equal(c.kind, 'unix');
    assert.equal(c.endpoints.length, 2);
    const tar = endpointOf(c, 'tar');
    const dbus = endpointOf(c, 'dbus-daemon');
    assert.deepEqual([tar.fd, tar.role, dbus.fd, dbus.role], [4, 'connect', 13, 'accept']);
  }
  // The first connection is closed by both ends (lines 167 and 175); on the second only tar
  // closes (line 363) before the excerpt ends.
  assert.equal(endpointOf(first, 'tar').closed?.enterLine, 166);
  assert.equal(endpointOf(first, 'dbus-daemon').closed?.enterLine, 174);
  assert.equal(endpointOf(second, 'tar').closed?.enterLine, 362);
  assert.equal(endpointOf(second, 'dbus-daemon').closed?.enterLine, undefined);
  // No call of one connection leaks into the other.
  assert.ok(first.calls.every((call) => call.exitLine < 180 || call.enterLine < 180));
  assert.ok(second.calls.every((call) => (call.enterLine >= 0 ? call.enterLine : call.exitLine) > 200));
  // Every byte was read both ways on both connections: no finding.
  for (const c of [first, second]) {
    assert.equal(endpointOf(c, 'tar').bytesWritten, 45 + 128 + 197);
    assert.equal(endpointOf(c, 'dbus-daemon').bytesRead, 370);
    assert.equal(endpointOf(c, 'dbus-daemon').bytesWritten, 52 + 90 + 170 + 162);
    assert.equal(endpointOf(c, 'tar').bytesRead, 474);
  }
  assert.deepEqual(a.findings, []);
});

test('tar/dbus: sockets whose fd names no pair are conversations of one end with an unknown peer', () => {
  const a = analyzeText(TAR_DBUS);
  const text = lines(TAR_DBUS);
  // `dbus-daemon (344) > sendmsg fd=10(<u>/var/run/dbus/system_bus_socket) size=213 tuple=NULL` and
  // `systemd (1) > recvmsg fd=54(<u>)`: both opened before the capture; sysdig printed no pair.
  assert.ok(text.some((l) => / dbus-daemon \(344\) > sendmsg fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\) /.test(l)));
  assert.ok(text.some((l) => / systemd \(1\) > recvmsg fd=54\(<u>\) /.test(l)));
  const unknown = a.connections.filter((c) => c.unknownPeer !== undefined);
  assert.deepEqual(unknown.map((c) => [c.endpoints.length, c.endpoints[0].process, c.endpoints[0].fd, c.path]),
    [[1, 'dbus-daemon', 10, '/var/run/dbus/system_bus_socket'], [1, 'systemd', 54, undefined]]);
  const [dbus, systemd] = unknown.map((c) => c.endpoints[0]);
  // The counts mirror each other (they are likely the two ends of one socket), but nothing
  // in the dump says so: no peer is claimed, no finding made.
  assert.deepEqual([dbus.bytesWritten, dbus.bytesRead, systemd.bytesWritten, systemd.bytesRead], [426, 292, 292, 426]);
  for (const c of unknown) {
    assert.match(c.unknownPeer!, /^fd=(10|54)\(<u>/);
    assert.match(unknownPeerReason(c)!, /no address pair/);
    assert.equal(peerOf(c.endpoints[0]), undefined);
    assert.ok(c.calls.every((call) => peersOf(call).length === 0));
    assert.equal(c.endpoints[0].role, 'unknown');
  }
  assert.deepEqual(a.findings, []);
});

test('tar/dbus: the 45-byte sendmsg is read by dbus-daemon as 1 + 44 bytes, on both connections', () => {
  const a = analyzeText(TAR_DBUS);
  // [sendmsg exit, recvmsg res=1 exit, read res=44 exit], 1-based lines of the fixture
  const expected = [[55, 59, 65], [250, 254, 260]];
  paired(a).forEach((c, i) => {
    const write = endpointOf(c, 'tar').writes[0];
    assert.equal(write.type, 'sendmsg');
    assert.equal(write.res, 45);
    assert.equal(write.exitLine + 1, expected[i][0]);
    assert.deepEqual(write.range, { start: 0, end: 45 });
    const reads = endpointOf(c, 'dbus-daemon').reads.filter((r) => overlaps(write, r));
    assert.deepEqual(reads.map((r) => [r.type, r.res, r.exitLine + 1]), [['recvmsg', 1, expected[i][1]], ['read', 44, expected[i][2]]]);
    assert.deepEqual(reads.map((r) => r.range), [{ start: 0, end: 1 }, { start: 1, end: 45 }]);
  });
});

// ---------------------------------------------------------------------------------------
// revert-httpd-POST-single: the converted strace of the race (truth from
// ../shared/corpus/strace/revert-httpd-POST-single.summary.txt, read when this was written):
//   unix connections to the FastCGI socket: 200; EPIPE: 0
//   frontend write results [16 656 8 15 8] on every connection; uWSGI writes [8 43 8 11 24]
//   uWSGI read patterns: [703] 129, [695] 20, [680 15] 18, [16 656 8 15] 13, [16 664 15] 6,
//                        [672 8 15] 5, [680 23] 5, [672 8 23] 4
//   → the reads that stop at 695 of 703 bytes (20+18+13+6+5 = 62) leave the final 8-byte writev unread.
const UWSGI_READ_PATTERNS: Record<string, number> = {
  '703': 129, '695': 20, '680 15': 18, '16 656 8 15': 13, '16 664 15': 6, '672 8 15': 5, '680 23': 5, '672 8 23': 4,
};

test('revert: 200 unix connections, each httpd → uWSGI, and 200 TCP connections with only httpd\'s end', () => {
  const a = analyzeText(REVERT);
  assert.equal(a.stats.unparsedLines, 0);
  const unix = a.connections.filter((c) => c.kind === 'unix');
  const tcp = a.connections.filter((c) => c.kind === 'tcp4');
  assert.equal(unix.length, 200);
  assert.equal(tcp.length, 200);
  assert.equal(a.connections.length, 400);
  for (const c of unix) {
    assert.equal(c.endpoints.length, 2, c.tuple);
    assert.equal(c.path, '/tmp/helloFastCGI.s');
    assert.equal(endpointOf(c, 'httpd').role, 'connect');
    assert.equal(endpointOf(c, 'uwsgi').role, 'accept');
  }
  for (const c of tcp) {
    assert.equal(c.endpoints.length, 1, c.tuple);
    assert.equal(c.endpoints[0].process, 'httpd');
  }
  assert.equal(new Set(unix.map((c) => c.tuple)).size, 200, 'addresses are never reused in this trace');
});

test('revert: byte patterns per connection match the strace summary', () => {
  const unix = analyzeText(REVERT).connections.filter((c) => c.kind === 'unix');
  const patterns: Record<string, number> = {};
  for (const c of unix) {
    const httpd = endpointOf(c, 'httpd');
    const uwsgi = endpointOf(c, 'uwsgi');
    assert.deepEqual(httpd.writes.map((w) => w.res), [16, 656, 8, 15, 8], c.tuple);
    assert.deepEqual(uwsgi.writes.map((w) => w.res), [8, 43, 8, 11, 24], c.tuple);
    assert.equal(httpd.bytesRead, 94, `httpd reads the whole response on ${c.tuple}`);
    const key = uwsgi.reads.map((r) => r.res).join(' ');
    patterns[key] = (patterns[key] ?? 0) + 1;
  }
  assert.deepEqual(patterns, UWSGI_READ_PATTERNS);
});

test('revert: 0 epipe, exactly 62 unread-write warnings, each on an httpd `< writev res=8` exit of a different connection', () => {
  const a = analyzeText(REVERT);
  const text = lines(REVERT);
  assert.equal(a.findings.filter((f) => f.code === 'epipe').length, 0);
  assert.equal(a.findings.filter((f) => f.code === 'econnreset').length, 0);
  const unread = a.findings.filter((f) => f.code === 'unread-write');
  assert.equal(unread.length, 62);
  assert.equal(a.findings.length, 62);
  const connections = new Set<Connection>();
  for (const f of unread) {
    assert.equal(f.severity, 'warning');
    assert.match(text[f.line], /^\d+ \S+ \d+ httpd \(\d+\) < writev res=8 /, `line ${f.line + 1}`);
    assert.equal(f.call.process, 'httpd');
    assert.equal(f.call.res, 8);
    const endpoint = f.call.endpoint!;
    assert.equal(endpoint.connection.kind, 'unix');
    // The last of httpd's five writes: bytes 695–703 of the stream.
    assert.equal(endpoint.writes.indexOf(f.call), 4);
    assert.deepEqual(f.call.range, { start: 695, end: 703 });
    assert.equal(endpointOf(endpoint.connection, 'uwsgi').bytesRead, 695);
    assert.match(f.message, /^8 bytes /);
    connections.add(endpoint.connection);
  }
  assert.equal(connections.size, 62);
});

test('revert: the other 138 unix connections (read in full) and all TCP connections have no finding', () => {
  const a = analyzeText(REVERT);
  const flagged = new Set(a.findings.map((f) => f.call.endpoint!.connection));
  const clean = a.connections.filter((c) => c.kind === 'unix' && !flagged.has(c));
  assert.equal(clean.length, 138);
  for (const c of clean) assert.equal(endpointOf(c, 'uwsgi').bytesRead, 703, c.tuple);
  assert.ok(a.connections.filter((c) => c.kind === 'tcp4').every((c) => !flagged.has(c)));
});

test('revert: unreadWrite false leaves no finding at all', () => {
  assert.deepEqual(analyzeText(REVERT, { unreadWrite: false }).findings, []);
});

// ---------------------------------------------------------------------------------------
// Events without an exit between a call's enter and exit, and a third holder of a socket.

test('wstrouble-httpd: a `> switch` between writev\'s enter and exit leaves the writev pending (all 20 MB counted)', () => {
  // `httpd (15174) > writev fd=10(...) size=...`, then `> switch next=...` on the same thread
  // while the writev blocks, then `< writev res=1619000`: sysdig counts 20 480 251 bytes.
  const text = readFixture('wstrouble-httpd.scap.txt');
  const all = lines(text);
  const switchAfterWritev = all.findIndex((l, i) => / > switch /.test(l) && / > writev /.test(all[i - 1] ?? '') && all[i - 1].includes(l.split(' ')[4]));
  assert.ok(switchAfterWritev > 0, 'the fixture has a switch right after a writev enter on the same thread');
  const a = analyzeText(text);
  const httpd = a.connections.flatMap((c) => c.endpoints).filter((e) => e.process === 'httpd' && e.fd === 10);
  assert.equal(httpd.reduce((sum, e) => sum + e.bytesWritten, 0), 20480251);
  assert.equal(a.stats.orphanExits, 4);
});

test('seed: a switch, a procexit and a signaldeliver injected between every enter and exit change nothing', () => {
  // Enter-only lines of the corpus (k8strouble's switch, falco's signaldeliver and cat's
  // procexit), moved onto each thread of the seed.
  const inject = (tid: string) => [
    `1 07:12:54.259000000 6 httpd (${tid}) > switch next=3840(containerd-shim) pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0 `,
    `1 07:12:54.259000000 6 httpd (${tid}) > signaldeliver spid=0 dpid=${tid}(httpd) sig=29(SIGIO) `,
    `1 07:12:54.259000000 6 httpd (${tid}) > procexit status=0 `,
  ];
  const original = lines(SEED);
  const injected: string[] = [];
  for (const line of original) {
    injected.push(line);
    const m = / \((\d+)\) > /.exec(line);
    if (m) injected.push(...inject(m[1]));
  }
  const plain = analyzeText(SEED);
  const busy = analyzeText(injected.join('\n') + '\n');
  const summary = (a: Analysis) => ({
    codes: codes(a),
    ends: a.connections.flatMap((c) => c.endpoints.map((e) => [e.process, e.fd, e.role, e.bytesWritten, e.bytesRead])),
    orphans: a.stats.orphanExits,
  });
  assert.deepEqual(summary(busy), summary(plain));
  assert.deepEqual(codes(busy), ['epipe', 'unread-write']);
});

test('seed: a third holder of the socket (a forked child writing on the same fd) is an endpoint of its own, and no peer is claimed', () => {
  // The seed's httpd writev of 16 bytes, as written by a second process holding the same
  // socket (the line is the seed's line 7-8 with another process name and thread).
  const all = lines(SEED);
  const child = [
    '87804 07:12:54.244185000 6 httpd-child (22999) > writev fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) size=16 ',
    '87805 07:12:54.244186000 6 httpd-child (22999) < writev res=16 data=................ ',
  ];
  const text = [...all.slice(0, 8), ...child, ...all.slice(8)].join('\n') + '\n';
  const a = analyzeText(text);
  const [connection] = a.connections;
  assert.equal(a.connections.length, 1);
  assert.deepEqual(connection.endpoints.map((e) => [e.process, e.fd]), [['httpd', 26], ['httpd-child', 26], ['uwsgi', 10]]);
  assert.equal(endpointOf(connection, 'httpd-child').bytesWritten, 16);
  // With three holders, which one's bytes a read consumed is unknown: no peer, no unread-write.
  assert.ok(connection.calls.every((call) => peersOf(call).length === 0));
  assert.deepEqual(codes(a), ['epipe']);
});
