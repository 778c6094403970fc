// A third real input: LID-DS's custom sysdig format (apache2 TLS server, only its own side in
// the capture), which holds the corpus's only real ECONNRESET and EPIPE lines. The peer is
// remote, so every error must say so and no unread-write may be claimed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/analysis';
import { parseLiddsLine } from '../../server/src/analysis/sysdigParser';
import { readFixture } from '../helpers/repo';

test('LID-DS header: pid and tid, syscall, direction, sysdig parameters (lidds…1018.sc.txt:20039)', () => {
  const line = '1631078878496797197 33 2902778 apache2 2902778 writev < res=-32(EPIPE) data=FQMDABokO4Jz9bPHZuxEr/YrSMelMX30Ap7uwWok4A== ';
  const event = parseLiddsLine(line, 0)!;
  assert.equal(event.process, 'apache2');
  assert.equal(event.pid, 2902778);
  assert.equal(event.tid, 2902778);
  assert.equal(event.type, 'writev');
  assert.equal(event.exit, true);
  assert.equal(event.res, -32);
  assert.equal(event.errno, 'EPIPE');
  assert.equal(line.slice(event.typeCol, event.typeCol + 6), 'writev');
  // rawtime 1631078878.496797197 s: the time of day in ns, exactly.
  assert.equal(event.time, (1631078878 % 86400) * 1e9 + 496797197);
  const enter = parseLiddsLine('1631078878496770748 33 2902778 apache2 2902778 read > fd=12(<4t>192.168.240.20:43363->192.168.240.21:443) size=8000 ', 1)!;
  assert.equal(enter.fdTag, '4t');
  assert.equal(enter.fdName, '192.168.240.20:43363->192.168.240.21:443');
  assert.equal(parseLiddsLine('89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........', 0), undefined);
});

test('LID-DS excerpt: 2 ECONNRESET and 1 EPIPE, each saying the peer is not in the capture; nothing else claimed', () => {
  const analysis = analyzeText(readFixture('lidds-apache2-excerpt.sc.txt'));
  assert.equal(analysis.stats.unparsedLines, 0);
  assert.equal(analysis.stats.events, 3201);
  const codes = analysis.findings.map((f) => f.code);
  assert.deepEqual(codes, ['econnreset', 'econnreset', 'epipe']);
  assert.deepEqual(analysis.findings.map((f) => f.line + 1), [1630, 3038, 3040]);
  assert.ok(analysis.findings.filter((f) => f.code === 'econnreset').every((f) => /the peer reset the connection; it is not in the capture/.test(f.message)));
  assert.match(analysis.findings[2].message, /^writev of 31 bytes failed with EPIPE: the reading end was closed by a process that is not in the capture/);
  // Only apache2's side of each TLS connection is recorded.
  assert.ok(analysis.connections.every((c) => c.endpoints.length === 1));
});
