// A direction whose reader read more bytes than its writer wrote contradicts its offsets
// (alignment.ts contradictionOf): wget's MSG_PEEK recvfrom, counted as bytes read, shifted every
// offset after it, and go to peer named reads that returned before their write began.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { alignmentOf, analyzeText, connectionAlignment, contradictionOf, firstLine, peerOf, peersOf, primaryLine, primaryNum } from '../../server/src/analysis';
import { provideDefinition } from '../../server/src/definition';
import { DumpIndex } from '../../server/src/dumpStore';
import { provideFollowStream } from '../../server/src/followStream';
import { provideHover } from '../../server/src/hover';
import { buildSequence } from '../../server/src/analysis/sequence';
import { causalBreakOf } from '../../server/src/analysis/alignment';
import { readFixture } from '../helpers/repo';

const FIXTURE = 'peek/wstrouble-nginx-v1.peek.scap.txt';

test('wget peeks at each response: nginx → wget is not aligned, and no write names a read that returned before it', () => {
  const text = readFixture(FIXTURE);
  const analysis = analyzeText(text);
  const index = new DumpIndex(TextDocument.create('file:///peek.scap.txt', 'scap', 1, text), analysis);
  const lines = text.split('\n');
  const lineOf = (num: number) => lines.findIndex((l) => l.startsWith(`${num} `));
  // `1680 13:22:23.598263210 1 nginx (13057) > writev fd=11(<4t>127.0.0.1:55800->127.0.0.1:8080) size=342`
  const header = analysis.calls.find((c) => primaryNum(c) === 1680 || (c.role === 'write' && lines[firstLine(c)].startsWith('1680 ')))!;
  assert.equal(header.role, 'write');
  const nginx = header.endpoint!;
  const wget = peerOf(nginx)!;
  assert.equal(nginx.bytesWritten, 38084);
  assert.equal(wget.bytesRead, 38937, 'the peeks are still counted, as sysdig counts them');
  assert.ok(nginx.opened !== undefined, 'nginx accepted inside the excerpt');
  assert.equal(contradictionOf(nginx), 853);
  assert.equal(alignmentOf(nginx), undefined);
  assert.equal(connectionAlignment(nginx.connection), undefined, 'conversations says neither "open" nor "payload"');
  // The other direction is untouched: wget's requests are matched to nginx's reads.
  assert.equal(contradictionOf(wget), undefined);
  assert.equal(alignmentOf(wget)?.by, 'open');
  assert.ok(wget.writes.every((w) => peersOf(w).length > 0));
  // Causality: no write's peer read returned before the write was entered.
  for (const call of analysis.calls) {
    if (call.role !== 'write' || !call.range) continue;
    for (const p of peersOf(call)) assert.ok(primaryLine(p) >= firstLine(call), `write at line ${firstLine(call) + 1} → read at line ${primaryLine(p) + 1}`);
  }
  assert.equal(causalBreakOf(nginx), undefined, 'not aligned: nothing to break');
  assert.deepEqual(peersOf(header), []);
  assert.deepEqual(provideDefinition(index, { line: lineOf(1680), character: 40 }), []);
  const hover = (provideHover(index, { line: lineOf(1680), character: 40 })!.contents as { value: string }).value;
  assert.match(hover, /wget read 853 bytes more than nginx wrote: a peek \(MSG_PEEK\) or a lost write; offsets not compared/);
  assert.doesNotMatch(hover, /read by wget/);
  assert.doesNotMatch(hover, /opened its end before the capture started/, 'the reason is the peek, not the capture\'s start');
  const follow = provideFollowStream(index, { uri: index.uri, line: lineOf(1680) })!;
  assert.match(follow.text, /A → B {2}wget read 853 bytes more than nginx wrote: a peek \(MSG_PEEK\) or a lost write; offsets not compared/);
  assert.doesNotMatch(follow.text, /The capture started after this connection opened/);
  // The sequence diagram draws no arrow from offsets it cannot trust, and says why.
  const sequence = buildSequence(nginx.connection, { timeAt: () => NaN });
  const data = sequence.arrows.filter((a) => a.kind === 'data');
  const nginxLane = sequence.lifelines.findIndex((l) => l.process === 'nginx');
  assert.ok(nginxLane >= 0);
  assert.equal(data.filter((a) => a.fromLane === nginxLane).length, 0, 'no nginx → wget arrow');
  assert.equal(data.length, 2, 'the two requests wget → nginx are still drawn');
  assert.ok(sequence.notes.some((n) => /wget read 853 bytes more than nginx wrote: a peek/.test(n)), sequence.notes.join('\n'));
  assert.ok(!sequence.notes.some((n) => /opened before the capture started/.test(n)));
});

test('a complete strace line stands where its call started: a recvfrom printed before the write it returned is no contradiction', () => {
  // `23755 12:14:30.495195 recvfrom(11<UNIX-STREAM:[1542629->1542051]>, "\1\6\0\1\0+\0\0Status: 200 OK..."..., 4096, 0, NULL, NULL) = 59`
  // precedes uWSGI's `write(5<...>, "\1\6\0\1\0\v\0\0", 8) = 8` (12:14:30.495209) whose bytes it returned.
  const analysis = analyzeText(readFixture('revert-nginx-POST.merged.strace'));
  let matched = 0;
  for (const connection of analysis.connections) {
    for (const end of connection.endpoints) {
      assert.equal(causalBreakOf(end), undefined, `connection ${connection.id}`);
      for (const write of end.writes) if (peersOf(write).length > 0) matched++;
    }
  }
  assert.ok(matched > 100, `${matched} writes matched`);
});
