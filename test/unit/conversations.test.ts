// `scap-lens conversations [--json] FILE...`, run as a child process on real fixtures.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliPath, fixtureLines, readFixture, repoRoot, runCli } from '../helpers/repo';

const SEED = 'test/fixtures/seed-epipe.scap.txt';
const TAR_DBUS = 'test/fixtures/instruqt-tar-dbus.scap.txt';
const REVERT = 'test/fixtures/revert-httpd-POST-single.scap.txt';

const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-conversations-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface EventRef { line: number; event: number }
interface JsonEndpoint {
  process: string; pid?: number; tids: number[]; fd: number; role: string;
  opened?: EventRef; closed?: EventRef; bytesWritten: number; bytesRead: number; unreadBytes?: number;
}
interface JsonConversation {
  id: number; kind: string; addresses: [string | null, string | null]; path?: string;
  aligned: 'open' | 'payload' | null; peer?: string; findings: number; endpoints: JsonEndpoint[];
}
interface JsonReport { file: string; conversations: JsonConversation[] }

function reports(stdout: string): JsonReport[] {
  return stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as JsonReport);
}

test('--json on the seed: one connection, both ends opened and closed inside, 1-based lines, unread bytes, exit 1 (EPIPE)', () => {
  const r = runCli(['conversations', '--json', SEED]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const [report] = reports(r.stdout);
  assert.equal(report.file, SEED);
  assert.equal(report.conversations.length, 1);
  const [c] = report.conversations;
  assert.deepEqual([c.id, c.kind, c.addresses, c.path, c.aligned, c.findings], [0, 'unix', ['ffff880108bcc440', 'ffff880108bcba80'], '/tmp/helloFastCGI.s', 'open', 2]);
  const lines = fixtureLines('seed-epipe.scap.txt');
  const [httpd, uwsgi] = c.endpoints;
  assert.deepEqual([httpd.process, httpd.tids, httpd.fd, httpd.role], ['httpd', [22014], 26, 'connect']);
  assert.deepEqual([uwsgi.process, uwsgi.tids, uwsgi.fd, uwsgi.role], ['uwsgi', [20882], 10, 'accept']);
  // `opened` is the connect's enter (line 1), `closed` the close's enter; both 1-based.
  assert.match(lines[httpd.opened!.line - 1], new RegExp(`^${httpd.opened!.event} .* httpd \\(22014\\) > connect `));
  assert.match(lines[uwsgi.closed!.line - 1], new RegExp(`^${uwsgi.closed!.event} .* uwsgi \\(20882\\) > close fd=10`));
  // httpd wrote 16 + 699 + 8, all read (its next writev failed with EPIPE); uWSGI wrote
  // 8 + 43 + 8 + 11 + 24 that httpd never read.
  assert.deepEqual([httpd.bytesWritten, httpd.bytesRead, uwsgi.bytesWritten, uwsgi.bytesRead], [723, 0, 94, 723]);
  assert.deepEqual([httpd.unreadBytes, uwsgi.unreadBytes], [0, 94]);
});

test('--json: every socket fd with I/O is in exactly one endpoint, unknown peers included (tar/dbus)', () => {
  const r = runCli(['conversations', '--json', TAR_DBUS]);
  assert.equal(r.status, 0, r.stderr);
  const [report] = reports(r.stdout);
  const ends = report.conversations.flatMap((c) => c.endpoints.map((e) => `${e.process}|${e.fd}|${c.id}`));
  assert.deepEqual(ends, ['tar|4|0', 'dbus-daemon|13|0', 'dbus-daemon|10|1', 'systemd|54|2', 'tar|4|3', 'dbus-daemon|13|3']);
  const unknown = report.conversations.filter((c) => c.peer !== undefined);
  assert.deepEqual(unknown.map((c) => [c.addresses, c.path ?? null, c.aligned, c.endpoints.length]),
    [[[null, null], '/var/run/dbus/system_bus_socket', null, 1], [[null, null], null, null, 1]]);
  for (const c of unknown) assert.match(c.peer!, /no address pair/);
  // Every socket fd that the dump shows moving bytes (a `res=` > 0 exit after an enter naming
  // `<u>`) is in the table; the two unknown ones carry dbus-daemon's 426 / 292 bytes and systemd's mirror.
  assert.deepEqual(unknown.map((c) => [c.endpoints[0].bytesWritten, c.endpoints[0].bytesRead]), [[426, 292], [292, 426]]);
});

test('the table: a header, one row per conversation with both ends and the bytes each way', () => {
  const r = runCli(['conversations', TAR_DBUS]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trimEnd().split('\n');
  assert.equal(out[0], `${TAR_DBUS}: 4 conversations`);
  assert.match(out[1], /^id +kind +addresses +end A +A→B +B→A +end B +findings$/);
  assert.match(out[2], /^ 0 +unix +ffff91bbfc5e6000->ffff91bbfc5e7000 \/run\/dbus\/system_bus_socket +tar \(1847\) fd 4, connect line 22, closed line 167 +370 +474 +dbus-daemon \(344\) fd 13, accept line 26, closed line 175 +0$/);
  assert.match(out[3], /^ 1 +unix +\/var\/run\/dbus\/system_bus_socket +dbus-daemon \(344\) fd 10, open before capture +426 +292 +peer unknown +0$/);
  assert.equal(out.length, 6);
});

test('the revert trace: 400 conversations, the same count and bytes as check and the analysis report', () => {
  const r = runCli(['conversations', '--json', REVERT]);
  assert.equal(r.status, 0, r.stderr);
  const [report] = reports(r.stdout);
  const check = JSON.parse(runCli(['check', '--json', REVERT]).stdout) as { connections: number };
  assert.equal(report.conversations.length, check.connections);
  assert.equal(report.conversations.filter((c) => c.kind === 'unix').length, 200);
  // Every unix connection: httpd writes 16 656 8 15 8 = 703 bytes, uWSGI 8 43 8 11 24 = 94.
  for (const c of report.conversations.filter((x) => x.kind === 'unix')) {
    assert.equal(c.aligned, 'open');
    assert.deepEqual(c.endpoints.map((e) => e.bytesWritten).sort((a, b) => a - b), [94, 703]);
  }
});

test('same input handling and exit statuses as check: missing file, empty file, not a dump, usage; `-` is standard input', () => {
  const missing = runCli(['conversations', '--json', 'no-such-file.scap.txt', SEED]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no-such-file\.scap\.txt does not exist/);
  assert.equal(reports(missing.stdout).length, 1, 'the good file is still reported');
  const empty = join(tmp, 'empty.scap.txt');
  writeFileSync(empty, '');
  assert.equal(runCli(['conversations', empty]).status, 2);
  const prose = join(tmp, 'prose.txt');
  writeFileSync(prose, 'This is not a sysdig dump.\nNor is this line.\n');
  const notDump = runCli(['conversations', '--json', prose]);
  assert.equal(notDump.status, 2);
  assert.match(notDump.stderr, /is not a sysdig dump/);
  assert.equal(notDump.stdout, '');
  for (const args of [['conversations'], ['conversations', '--bogus', SEED]]) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /Usage: scap-lens conversations/);
  }
  const help = runCli(['conversations', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /"aligned"/);
  const stdin = spawnSync(process.execPath, [cliPath(), 'conversations', '--json', '-'], { cwd: repoRoot(), input: readFixture('seed-epipe.scap.txt'), encoding: 'latin1' });
  assert.equal(stdin.status, 1, stdin.stderr);
  assert.equal(reports(stdin.stdout)[0].file, '<stdin>');
  assert.equal(reports(stdin.stdout)[0].conversations.length, 1);
});

test('strace without names: --json and follow --json give each end the label the hovers use (pid N), never ""', () => {
  const trace = 'test/fixtures/revert-httpd-POST-single.strace';
  const [report] = reports(runCli(['conversations', '--json', trace]).stdout);
  const ends = report.conversations.flatMap((c) => c.endpoints);
  assert.ok(ends.every((e) => /^pid \d+$/.test(e.process)), 'every end is pid N');
  assert.deepEqual(report.conversations[1].endpoints.map((e) => e.process), ['pid 23745', 'pid 25075']);
  const table = runCli(['conversations', trace]).stdout.split('\n');
  assert.match(table[3], /  pid 23745 fd 14, connect line 7, closed line 49 .* pid 25075 fd 5, accept line /);
  const follow = JSON.parse(runCli(['follow', '--json', `${trace}:27`]).stdout) as { connection: { endpoints: { process: string }[] } };
  assert.deepEqual(follow.connection.endpoints.map((e) => e.process), ['pid 23745', 'pid 25075']);
});

test('follow --json on a socket whose fd names no pair: addresses null, as conversations gives [null, null]', () => {
  const lines = fixtureLines('instruqt-tar-dbus.scap.txt');
  const line = lines.findIndex((l) => / dbus-daemon \(344\) > sendmsg fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\)/.test(l)) + 1;
  const follow = JSON.parse(runCli(['follow', '--json', `${TAR_DBUS}:${line}`]).stdout) as { connection: { addresses: string | null; path?: string } };
  assert.deepEqual([follow.connection.addresses, follow.connection.path], [null, '/var/run/dbus/system_bus_socket']);
});

