// The `scap-lens check` CLI, run as a child process: `node server/out/cli.js` (built by
// `npm run test:unit` before the tests run).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliPath, fixtureLines, readFixture, repoRoot, runCli } from '../helpers/repo';

const SEED = 'test/fixtures/seed-epipe.scap.txt';
const TAR_DBUS = 'test/fixtures/instruqt-tar-dbus.scap.txt';
const REVERT = 'test/fixtures/revert-httpd-POST-single.scap.txt';

const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

interface JsonReport {
  file: string;
  events: number;
  unparsedLines: number;
  connections: number;
  diagnostics: { line: number; column: number; severity: string; code: string; message: string; related: { line: number; message: string }[] }[];
}

function jsonReports(stdout: string): JsonReport[] {
  return stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as JsonReport);
}

/** A finding as it can be compared across files whose lines moved: code, severity, message. */
function gist(report: JsonReport): string[] {
  return report.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
}

test('the CLI is built', () => {
  assert.ok(cliPath().endsWith('cli.js'));
});

test('seed: gcc-style error line on the EPIPE exit, exit status 1', () => {
  const r = runCli(['check', SEED]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const out = r.stdout.split('\n');
  const epipeLine = fixtureLines('seed-epipe.scap.txt')[33];
  const column = epipeLine.indexOf('res=') + 'res='.length + 1;
  const errors = out.filter((l) => / error: /.test(l));
  assert.equal(errors.length, 1, r.stdout);
  assert.match(errors[0], new RegExp(`^${SEED.replace(/\./g, '\\.')}:34:${column}: error: .*EPIPE.* \\[epipe\\]$`));
  const warnings = out.filter((l) => / warning: /.test(l));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`^${SEED.replace(/\./g, '\\.')}:22:\\d+: warning: .* \\[unread-write\\]$`));
  // The close that caused the EPIPE is a note on line 31.
  assert.ok(out.some((l) => l.startsWith(`${SEED}:31:1: note: `)), r.stdout);
  // Every non-empty line is either FILE:LINE:COL: kind: or the file summary.
  for (const l of out.filter((x) => x.length > 0)) {
    assert.match(l, new RegExp(`^${SEED.replace(/\./g, '\\.')}:(\\d+:\\d+: (error|warning|note): .+| \\d+ events?, .+)$`), l);
  }
});

test('a file with only warnings exits 0 (revert: 62 unread-write, no error)', () => {
  const r = runCli(['check', REVERT]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter((l) => / warning: .* \[unread-write\]$/.test(l)).length, 62);
  assert.equal(r.stdout.split('\n').filter((l) => / error: /.test(l)).length, 0);
});

test('the seed without its EPIPE lines exits 0 with its warning', () => {
  const lines = fixtureLines('seed-epipe.scap.txt').filter((l) => !/ writev res=-32\(EPIPE\) /.test(l));
  const file = tmpFile('seed-no-epipe.scap.txt', lines.join('\n') + '\n');
  const r = runCli(['check', file]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /: warning: .* \[unread-write\]\n/);
});

test('--json: one object per file with the documented shape, 1-based lines', () => {
  const r = runCli(['check', '--json', SEED]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, '');
  const reports = jsonReports(r.stdout);
  assert.equal(reports.length, 1);
  const report = reports[0];
  for (const key of ['file', 'events', 'unparsedLines', 'connections', 'diagnostics']) assert.ok(key in report, key);
  assert.equal(typeof report.file, 'string');
  assert.equal(report.file, SEED);
  assert.equal(report.events, 36);
  assert.equal(report.unparsedLines, 0);
  assert.equal(report.connections, 1);
  assert.ok(Array.isArray(report.diagnostics));
  for (const d of report.diagnostics) {
    for (const key of ['line', 'column', 'severity', 'code', 'message', 'related']) assert.ok(key in d, key);
    assert.ok(Number.isInteger(d.line) && d.line >= 1);
    assert.ok(Number.isInteger(d.column) && d.column >= 1);
    assert.ok(['error', 'warning', 'information'].includes(d.severity));
    assert.equal(typeof d.message, 'string');
    assert.ok(Array.isArray(d.related));
    for (const rel of d.related) {
      assert.ok(Number.isInteger(rel.line) && rel.line >= 1);
      assert.equal(typeof rel.message, 'string');
    }
  }
  const byCode = Object.fromEntries(report.diagnostics.map((d) => [d.code, d]));
  assert.deepEqual(Object.keys(byCode).sort(), ['epipe', 'unread-write']);
  assert.equal(byCode.epipe.line, 34);
  assert.equal(byCode.epipe.severity, 'error');
  assert.ok(byCode.epipe.related.some((rel) => rel.line === 31));
  assert.equal(byCode['unread-write'].line, 22);
  assert.equal(byCode['unread-write'].severity, 'warning');
});

