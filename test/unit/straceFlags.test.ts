// strace's other renderings (test/fixtures/strace-flags, real traces of one program recorded
// with each set of flags; provenance in test/fixtures/README.md): the parser reads each as it
// reads `-f -tt -yy`, so the same run gives the same findings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText, type TraceEvent } from '../../server/src/analysis';
import { parseStraceLine } from '../../server/src/analysis/straceParser';
import { readFixture } from '../helpers/repo';

function events(line: string): TraceEvent[] {
  const found: TraceEvent[] = [];
  assert.ok(parseStraceLine(line, 0, (e) => found.push({ ...e })), line);
  return found;
}

test('-ttt, -t, -Y and [pid N] headers: pid and time as -tt gives them', () => {
  const [, epoch] = events('17630 1796017459.533770 sendto(5<TCP:[127.0.0.1:55446->127.0.0.1:59295]>, "\\0\\1\\2\\377 tail", 9, 0, NULL, 0) = -1 ECONNRESET (Connection reset by peer) <0.000003>');
  assert.equal(epoch.tid, 17630);
  assert.equal(epoch.time, (1796017459 % 86400) * 1e9 + 533770000);
  assert.equal(epoch.errno, 'ECONNRESET');
  assert.equal(epoch.res, -104);
  const [seconds] = events('17690 05:44:20 accept4(3<socket:[24631]>,  <unfinished ...>');
  assert.equal(seconds.time, ((5 * 60 + 44) * 60 + 20) * 1e9);
  const [comm] = events('17641<python3> 05:44:19.674777 accept4(3<TCP:[127.0.0.1:45411]>,  <unfinished ...>');
  assert.equal(comm.tid, 17641);
  assert.equal(comm.fdTag, '4t');
  const [stderr] = events('[pid 17738] 05:44:20.717381 <... recvfrom resumed>"GET /", 5, 0, NULL, NULL) = 5');
  assert.equal(stderr.tid, 17738);
  assert.equal(stderr.res, 5);
  // The first process's lines carry no pid on stderr.
  assert.equal(events('05:44:20.658003 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[23804]>')[1].tid, 0);
});

test('every rendering of the same run gives its ECONNRESET, unread write and EPIPE', () => {
  for (const flags of ['tt-yy', 'ttt-T-yy', 'tt-Y-yy', 'tt-yy-x', 'tt-yy-xx', 'stderr-tt-yy']) {
    const analysis = analyzeText(readFixture(`strace-flags/${flags}.strace`));
    // On stderr, two lines were cut by another process's output (`… => {parent_tid=[17738]}, 88) = 17738`).
    assert.equal(analysis.stats.unparsedLines, flags === 'stderr-tt-yy' ? 2 : 0, flags);
    // The TCP client's connect names only its socket's inode (`5<TCP:[23486]>`); the next call on
    // its fd names the pair, so both ends are opened in the trace and the 13 bytes the server
    // never read before its close are an unread write, ahead of the ECONNRESET they cause.
    assert.deepEqual(analysis.findings.map((f) => f.code), ['unread-write', 'econnreset', 'unread-write', 'epipe'], flags);
    const epipe = analysis.findings.find((f) => f.code === 'epipe')!;
    // strace numbers no events; -Y names the process, otherwise it is the pid; the size is the
    // length strace prints after the buffer, as sysdig's size= gives it.
    assert.match(epipe.message, /^sendto of 8 bytes failed with EPIPE: (pid \d+|python3 \(\d+\)) closed fd 6 at line \d+/, flags);
  }
  // -y names a socket `socket:[INODE]` only: nothing ties the two ends, so nothing is claimed.
  const plain = analyzeText(readFixture('strace-flags/t-y.strace'));
  assert.equal(plain.stats.unparsedLines, 0);
  assert.deepEqual(plain.findings, []);
});