test('follow on a socket whose fd names no pair says why its peer is unknown', () => {
  const lines = fixtureLines('instruqt-tar-dbus.scap.txt');
  const line = lines.findIndex((l) => / dbus-daemon \(344\) > sendmsg fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\)/.test(l)) + 1;
  const r = runCli(['follow', `${TAR_DBUS}:${line}`]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.split('\n');
  assert.equal(out[0], 'Follow Stream: unix socket /var/run/dbus/system_bus_socket');
  assert.match(r.stdout, /\?  sysdig printed no address pair for this socket \(fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\)\).*: nothing is claimed/);
});

test('the sequence diagram of a socket whose fd names no pair: its path as title, and why nothing is matched', () => {
  const lines = fixtureLines('instruqt-tar-dbus.scap.txt');
  const line = lines.findIndex((l) => / dbus-daemon \(344\) > sendmsg fd=10\(<u>/.test(l)) + 1;
  const svg = join(tmp, 'unknown-peer.svg');
  const r = runCli(['diagram', `${TAR_DBUS}:${line}`, '-o', svg]);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(svg, 'utf8');
  assert.match(text, /<text class="title"[^>]*>unix socket \/var\/run\/dbus\/system_bus_socket<\/text>/);
  assert.match(text.replace(/<\/text>\s*<text class="note"[^>]*>/g, ' '), /Sysdig printed no address pair for this socket/);
});

test('a connection one end printed as `<4>` (family only) is tcp4 when the other end printed `<4t>`', () => {
  // haproxy's `> connect fd=1(<4>)` gives the family only (its tuple= the addresses); its later
  // calls and python's accept print `<4t>`.
  const [report] = reports(runCli(['conversations', '--json', 'test/fixtures/502error-bad-header.scap.txt']).stdout);
  const c = report.conversations.find((x) => x.addresses[0] === '192.168.0.3:54886')!;
  assert.deepEqual([c.kind, c.endpoints.map((e) => e.process)], ['tcp4', ['haproxy', 'python']]);
});