test('--no-unread-write drops the warning, keeps the error', () => {
  const r = runCli(['check', '--json', '--no-unread-write', SEED]);
  assert.equal(r.status, 1);
  assert.deepEqual(jsonReports(r.stdout)[0].diagnostics.map((d) => d.code), ['epipe']);
});

// ---------------------------------------------------------------------------------------
// Input that cannot be analysed: exit 2, one line on stderr, no stack trace, nothing on stdout.

function assertRejected(file: string, why: RegExp): void {
  for (const args of [['check', file], ['check', '--json', file]]) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: status ${r.status}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '', `${args.join(' ')}: stdout ${r.stdout.slice(0, 200)}`);
    const errLines = r.stderr.split('\n').filter((l) => l.length > 0);
    assert.equal(errLines.length, 1, `${args.join(' ')}: stderr ${r.stderr.slice(0, 500)}`);
    assert.ok(r.stderr.endsWith('\n'));
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.ok(errLines[0].length < 400, `a short line, not ${errLines[0].length} characters`);
    assert.match(errLines[0], why);
  }
}

test('missing file → exit 2', () => {
  assertRejected(join(tmp, 'does-not-exist.scap.txt'), /does not exist/);
});

test('a directory → exit 2', () => {
  const dir = join(tmp, 'a-directory.scap.txt');
  mkdirSync(dir);
  assertRejected(dir, /directory/);
});

test('an empty file → exit 2', () => {
  assertRejected(tmpFile('empty.scap.txt', ''), /empty/);
});

test('binary junk (random bytes with NULs) → exit 2', () => {
  // Deterministic pseudo-random bytes, NULs and newlines included.
  const bytes = Buffer.alloc(64 * 1024);
  let x = 0x2545f491;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    bytes[i] = (x >>> 0) & 0xff;
  }
  bytes[0] = 0;
  bytes[100] = 0;
  assert.ok(bytes.includes(0));
  assertRejected(tmpFile('junk.bin', bytes), /not a sysdig dump/);
});

test('a single 10 MB line → exit 2', () => {
  const line = '89254 07:12:54.259984241 6 httpd (22014) > writev fd=26 size=8 ' + 'x'.repeat(10 * 1024 * 1024);
  assertRejected(tmpFile('one-long-line.scap.txt', line), /not a sysdig dump/);
});

test('a text file that is not a sysdig dump (this repository\'s README-like prose) → exit 2', () => {
  const prose = '# Notes\n\nThis is not a trace.\nfd=3 res=-32(EPIPE) looks like sysdig, but is not an event line.\n12345 hello\n';
  assertRejected(tmpFile('notes.txt', prose), /not a sysdig dump/);
});

test('one bad file among good ones: the good one is reported, the bad one only on stderr', () => {
  const r = runCli(['check', '--json', join(tmp, 'missing.scap.txt'), SEED]);
  assert.equal(r.status, 2);
  const reports = jsonReports(r.stdout);
  assert.deepEqual(reports.map((x) => x.file), [SEED]);
  assert.equal(r.stderr.split('\n').filter((l) => l.length > 0).length, 1);
});

// ---------------------------------------------------------------------------------------
// Damaged but usable dumps.

const JUNK = [
  'garbage that is not an event',
  '\x00\x01\x02\x7f binary-ish',
  '89285 07:12:54.260023713 6 httpd < writev res=-32(EPIPE) data=........ ',
  'res=-32(EPIPE) fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)',
  '99999 not a time 6 uwsgi (20882) > close fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) ',
];

/** `lines` with the junk lines inserted before lines 1, 12 and 30 (1-based). */
function withJunk(lines: string[]): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (i === 0 || i === 11 || i === 29) out.push(...JUNK);
    out.push(l);
  });
  return out;
}

