// The differential test against sysdig itself: bytes written and read per (process, fd) on
// socket fds, as sysdig 0.29.3's state engine counts them in the binary capture
// (test/fixtures/sysdig-truth/*.json, made by scripts/sysdig-truth.mjs), against the sums over
// `scap-lens conversations --json` (the CLI's WebAssembly scanner) and over analyzeText (the
// language server's JavaScript parser) of the capture's text dump. The whole corpus is
// compared by `npm run corpus`; here, the dumps small enough to be fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeText } from '../../server/src/analysis';
import { fixturePath, readFixture, runCli } from '../helpers/repo';
import { compareWithTruth, type ConversationsReport, type TruthFixture } from '../helpers/sysdigTruth';

function truth(capture: string): TruthFixture {
  return JSON.parse(readFileSync(fixturePath(`sysdig-truth/${capture}.json`), 'utf8')) as TruthFixture;
}

/** The dump as the language server sees it, in the shape of `conversations --json`. */
function javascriptReport(fixture: string): ConversationsReport {
  const analysis = analyzeText(readFixture(fixture));
  return { conversations: analysis.connections.map((c) => ({ endpoints: c.endpoints })) };
}

function cliReport(fixture: string): ConversationsReport {
  const r = runCli(['conversations', '--json', `test/fixtures/${fixture}`]);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as ConversationsReport;
}

// fixture → the capture whose dump (or rendering of it) the fixture is, with what it covers.
const CASES: [string, string, string][] = [
  ['wstrouble-httpd.scap.txt', 'wstrouble__example5_httpd', '`> switch` between writev enters and exits (1.6 MB lost before)'],
  ['wstrouble-nginx.scap.txt', 'wstrouble__example5_nginx', 'a long-lived TCP connection'],
  ['wstrouble-nginx.A.txt', 'wstrouble__example5_nginx', '-A payload lines'],
  ['wstrouble-nginx.x.txt', 'wstrouble__example5_nginx', '-x hex rows'],
  ['wstrouble-nginx.j.txt', 'wstrouble__example5_nginx', '-j JSON'],
  ['falco__psp_run_as_user_0_container.scap.txt', 'falco__psp_run_as_user_0_container', '`fd=5(<u>)`, `fd=20(<u>/var/run/docker.sock)`: unknown peers'],
  ['libs__test_ipv6_client.scap.txt', 'libs__test_ipv6_client', 'unconnected UDP: `sendto fd=3(<6>) tuple=:::0->::1:2345`'],
  ['libs__single_ipv6_conn.scap.txt', 'libs__single_ipv6_conn', 'one TCP6 connection'],
  ['wstrouble__example0_nginx_v2.scap.txt', 'wstrouble__example0_nginx_v2', 'one TCP connection'],
];

for (const [fixture, capture, what] of CASES) {
  test(`sysdig truth: ${fixture} (${what}): every endpoint's bytes equal sysdig's, through both parsers`, () => {
    const expected = truth(capture);
    assert.ok(expected.endpoints.length > 0);
    for (const [parser, report] of [['scanner', cliReport(fixture)], ['JavaScript', javascriptReport(fixture)]] as const) {
      const result = compareWithTruth(expected, report);
      assert.deepEqual(result.differences, [], `${parser} parser`);
      assert.equal(result.agree, expected.endpoints.length, `${parser} parser`);
    }
  });
}

test('sysdig truth: the fixtures hold all 132 endpoints of the 26 captures with a dump', () => {
  let endpoints = 0;
  let captures = 0;
  for (const capture of [
    'falco__cat_write', 'falco__connect_localhost', 'falco__empty', 'falco__empty_v1', 'falco__open-multiple-files',
    'falco__ping_sendto', 'falco__psp_privileged', 'falco__psp_run_as_user_0_container', 'falco__psp_run_as_user_65534_container',
    'falco__psp_write_tmp_test', 'falco__syscall', 'instruqt__svh5_activity', 'instruqt__ticket-generator-http-error-6e235a58',
    'instruqt__ticket-generator-http-error-b841f454', 'k8strouble__capture', 'libs__curl_google', 'libs__sample',
    'libs__single_ipv6_conn', 'libs__test_ipv6_client', 'sysdig-inspect__502Error', 'wstrouble__example0_nginx_v1',
    'wstrouble__example0_nginx_v2', 'wstrouble__example4-1', 'wstrouble__example4-2', 'wstrouble__example5_httpd', 'wstrouble__example5_nginx',
  ]) {
    endpoints += truth(capture).endpoints.length;
    captures++;
  }
  assert.equal(captures, 26);
  assert.equal(endpoints, 132);
});

test('sysdig truth: a comparison that differs says how (the check can fail)', () => {
  const expected = truth('wstrouble__example5_httpd');
  const report = cliReport('wstrouble-httpd.scap.txt');
  report.conversations[0].endpoints[0].bytesWritten -= 1;
  const result = compareWithTruth(expected, report);
  assert.equal(result.agree, expected.endpoints.length - 1);
  assert.match(result.differences[0], /^httpd fd 10: sysdig wrote \d+ read \d+, dump gives wrote \d+/);
});

test('datagrams: one DNS exchange of curl is one conversation, its peer taken from each message\'s tuple=', () => {
  // instruqt-dns.scap.txt: `> sendto fd=3(<4>0.0.0.0:0) size=95 tuple=0.0.0.0:55658->100.64.0.10:53`, a second
  // sendto on `fd=3(<4u>10.0.5.119:55658->100.64.0.10:53)`, then two `< recvfrom res=188 data=... tuple=100.64.0.10:53->0.0.0.0:55658`,
  // the second after an enter that names the fd `<4u>100.64.0.10:53->100.64.0.10:53`; switches in between.
  // The -x and -A renderings print the payload on the lines below the exit and the tuple after it.
  for (const fixture of ['instruqt-dns.scap.txt', 'instruqt-dns.x.txt', 'instruqt-dns.A.txt']) {
    const analysis = analyzeText(readFixture(fixture));
    const report = cliReport(fixture) as unknown as {
      conversations: { kind: string; addresses: [string | null, string | null]; endpoints: { process: string; fd: number; bytesWritten: number; bytesRead: number; closed?: { event: number } }[] }[];
    };
    for (const list of [report.conversations.map((c) => [c.kind, c.addresses.join('->')]), analysis.connections.map((c) => [c.kind, c.tuple])]) {
      assert.deepEqual(list, [['udp4', '0.0.0.0:55658->100.64.0.10:53']], fixture);
    }
    const [end] = report.conversations[0].endpoints;
    assert.deepEqual([end.process, end.fd, end.bytesWritten, end.bytesRead], ['curl', 3, 95 + 95, 188 + 188], fixture);
    // `613 ... curl (28784) > close fd=3(<4u>100.64.0.10:53->100.64.0.10:53)`: the fd is named after the
    // last datagram, yet its close ends the conversation its messages had.
    assert.equal(end.closed?.event, 613, fixture);
    assert.equal(analysis.connections[0].endpoints[0].closed?.enterNum, 613, fixture);
    assert.equal(analysis.connections[0].datagram, true);
  }
});
