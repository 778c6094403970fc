// Binary captures through sysdig (server/src/sysdigCapture.ts, server/src/cli/input.ts): the
// conversion gives exactly the analysis of the corpus's own dump; without sysdig the CLI says
// how to make the dump; a broken capture gets sysdig's own reason. These tests run the real
// sysdig (Debian's package, as CI installs it), on real captures from the corpus.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inputKind, runSysdig, SysdigError } from '../../server/src/sysdigCapture';
import { cliPath, fixturePath, repoRoot, runCli } from '../helpers/repo';

const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-capture-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `check --json` of a file, without the file name, so a capture and its dump compare equal. */
function reportWithoutName(file: string): { status: number | null; report: string; stderr: string } {
  const r = runCli(['check', '--json', file]);
  return { status: r.status, report: r.stdout.replace(/"file":"[^"]*",/, ''), stderr: r.stderr };
}

async function collect(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('latin1');
}

test('inputKind tells a plain capture, a gzip capture, a gzip dump and a text dump apart', () => {
  assert.equal(inputKind(fixturePath('wstrouble-nginx-v2.scap')), 'capture');
  assert.equal(inputKind(fixturePath('falco-cat_write.scap')), 'capture');
  assert.equal(inputKind(fixturePath('wstrouble-nginx-v2.head4k.scap')), 'capture');
  assert.equal(inputKind(fixturePath('seed-epipe.scap.txt')), 'text');
  const gz = join(tmp, 'seed.scap.txt.gz');
  writeFileSync(gz, gzipSync(readFileSync(fixturePath('seed-epipe.scap.txt'))));
  assert.equal(inputKind(gz), 'gzip-dump');
  assert.equal(inputKind(join(tmp, 'missing.scap')), undefined);
});

for (const name of ['wstrouble-nginx-v2', 'libs-single-ipv6-conn', 'falco-cat_write']) {
  test(`check ${name}.scap (through sysdig) reports exactly what check ${name}.scap.txt reports`, () => {
    const capture = reportWithoutName(`test/fixtures/${name}.scap`);
    const dump = reportWithoutName(`test/fixtures/${name}.scap.txt`);
    assert.equal(capture.stderr, '');
    assert.equal(capture.status, dump.status);
    assert.ok(JSON.parse(capture.report).events > 0, 'the capture has events');
    assert.equal(capture.report, dump.report);
  });
}

test('runSysdig streams the capture\'s dump byte for byte, reports progress up to 100 and resolves', async () => {
  const percents: number[] = [];
  const run = runSysdig(fixturePath('wstrouble-nginx-v2.scap'), { onProgress: (p) => percents.push(p) });
  const text = await collect(run.stdout);
  await run.finished;
  assert.equal(text, readFileSync(fixturePath('wstrouble-nginx-v2.scap.txt'), 'latin1'));
  assert.equal(percents[percents.length - 1], 100);
});

test('a sysdig filter keeps only the events it selects', async () => {
  const run = runSysdig(fixturePath('libs-single-ipv6-conn.scap'), { filter: 'evt.type=connect' });
  const lines = (await collect(run.stdout)).split('\n').filter((l) => l.length > 0);
  await run.finished;
  assert.ok(lines.length > 0);
  assert.ok(lines.every((l) => / [<>] connect /.test(l)), lines.join('\n'));
});

test('sysdig missing: runSysdig rejects with reason `missing`, and the CLI keeps its hint', async () => {
  const run = runSysdig(fixturePath('falco-cat_write.scap'), { sysdigPath: join(tmp, 'no-such-dir', 'sysdig') });
  await collect(run.stdout);
  await assert.rejects(run.finished, (error: unknown) => error instanceof SysdigError && error.reason === 'missing' && /was not found at .*no-such-dir\/sysdig/.test(error.message));
  // PATH pointing nowhere: the CLI cannot find sysdig.
  const r = spawnSync(process.execPath, [cliPath(), 'check', 'test/fixtures/falco-cat_write.scap'], {
    cwd: repoRoot(), encoding: 'utf8', env: { ...process.env, PATH: join(tmp, 'no-such-dir') },
  });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /is a binary sysdig capture, not its text dump: make one with `sysdig -r test\/fixtures\/falco-cat_write\.scap > test\/fixtures\/falco-cat_write\.scap\.txt` \(sysdig was not found on PATH\)/);
});

