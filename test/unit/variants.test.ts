// The same capture rendered in several of sysdig's output modes must give the same model.
// Fixtures (provenance in test/fixtures/README.md): wstrouble__example5_nginx as the default
// dump, terminal output (colours, `(PID.TID)`, CRLF), -x (hex rows) and -A (ASCII payload
// lines); wstrouble__example5_httpd as the default dump and with -t a (epoch timestamps).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, type Analysis } from '../../server/src/analysis';
import { readFixture } from '../helpers/repo';

/** Everything about the calls and connections that does not depend on line positions or time format. */
function model(a: Analysis): unknown {
  return {
    events: a.stats.events,
    connections: a.connections.map((c) => ({
      kind: c.kind,
      tuple: c.tuple,
      endpoints: c.endpoints.map((e) => [e.process, e.tids, e.fd, e.role, e.bytesWritten, e.bytesRead]),
      calls: c.calls.map((call) => [call.type, call.role, call.enterNum, call.exitNum, call.res ?? null, call.errno ?? null, call.range ?? null]),
    })),
    findings: a.findings.map((f) => [f.code, f.message]),
  };
}

function check(name: string): Analysis {
  const a = analyzeText(readFixture(name));
  assert.equal(a.stats.unparsedLines, 0, `${name}: ${JSON.stringify(a.stats.unparsedSamples.slice(0, 3))}`);
  return a;
}

const nginx = check('wstrouble-nginx.scap.txt');

test('nginx default dump: 158 events, one TCP connection with nginx\'s side, sendfile bytes counted', () => {
  assert.equal(nginx.stats.events, 158);
  assert.equal(nginx.connections.length, 1);
  const c = nginx.connections[0];
  assert.equal(c.kind, 'tcp4');
  assert.equal(c.tuple, '172.18.0.1:51902->172.18.0.2:80');
  assert.equal(c.endpoints.length, 1);
  assert.equal(c.endpoints[0].process, 'nginx');
  assert.equal(c.endpoints[0].role, 'accept');
  assert.ok(c.endpoints[0].bytesWritten > 0);
  assert.ok(c.calls.some((call) => call.type === 'sendfile' && call.range !== undefined));
  assert.deepEqual(nginx.findings, []);
});

for (const variant of ['wstrouble-nginx.tty_ansi.txt', 'wstrouble-nginx.x.txt', 'wstrouble-nginx.A.txt']) {
  test(`${variant} gives the same model as the default dump`, () => {
    const a = check(variant);
    assert.deepEqual(model(a), model(nginx));
  });
}

test('the terminal rendering knows the pid from `(PID.TID)`', () => {
  const a = check('wstrouble-nginx.tty_ansi.txt');
  assert.equal(a.connections[0].endpoints[0].pid, 15259);
  assert.equal(nginx.connections[0].endpoints[0].pid, undefined);
});

test('-x and -A: payload rows are continuation lines, not garbage', () => {
  const x = check('wstrouble-nginx.x.txt');
  const A = check('wstrouble-nginx.A.txt');
  assert.equal(x.stats.continuationLines, x.stats.lines - x.stats.events - x.stats.blankLines);
  assert.ok(x.stats.continuationLines > 0);
  assert.ok(A.stats.continuationLines > 0);
});

test('httpd with -t a (epoch seconds, unpadded nanoseconds) gives the same model as the default dump', () => {
  const plain = check('wstrouble-httpd.scap.txt');
  const epoch = check('wstrouble-httpd.ta.txt');
  assert.equal(plain.stats.events, 253);
  assert.deepEqual(model(epoch), model(plain));
  // Time gaps do not depend on the time format: `1512416690.41152095` is .041152095 s. The
  // model keeps the times of closes (what "closed N µs earlier" needs): compare their gaps.
  const gaps = (a: Analysis) => {
    const times = a.calls.filter((c) => c.enterTime !== undefined).map((c) => c.enterTime!);
    return times.map((t) => t - times[0]);
  };
  assert.ok(gaps(plain).length > 0);
  assert.deepEqual(gaps(epoch), gaps(plain));
  assert.ok(gaps(plain).every((d, i, all) => i === 0 || d >= all[i - 1]));
});

test('nginx with -pc (container name and id before the process, `(TID:VTID)`) gives the same streams', () => {
  const containers = check('wstrouble-nginx.pc.txt');
  assert.equal(containers.stats.events, nginx.stats.events);
  const c = containers.connections[0];
  assert.equal(containers.connections.length, 1);
  // The process column now carries the container: `host (host) nginx` or `<name> (<id>) nginx`.
  assert.match(c.endpoints[0].process, /\) nginx$/);
  const streams = (a: Analysis) => a.connections.map((x) => x.calls.map((call) => [call.type, call.enterNum, call.exitNum, call.res ?? null, call.range ?? null]));
  assert.deepEqual(streams(containers), streams(nginx));
});

test('nginx with -j (one JSON object per event) gives the same streams and columns into the JSON', () => {
  const json = check('wstrouble-nginx.j.txt');
  assert.equal(json.stats.events, nginx.stats.events);
  const streams = (a: Analysis) => a.connections.map((x) => x.calls.map((call) => [call.type, call.enterNum, call.exitNum, call.res ?? null, call.range ?? null]));
  assert.deepEqual(streams(json), streams(nginx));
  // The columns of the first socket call point at its fd inside the JSON line.
  const call = json.connections[0].calls.find((c) => (c.role === 'read' || c.role === 'write') && c.enterLine >= 0 && c.fdCol >= 0)!;
  const line = readFixture('wstrouble-nginx.j.txt').split('\n')[call.enterLine];
  assert.equal(line.slice(call.fdCol, call.fdCol + String(call.fd).length + 2), `${call.fd}(<`);
  assert.equal(line.slice(call.typeCol, call.typeCol + call.type.length), call.type);
});
