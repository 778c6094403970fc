// The CLI's lean analysis packs connections left open into strings (leanPack.ts), so that
// millions of never-closed sockets fit in memory (issue 12). These tests check that packing
// loses nothing, and what an open connection costs on the heap.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DumpAnalyzer, NO_CALLS, analyzeFile, analyzeText, connectionAlignment, firstLine, unreadBytes, type Analysis, type Connection, type Syscall } from '../../server/src/analysis';
import { ConnectionPacker, packable } from '../../server/src/analysis/leanPack';
import { fixturePath, readFixture } from '../helpers/repo';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Every dump among the fixtures: sysdig's formats (-A, -x, -X, terminal), LID-DS, strace. */
function fixtureDumps(dir = ''): string[] {
  const found: string[] = [];
  for (const name of readdirSync(fixturePath(dir))) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (statSync(fixturePath(path)).isDirectory()) found.push(...fixtureDumps(path));
    else if (/\.(txt|strace)$/.test(name)) found.push(path);
  }
  return found;
}

/** What the CLI prints of an analysis: findings with their related events, and the conversations. */
function printed(analysis: Analysis): string {
  const findings = analysis.findings.map((f) => ({ code: f.code, line: f.line, column: f.column, message: f.message, related: f.related.map((r) => [r.line, r.message]) }));
  const line = (call: Syscall | undefined) => (call === undefined ? null : firstLine(call));
  const conversations = analysis.connections.map((c) => ({
    kind: c.kind, tuple: c.tuple, path: c.path, peer: c.unknownPeer, aligned: connectionAlignment(c),
    ends: c.endpoints.map((e) => [e.process, e.pid, e.tids, e.fd, e.role, line(e.opened), line(e.closed), e.bytesWritten, e.bytesRead, unreadBytes(e)]),
  }));
  return JSON.stringify({ stats: analysis.stats, findings, conversations });
}

test('packing every connection as soon as it is idle changes no finding and no conversation', async () => {
  let compared = 0;
  for (const name of fixtureDumps()) {
    for (const keepConnections of [false, true]) {
      const objects = await analyzeFile(fixturePath(name), { keepConnections });
      const packed = await analyzeFile(fixturePath(name), { keepConnections, hotConnections: 0 });
      assert.equal(printed(packed), printed(objects), `${name}, keepConnections ${keepConnections}`);
      // `scap-lens check`'s way: the open connections are dropped at the end, their findings kept.
      const dropped = await analyzeFile(fixturePath(name), { keepConnections, hotConnections: 0, dropOpenConnections: true });
      assert.equal(JSON.stringify(dropped.findings.map((f) => f.message)), JSON.stringify(objects.findings.map((f) => f.message)), name);
      assert.equal(dropped.connections.length, keepConnections ? objects.connections.length : 0, name);
      if (objects.findings.length > 0 || objects.connections.length > 0) compared++;
    }
  }
  assert.ok(compared >= 20, `only ${compared} analyses had something to compare`);
});

/**
 * A connection's calls with what their getters give: columns, times, errno and range live in
 * packed fields and side tables (model.ts), which deepStrictEqual does not see.
 */
function callsOf(connection: Connection) {
  const calls = new Set<Syscall>(connection.calls);
  for (const e of connection.endpoints) {
    for (const call of [e.opened, e.closed, e.shutdown, e.eof, e.firstCall, e.lastCall, ...e.writes, ...e.reads]) if (call !== undefined) calls.add(call);
    if (e.sample !== undefined) for (const call of [...e.sample.writes, ...e.sample.reads, ...e.sample.readCalls, ...e.sample.payloads.keys()]) calls.add(call);
  }
  return [...calls].sort((a, b) => a.id - b.id).map((c) => ({
    id: c.id, role: c.role, typeCol: c.typeCol, fdCol: c.fdCol, resCol: c.resCol, errno: c.errno,
    enterTime: c.enterTime, exitTime: c.exitTime, range: c.range,
  }));
}

test('the empty list of calls that every end starts with is still empty after every fixture, lean or not', async () => {
  // Ends share NO_CALLS until their first write or read: a call added to it would be on them all.
  for (const name of fixtureDumps()) {
    await analyzeFile(fixturePath(name), { hotConnections: 0 });
    await analyzeFile(fixturePath(name), { keepConnections: true });
    analyzeText(readFixture(name));
    assert.equal(NO_CALLS.length, 0, name);
  }
});