test('seed with garbage lines inserted: analysed, garbage counted, same findings', () => {
  const seed = fixtureLines('seed-epipe.scap.txt');
  const file = tmpFile('seed-junk.scap.txt', withJunk(seed).join('\n') + '\n');
  const r = runCli(['check', '--json', file]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const [report] = jsonReports(r.stdout);
  assert.equal(report.events, 36);
  assert.equal(report.unparsedLines, 3 * JUNK.length);
  assert.equal(report.connections, 1);
  const clean = jsonReports(runCli(['check', '--json', SEED]).stdout)[0];
  assert.deepEqual(gist(report), gist(clean));
  // Lines moved by the junk inserted before them: 5 before line 1, 5 more before line 12, 5 more before line 30.
  const shift = (line: number) => line + JUNK.length * (line >= 30 ? 3 : line >= 12 ? 2 : 1);
  assert.deepEqual(report.diagnostics.map((d) => d.line), clean.diagnostics.map((d) => shift(d.line)));
});

test('garbage that mentions EPIPE and closes creates no finding (tar/dbus has none)', () => {
  const clean = runCli(['check', '--json', TAR_DBUS]);
  assert.equal(clean.status, 0);
  assert.deepEqual(jsonReports(clean.stdout)[0].diagnostics, []);
  const file = tmpFile('tar-dbus-junk.scap.txt', withJunk(fixtureLines('instruqt-tar-dbus.scap.txt')).join('\n') + '\n');
  const r = runCli(['check', '--json', file]);
  assert.equal(r.status, 0, r.stdout.slice(0, 500));
  const [report] = jsonReports(r.stdout);
  assert.equal(report.unparsedLines, 3 * JUNK.length);
  assert.equal(report.events, jsonReports(clean.stdout)[0].events);
  // Two paired connections, and dbus-daemon's fd 10 and systemd's fd 54, whose peers are unknown.
  assert.equal(report.connections, 4);
  assert.deepEqual(report.diagnostics, []);
});

test('a truncated last line (cut mid-way, no final newline): no crash, same EPIPE', () => {
  const text = readFixture('seed-epipe.scap.txt').replace(/\n$/, '');
  const lastStart = text.lastIndexOf('\n') + 1;
  const cut = text.slice(0, lastStart + Math.floor((text.length - lastStart) / 2));
  assert.ok(!cut.endsWith('\n'));
  const file = tmpFile('seed-truncated.scap.txt', cut);
  const r = runCli(['check', '--json', file]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const [report] = jsonReports(r.stdout);
  assert.ok(report.events === 35 || report.events === 36, `events ${report.events}`);
  assert.ok(report.unparsedLines <= 1);
  assert.deepEqual(report.diagnostics.filter((d) => d.code === 'epipe').map((d) => d.line), [34]);
});

test('usage errors exit 2 with the usage on stderr', () => {
  for (const args of [[], ['check'], ['frobnicate', SEED], ['check', '--bogus', SEED]]) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: scap-lens check/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  }
});

test('a 3 MB line in the middle of the seed is skipped without losing line numbers', () => {
  const seed = fixtureLines('seed-epipe.scap.txt');
  const long = 'x'.repeat(3 * 1024 * 1024 + 17);
  const file = tmpFile('seed-long-line.scap.txt', [...seed.slice(0, 11), long, ...seed.slice(11)].join('\n') + '\n');
  const r = runCli(['check', '--json', file]);
  assert.equal(r.status, 1, r.stderr);
  const [report] = jsonReports(r.stdout);
  assert.equal(report.events, 36);
  assert.equal(report.unparsedLines, 1);
  const clean = jsonReports(runCli(['check', '--json', SEED]).stdout)[0];
  assert.deepEqual(gist(report), gist(clean));
  assert.deepEqual(report.diagnostics.map((d) => d.line), clean.diagnostics.map((d) => (d.line >= 12 ? d.line + 1 : d.line)));
});

test('a reader that stops early (`scap-lens check --json ... | head -c 100`) ends the run quietly, without a stack trace', async () => {
  const { spawn } = await import('node:child_process');
  // Three reports: the pipe is closed after the first, so writing the next one fails.
  const child = spawn(process.execPath, [cliPath(), 'check', '--json', REVERT, REVERT, REVERT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => { stderr += d; });
  // Take the first 100 bytes, as `head -c 100` does, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '', 'nothing on stderr');
  assert.equal(code, 0);
});

// Binary captures (through sysdig, or the hint without it) are tested in capture.test.ts.

test('`-` reads the dump from standard input, named <stdin> in the output', () => {
  const r = spawnSync(process.execPath, [cliPath(), 'check', '-'], { input: readFixture('seed-epipe.scap.txt'), encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^<stdin>:\d+:\d+: error: .*\[epipe\]$/m);
  assert.match(r.stdout, /^<stdin>: 36 events, 1 connection, 1 error, 1 warning/m);
  const empty = spawnSync(process.execPath, [cliPath(), 'check', '-'], { input: '', encoding: 'utf8' });
  assert.equal(empty.status, 2);
  assert.equal(empty.stderr, 'scap-lens: standard input is empty: there is nothing to analyse\n');
});

test('/dev/stdin on a socket (how node hands a child its input) gets a sentence pointing to `-`', () => {
  // spawnSync's `input` arrives on a socket pair, not a pipe.
  const r = spawnSync(process.execPath, [cliPath(), 'check', '/dev/stdin'], { input: readFixture('seed-epipe.scap.txt'), encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'scap-lens: /dev/stdin is a socket, which cannot be opened as a file; to read standard input, give - instead\n');
});

test('a pipe given as a file is read like one (`scap-lens check <(zcat dump.gz)`); /dev/null is empty', () => {
  // bash's process substitution hands the CLI a /dev/fd path: a pipe, not a regular file.
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath()}" check <(cat test/fixtures/seed-epipe.scap.txt)`], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^\/dev\/fd\/\d+: 36 events, 1 connection, 1 error, 1 warning/m);
  const empty = runCli(['check', '/dev/null']);
  assert.equal(empty.status, 2);
  assert.equal(empty.stderr, 'scap-lens: /dev/null is empty: there is nothing to analyse\n');
});
