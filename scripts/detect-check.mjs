// Checks the content detection (server/src/analysis/detect.ts, which the client applies to
// Plain Text and Log documents) and package.json's `firstLine` patterns on the whole shared
// corpus: every rendering the parser reads must be detected as `scap` or `strace`, and the
// corpus's prose, summaries, stderr captures and custom `-p` field lists must not be.
//
//   npm run corpus           (runs corpus-check.mjs, then this)
//   SCAP_LENS_SHARED=/path/to/shared node scripts/detect-check.mjs

import { existsSync, readdirSync, readFileSync, rmSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.SCAP_LENS_SHARED ?? join(repo, '..', 'shared'));
const corpus = join(shared, 'corpus');
if (!existsSync(corpus)) {
  console.error(`detect-check: ${corpus} does not exist (set SCAP_LENS_SHARED to the shared folder)`);
  process.exit(2);
}

const bundle = join(tmpdir(), `scap-lens-detect-${process.pid}.cjs`);
await build({
  entryPoints: [join(repo, 'server/src/analysis/detect.ts')], bundle: true, platform: 'node', format: 'cjs',
  outfile: bundle, logLevel: 'warning',
});
const { detectTraceLanguage, DETECTION_HEAD_BYTES } = createRequire(import.meta.url)(bundle);
rmSync(bundle, { force: true });

const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const firstLine = Object.fromEntries(manifest.contributes.languages.map((l) => [l.id, l.firstLine && new RegExp(l.firstLine)]));

/** The first DETECTION_HEAD_BYTES of a file, as the server would read it from disk. */
function head(file) {
  const buffer = Buffer.alloc(DETECTION_HEAD_BYTES);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

// What each file must be detected as. Renderings the parser does not read (custom -p field
// lists, the fixed-width datetime -p) and files that are not dumps must stay undetected.
const sysdig = join(corpus, 'sysdig');
const cases = [];
for (const name of readdirSync(sysdig)) {
  const file = join(sysdig, name);
  if (name.endsWith('.scap.txt') || name.endsWith('.sc.txt')) cases.push([file, 'scap']);
  else if (/\.(md|sh)$/.test(name)) cases.push([file, undefined]);
}
for (const name of readdirSync(join(sysdig, 'variants'))) {
  const file = join(sysdig, 'variants', name);
  const expected = /\.(p_fields|p_fields_nostar|p_width_datetime)\.txt$|\.stderr\.txt$/.test(name) ? undefined : 'scap';
  cases.push([file, expected]);
}
for (const name of readdirSync(join(corpus, 'strace'))) {
  const file = join(corpus, 'strace', name);
  if (!statSync(file).isFile()) continue;
  // The *example.txt files are strace excerpts under a `#` comment line: detected from their
  // second line, while a first-line pattern cannot see them.
  if (name.endsWith('example.txt')) cases.push([file, 'strace', null]);
  else cases.push([file, name.endsWith('.strace') ? 'strace' : undefined]);
}

const failures = [];
let checked = 0;
let empty = 0;
let detectedCount = 0;
for (const [file, expected, firstLineExpected] of cases.sort()) {
  const expectedByFirstLine = firstLineExpected === null ? undefined : expected;
  if (statSync(file).size === 0) {
    empty++;
    continue;
  }
  checked++;
  const text = head(file);
  const detected = detectTraceLanguage(text);
  if (detected) detectedCount++;
  const line1 = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  const byFirstLine = Object.keys(firstLine).find((id) => firstLine[id]?.test(line1));
  const name = relative(corpus, file);
  if (detected !== expected) failures.push(`${name}: detected ${detected ?? 'nothing'}, expected ${expected ?? 'nothing'}`);
  if (byFirstLine !== expectedByFirstLine) failures.push(`${name}: package.json firstLine says ${byFirstLine ?? 'nothing'}, expected ${expectedByFirstLine ?? 'nothing'}`);
}
console.log(`detection: ${checked} files checked (${detectedCount} detected as dumps or traces, ${checked - detectedCount} as neither), ${empty} empty skipped, ${failures.length} failures`);
for (const f of failures) console.log(`  FAIL ${f}`);
process.exit(failures.length > 0 ? 1 : 0);
