// Content detection (server/src/analysis/detect.ts), which the client applies to Plain Text
// and Log documents, and package.json's `firstLine` patterns, which VS Code applies to files
// without an extension. Every rendering the parser reads must be detected; prose and the
// renderings it does not read must not be. `npm run corpus` runs the same checks on the
// whole shared corpus (scripts/detect-check.mjs).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { STRACE_LINE, detectTraceLanguage, lineLanguage } from '../../server/src/analysis/detect';
import { readFixture, repoRoot } from '../helpers/repo';

const SYSDIG_FIXTURES = [
  'seed-epipe.scap.txt', 'instruqt-tar-dbus.scap.txt', 'wstrouble-nginx.scap.txt', 'wstrouble-httpd.scap.txt',
  'wstrouble-nginx.tty_ansi.txt', 'wstrouble-nginx.x.txt', 'wstrouble-nginx.A.txt', 'wstrouble-nginx.j.txt',
  'wstrouble-nginx.pc.txt', 'wstrouble-httpd.ta.txt', 'lidds-apache2-excerpt.sc.txt', 'revert-httpd-POST-single.scap.txt',
];
const STRACE_FIXTURES = [
  'revert-httpd-POST-single.strace', 'revert-httpd-POST-frontonly.httpd.strace', 'revert-nginx-POST.merged.strace',
  ...['tt-yy', 'ttt-T-yy', 'tt-Y-yy', 'tt-yy-x', 'tt-yy-xx', 't-y', 'stderr-tt-yy'].map((flags) => `strace-flags/${flags}.strace`),
];

// First lines of renderings with no fixture of their own, verbatim from
// corpus/sysdig/variants (wstrouble__example5_httpd.t{r,d,D}.txt, .TZ_America_New_York.txt)
// and the start of falco__psp_privileged.pc.txt's first line (a container event, tid -1:-2).
const OTHER_SYSDIG_LINES = [
  '53 0.709786647 0 httpd (15174) < select res=0 ',
  '53 0.000000000 0 httpd (15174) < select res=0 ',
  '54 0.000010117 0 httpd (15174) > wait4 ',
  '53 14:44:49.709786646 0 httpd (15174) < select res=0 ',
  '1405 21:35:33.350505660 0 epic_cray (9dbcbd0c435f) container:9dbcbd0c435f (-1:-2) > container json={"container":{"Mounts":[],"cpu_period":100000,',
];

/** package.json's firstLine patterns, by language, as VS Code compiles them. */
function firstLinePatterns(): Map<string, RegExp> {
  const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
    contributes: { languages: { id: string; firstLine?: string }[] };
  };
  return new Map(manifest.contributes.languages.filter((l) => l.firstLine).map((l) => [l.id, new RegExp(l.firstLine!)]));
}

function byFirstLine(text: string): string | undefined {
  const line = text.split('\n', 1)[0];
  for (const [id, pattern] of firstLinePatterns()) if (pattern.test(line)) return id;
  return undefined;
}

test('every sysdig rendering the parser reads is detected as scap, by content and by firstLine', () => {
  for (const name of SYSDIG_FIXTURES) {
    const text = readFixture(name);
    assert.equal(detectTraceLanguage(text), 'scap', name);
    assert.equal(byFirstLine(text), 'scap', name);
  }
  for (const line of OTHER_SYSDIG_LINES) {
    assert.equal(detectTraceLanguage(line + '\n'), 'scap', line);
    assert.equal(byFirstLine(line), 'scap', line);
  }
});

test('package.json\'s strace firstLine is the content check\'s own pattern', () => {
  assert.equal(firstLinePatterns().get('strace')?.source, STRACE_LINE.source);
});