test('a packed connection unpacks into objects equal to the ones packed', () => {
  let checked = 0;
  for (const name of fixtureDumps()) {
    // Connections as the lean analysis holds them before the end: no packing, no finish().
    const analyzer = new DumpAnalyzer({ retainCalls: false, hotConnections: Infinity });
    readFixture(name).split('\n').forEach((line, i) => analyzer.addLine(line, i));
    const live = (analyzer as unknown as { live: Map<string, Connection> }).live;
    const packer = new ConnectionPacker();
    for (const [key, connection] of live) {
      if (!packable(connection)) continue;
      const copy = packer.unpack(key, packer.pack(connection));
      assert.deepStrictEqual(copy, connection, `${name}: ${key}`);
      assert.deepStrictEqual(callsOf(copy), callsOf(connection), `${name}: ${key}`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} connections were packed`);
});

test('a packed value that is no small integer, and a name above latin1, come back exactly', () => {
  const analyzer = new DumpAnalyzer({ retainCalls: false, hotConnections: Infinity });
  analyzer.addLine('1 07:00:00.000000001 0 curl (100) > write fd=3(<4t>10.0.0.1:1024->1.1.1.1:80) size=10 ', 0);
  analyzer.addLine('2 07:00:00.000000002 0 curl (100) < write res=10 data=0123456789 ', 1);
  const live = (analyzer as unknown as { live: Map<string, Connection> }).live;
  assert.equal(live.size, 1);
  const [[key, connection]] = [...live];
  const call = connection.endpoints[0].firstCall!;
  // An event number above 2^53 (LID-DS's time stamps are), a time with a fraction, a negative size.
  call.enterNum = 1631078878399490144;
  call.exitTime = 0.5;
  call.size = -3;
  connection.endpoints[0].process = 'curl\u2603';
  connection.tuple = 'x'.repeat(5000);
  call.errno = 'EAGAIN';
  call.resCol = 300;
  const packer = new ConnectionPacker();
  const copy = packer.unpack(key, packer.pack(connection));
  assert.deepStrictEqual(copy, connection);
  assert.deepStrictEqual(callsOf(copy), callsOf(connection));
  assert.equal(callsOf(copy)[0].resCol, 300);
});

/**
 * A dump of `count` connections that each stay open after `shape`'s calls: one write (the
 * attack suite's #5), three writes and two reads on the same end, or three writes that the
 * other end (seen too) reads in two.
 */
function openConnections(count: number, shape: 'one' | 'multi' | 'paired'): string {
  const out: string[] = [];
  let num = 1;
  const event = (tid: number, process: string, rest: string) => out.push(`${num++} 07:00:00.000000001 0 ${process} (${tid}) ${rest} `);
  for (let i = 0; i < count; i++) {
    const client = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + ((i * 7919) % 60000)}`;
    const tid = 100 + (i % 50);
    const write = (k: number) => {
      event(tid, 'curl', `> write fd=3(<4t>${client}->1.1.1.1:80) size=10`);
      event(tid, 'curl', `< write res=10 data=01234${k}6789`);
    };
    write(0);
    if (shape === 'one') continue;
    write(1);
    write(2);
    for (let k = 0; k < 2; k++) {
      if (shape === 'multi') {
        event(tid, 'curl', `> read fd=3(<4t>${client}->1.1.1.1:80) size=100`);
        event(tid, 'curl', '< read res=7 data=HTTP/1.');
      } else {
        event(tid + 1000, 'nginx', `> read fd=7(<4t>1.1.1.1:80->${client}) size=100`);
        event(tid + 1000, 'nginx', `< read res=15 data=01234${k}67890123${k}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

/** Writes the dump in its own frame, so that no temporary of the async caller keeps its text. */
function writeOpenConnections(file: string, count: number, shape: 'one' | 'multi' | 'paired'): void {
  writeFileSync(file, openConnections(count, shape), 'latin1');
}

/**
 * The heap (after a full collection) the last time the analysis of `file` asked overBudget,
 * and how many connections it had made by then. Nothing of the analysis outlives the call.
 */
async function heapWhileAnalysing(file: string, count: number): Promise<{ connections: number; heap: number }> {
  let last = { connections: 0, heap: 0 };
  let asked = 0;
  const analysis = await analyzeFile(file, {
    overBudget: () => {
      gc();
      last = { connections: ++asked * 4096, heap: process.memoryUsage().heapUsed };
      return false;
    },
  });
  assert.equal(analysis.stats.connections, count);
  assert.equal(analysis.findings.length, 0);
  return last;
}

/**
 * Heap bytes per open connection: the growth of the heap (after a full collection) from the
 * analysis of `small` connections to that of twice as many, measured while the analysis runs,
 * when it asks overBudget (every 4 096 new connections). A slope, so that what does not grow
 * with the connections (code, caches, the connections still kept as objects) cancels out.
 */
async function bytesPerOpenConnection(shape: 'one' | 'multi' | 'paired', small: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scap-lens-open-'));
  try {
    const points: { connections: number; heap: number }[] = [];
    for (const count of [small, 2 * small]) {
      const file = join(dir, `${shape}-${count}.scap.txt`);
      writeOpenConnections(file, count, shape);
      points.push(await heapWhileAnalysing(file, count));
    }
    return (points[1].heap - points[0].heap) / (points[1].connections - points[0].connections);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a connection left open costs the lean analysis at most 250 bytes of heap', async () => {
  // 49 152 and 98 304 connections at the last overBudget: the live map is three quarters full
  // at both, so its growth is a fair share of the slope.
  const one = await bytesPerOpenConnection('one', 50000);
  assert.ok(one <= 250, `${one.toFixed(0)} bytes per connection with one write`);
  const multi = await bytesPerOpenConnection('multi', 50000);
  assert.ok(multi <= 250, `${multi.toFixed(0)} bytes per connection with three writes and two reads`);
  // Both ends seen, joined midway: the sample alignment needs (payloads included) is kept too.
  const paired = await bytesPerOpenConnection('paired', 50000);
  assert.ok(paired <= 350, `${paired.toFixed(0)} bytes per connection with both ends`);
});