test('a truncated capture: sysdig fails, and its own reason reaches the user', async () => {
  const run = runSysdig(fixturePath('wstrouble-nginx-v2.head4k.scap'));
  await collect(run.stdout);
  await assert.rejects(run.finished, (error: unknown) => error instanceof SysdigError && error.reason === 'failed' && /Is the file truncated\?/.test(error.stderr));
  const r = runCli(['check', 'test/fixtures/wstrouble-nginx-v2.head4k.scap']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^scap-lens: sysdig could not read test\/fixtures\/wstrouble-nginx-v2\.head4k\.scap: .*Is the file truncated\?/);
});

test('a bad filter: sysdig says where the filter is wrong', async () => {
  const run = runSysdig(fixturePath('falco-cat_write.scap'), { filter: 'fd.type=unix and' });
  await collect(run.stdout);
  await assert.rejects(run.finished, (error: unknown) => error instanceof SysdigError && error.reason === 'failed' && /filter error/.test(error.message));
});

test('cancelling kills sysdig and rejects with reason `cancelled`', async () => {
  const controller = new AbortController();
  const run = runSysdig(fixturePath('wstrouble-nginx-v2.scap'), { signal: controller.signal });
  controller.abort();
  run.stdout.resume();
  await assert.rejects(run.finished, (error: unknown) => error instanceof SysdigError && error.reason === 'cancelled');
});

test('a gzip-compressed text dump is read as the dump', () => {
  const gz = join(tmp, 'seed-epipe.scap.txt.gz');
  writeFileSync(gz, gzipSync(readFileSync(fixturePath('seed-epipe.scap.txt'))));
  const r = runCli(['check', gz]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /: 36 events, 1 connection, 1 error, 1 warning/);
});

test('--progress writes whole percents on stderr, ending at 100%, for a dump and for a capture', () => {
  for (const file of ['test/fixtures/revert-httpd-POST-single.scap.txt', 'test/fixtures/wstrouble-nginx-v2.scap']) {
    const r = runCli(['check', '--json', '--progress', file]);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length > 0, file);
    assert.ok(lines.every((l) => /^progress: \d+%$/.test(l)), r.stderr);
    assert.equal(lines[lines.length - 1], 'progress: 100%');
    assert.equal(JSON.parse(r.stdout).file, file);
  }
});

test('conversations, follow and diagram read a capture through sysdig as they read its dump', () => {
  const name = 'wstrouble-nginx-v2';
  const line = readFileSync(fixturePath(`${name}.scap.txt`), 'latin1').split('\n').findIndex((l) => / < accept fd=/.test(l)) + 1;
  const norm = (text: string) => text.replaceAll(`${name}.scap.txt`, 'X').replaceAll(`${name}.scap`, 'X').replaceAll(/capture-[^/]*\/diagram-(capture|dump)/g, 'OUT');
  const same = (args: (file: string, kind: string) => string[]) => {
    const capture = runCli(args(`test/fixtures/${name}.scap`, 'capture'));
    const dump = runCli(args(`test/fixtures/${name}.scap.txt`, 'dump'));
    assert.equal(capture.status, dump.status);
    assert.equal(norm(capture.stderr), norm(dump.stderr));
    assert.equal(norm(capture.stdout), norm(dump.stdout));
    assert.ok(capture.stdout.length + capture.stderr.length > 0);
  };
  same((f) => ['conversations', '--json', f]);
  same((f) => ['follow', `${f}:${line}`]);
  same((f, kind) => ['diagram', `${f}:${line}`, '-o', join(tmp, `diagram-${kind}.svg`)]);
  assert.equal(norm(readFileSync(join(tmp, 'diagram-capture.svg'), 'utf8')), norm(readFileSync(join(tmp, 'diagram-dump.svg'), 'utf8')));
});