test('strace traces with -f/-t/-tt/-ttt/-T/-Y/-x/-xx, with and without -o, are detected as strace', () => {
  for (const name of STRACE_FIXTURES) {
    const text = readFixture(name);
    assert.equal(detectTraceLanguage(text), 'strace', name);
    assert.equal(byFirstLine(text), 'strace', name);
  }
  // Each kind of line on its own (strace-flags/*.strace, revert-httpd-POST-single.strace).
  for (const line of [
    '17621 05:44:19.180161 accept4(3<TCP:[127.0.0.1:42851]>,  <unfinished ...>',
    '17620 05:44:19.236357 <... sendto resumed>) = 18',
    '17620 05:44:19.387238 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=17620, si_uid=0} ---',
    '17622 05:44:19.287611 +++ exited with 0 +++',
    '17630 1796017459.533770 sendto(5<TCP:[127.0.0.1:55446->127.0.0.1:59295]>, "\\0\\1\\2\\377 tail", 9, 0, NULL, 0) = -1 ECONNRESET (Connection reset by peer) <0.000003>',
    '[pid 17738] 05:44:20.717381 <... recvfrom resumed>"GET /", 5, 0, NULL, NULL) = 5',
  ]) assert.equal(lineLanguage(line), 'strace', line);
});

test('a trace after a short header is still detected; prose, -p field lists and sysdig\'s stderr are not', () => {
  // strace/*.example.txt in the corpus: verbatim strace lines under one `#` comment.
  assert.equal(detectTraceLanguage('# verbatim lines from traces/debian-httpd-POST.merged.strace for one connection (no EPIPE); uWSGI pid 23897\n'
    + readFixture('revert-httpd-POST-single.strace').split('\n').slice(0, 3).join('\n')), 'strace');
  assert.equal(detectTraceLanguage('$ sysdig -r trace.scap\r\n' + readFixture('wstrouble-nginx.tty_ansi.txt').slice(0, 2000)), 'scap');
  for (const name of ['README.md', 'ARCHITECTURE.md', 'package.json', 'test/fixtures/README.md', 'server/src/analysis/detect.ts']) {
    assert.equal(detectTraceLanguage(readFileSync(join(repoRoot(), name), 'utf8')), undefined, name);
    assert.equal(byFirstLine(readFileSync(join(repoRoot(), name), 'utf8')), undefined, name);
  }
  for (const text of [
    '', '\n\n', 'f(x) = 2\n', '12:00:01.5 main(): started\n',
    // corpus/sysdig/variants: a custom -p field list (falco__cat_write.p_fields.txt), the
    // fixed-width -p datetime rendering and sysdig -v's stderr, which the parser does not read.
    '131|1470327477881730713|0|20072|cat|20072|<|execve|<NA>|<NA>|<NA>|<NA>|SUCCESS|0|false\n',
    '53 2017-12-04 19:44:49.709786646 httpd     |15174 < select res=0 \n',
    'Driver Events:0\nDriver Drops:0\n',
  ]) {
    assert.equal(detectTraceLanguage(text), undefined, JSON.stringify(text));
    assert.equal(byFirstLine(text), undefined, JSON.stringify(text));
  }
  // Only the first few non-blank lines count: a dump quoted deep inside a text is not a dump.
  assert.equal(detectTraceLanguage('notes\n'.repeat(5) + readFixture('seed-epipe.scap.txt')), undefined);
});

test('a -j line cut short by a head read from disk is still sysdig\'s', () => {
  const first = readFixture('wstrouble-nginx.j.txt').split('\n', 1)[0];
  assert.equal(detectTraceLanguage(first.slice(0, 60)), 'scap');
});

test('the patterns stay linear on a 20 000-character line that almost matches', () => {
  const long = 'x'.repeat(20_000);
  const lines = [
    `1 12:00:00.000000000 0 ${'a ('.repeat(6_000)}`,
    `1631078878244788453 33 2902777 ${'a 1 '.repeat(5_000)}`,
    `23745 12:14:44.321173 writev(${'(a) '.repeat(5_000)}`,
    `23745 12:14:44.321173 --- SIGPIPE ${long}`,
    `{"evt.cpu":${long}`,
    long,
  ];
  const started = process.hrtime.bigint();
  for (const line of lines) {
    detectTraceLanguage(line);
    for (const pattern of firstLinePatterns().values()) pattern.test(line);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // Linear work on 120 000 characters takes well under a millisecond or so; a quadratic
  // pattern takes seconds.
  assert.ok(ms < 200, `${ms.toFixed(1)} ms`);
});
