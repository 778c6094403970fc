// Runs `scap-lens check --json` over the real sysdig dumps of the shared corpus and prints a
// table: file → events, unparsed lines, connections, findings. Then checks that the CLI's
// WebAssembly scanner and the language server's JavaScript parser give the same analysis of
// every file. Exits 1 when any dump has lines the parser did not understand (or is rejected
// as "not a sysdig dump") or the two disagree, 2 when the corpus or the built CLI is missing.
// Empty dumps are fine and shown as "empty".
//
// Last, the differential check against sysdig: for every capture with a fixture in
// test/fixtures/sysdig-truth/ (scripts/sysdig-truth.mjs), the bytes per (process, fd) of
// `scap-lens conversations --json` on its dump and on its -A, -x, -X and -j variants must equal
// sysdig's own counts. `--truth` runs only this part.
//
//   npm run corpus          (= node scripts/build.mjs && node scripts/corpus-check.mjs)
//   SCAP_LENS_SHARED=/path/to/shared node scripts/corpus-check.mjs
//
// Files: corpus/sysdig/*.scap.txt (sysdig's default format) and *.sc.txt (LID-DS), the variants
// *.A.txt *.x.txt *.X.txt *.v.txt *.b.txt *.j.txt *.pc.txt *.net*.txt *.t?.txt, and the strace traces
// corpus/strace/*.strace (the second format). Renderings the parser does not read are left
// out and counted as skipped: custom -p field lists (p_fields*), and the
// *.stderr.txt files (sysdig's stderr, not a dump).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { build } from 'esbuild';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.SCAP_LENS_SHARED ?? join(repo, '..', 'shared'));
const sysdigDir = join(shared, 'corpus', 'sysdig');
const variantsDir = join(sysdigDir, 'variants');
const cli = join(repo, 'server', 'out', 'cli.js');

if (!existsSync(sysdigDir)) {
  console.error(`corpus-check: ${sysdigDir} does not exist (set SCAP_LENS_SHARED to the shared folder)`);
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error(`corpus-check: ${cli} does not exist: run node scripts/build.mjs first`);
  process.exit(2);
}

const VARIANT_PATTERNS = [/\.A\.txt$/, /\.x\.txt$/, /\.X\.txt$/, /\.v\.txt$/, /\.b\.txt$/, /\.j\.txt$/, /\.pc\.txt$/, /\.net.*\.txt$/, /\.t.\.txt$/];
const NOT_DEFAULT_FORMAT = /\.(p_fields|p_fields_nostar)\.txt$|\.stderr\.txt$/;
const straceDir = join(shared, 'corpus', 'strace');

// `*.sc.txt` is LID-DS's custom -p format, which the parser also reads.
const files = readdirSync(sysdigDir).filter((n) => n.endsWith('.scap.txt') || n.endsWith('.sc.txt')).sort().map((n) => join(sysdigDir, n));
const skipped = [];
if (existsSync(variantsDir)) {
  for (const name of readdirSync(variantsDir).sort()) {
    if (!VARIANT_PATTERNS.some((p) => p.test(name))) continue;
    if (NOT_DEFAULT_FORMAT.test(name)) skipped.push(name);
    else files.push(join(variantsDir, name));
  }
}

if (existsSync(straceDir)) {
  for (const name of readdirSync(straceDir).sort()) if (name.endsWith('.strace')) files.push(join(straceDir, name));
}

/** Runs the CLI on one file and classifies the result. */
function check(file) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'check', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('close', (status) => {
      const row = { file, status, stderr: stderr.trim() };
      if (status === 2 && statSync(file).size === 0) row.kind = 'empty';
      else if (status === 0 || status === 1) {
        try {
          row.report = JSON.parse(stdout.trim().split('\n')[0]);
          row.kind = row.report.unparsedLines > 0 ? 'unparsed' : 'ok';
        } catch (error) {
          row.kind = 'failed';
          row.stderr = `unreadable --json output: ${error.message}`;
        }
      } else row.kind = 'failed';
      done(row);
    });
  });
}

const truthOnly = process.argv.includes('--truth');
if (truthOnly) {
  process.exit(await truthCheck() ? 0 : 1);
}

/** Runs `conversations --json` on one file: the parsed report, or undefined with why. */
function conversationsOf(file) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'conversations', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('close', (status) => {
      if (status !== 0 && status !== 1) done({ error: `exit ${status}: ${stderr.trim().split('\n')[0]}` });
      else done({ report: JSON.parse(stdout.trim().split('\n')[0]) });
    });
  });
}

/**
 * The differential check: sysdig's bytes per (process, fd) against the conversations of each
 * dump and variant. Prints one line per file and the total; true when every endpoint agrees.
 */
async function truthCheck() {
  const truthDir = join(repo, 'test', 'fixtures', 'sysdig-truth');
  const bundle = join(tmpdir(), `scap-lens-truth-${process.pid}.cjs`);
  await build({
    entryPoints: [join(repo, 'test', 'helpers', 'sysdigTruth.ts')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
  });
  const { compareWithTruth } = createRequire(import.meta.url)(bundle);
  rmSync(bundle, { force: true });
  const sums = new Map();
  let allAgree = true;
  for (const name of readdirSync(truthDir).sort()) {
    const truth = JSON.parse(readFileSync(join(truthDir, name), 'utf8'));
    const base = name.replace(/\.json$/, '');
    const dumps = [['dump', join(shared, truth.dump)]];
    for (const variant of ['A', 'x', 'X', 'j']) {
      for (const tag of ['', 'net.']) {
        const path = join(variantsDir, `${base}.${tag}${variant}.txt`);
        if (existsSync(path)) dumps.push([`-${variant}`, path]);
      }
    }
    let dumpConversations;
    for (const [kind, path] of dumps) {
      if (!existsSync(path)) continue;
      let result;
      if (statSync(path).size === 0) result = compareWithTruth(truth, { conversations: [] });
      else {
        const run = await conversationsOf(path);
        if (run.error) {
          console.log(`${relative(sysdigDir, path)}: FAILED ${run.error}`);
          allAgree = false;
          continue;
        }
        result = compareWithTruth(truth, run.report);
        // Every rendering of a capture gives the same conversations, not only the same sums.
        // Pids are left out: the unfiltered dump tells more of them (clone and execve exits).
        const gist = JSON.stringify(run.report.conversations.map((c) => {
          const ends = new Map();
          for (const e of c.endpoints) {
            const sum = ends.get(`${e.process}|${e.fd}`) ?? [0, 0];
            ends.set(`${e.process}|${e.fd}`, [sum[0] + e.bytesWritten, sum[1] + e.bytesRead]);
          }
          return [c.kind, c.addresses, [...ends].filter(([, [w, r]]) => w + r > 0).sort()];
        }));
        if (kind === 'dump') dumpConversations = gist;
        else if (dumpConversations !== undefined && gist !== dumpConversations) {
          result.differences.push(`its conversations differ from those of the default dump`);
          if (result.agree === result.total) result.total++;
        }
      }
      const sum = sums.get(kind) ?? { agree: 0, total: 0, truthBytes: 0, matchedBytes: 0, files: 0 };
      sum.agree += result.agree;
      sum.total += result.total;
      sum.truthBytes += result.truthBytes;
      sum.matchedBytes += result.matchedBytes;
      sum.files++;
      sums.set(kind, sum);
      if (result.total === 0) continue;
      console.log(`${relative(sysdigDir, path)}: ${result.agree} of ${result.total} endpoints agree with sysdig`);
      for (const d of result.differences) console.log(`    ${d}`);
      if (result.agree !== result.total) allAgree = false;
    }
  }
  for (const [kind, s] of sums) {
    const share = s.truthBytes === 0 ? 100 : (100 * s.matchedBytes) / s.truthBytes;
    console.log(`sysdig truth, ${kind === 'dump' ? 'default dumps' : `${kind} variants`} (${s.files} files): ${s.agree} of ${s.total} endpoints agree, ${share.toFixed(2)} % of bytes`);
  }
  return allAgree;
}

const started = Date.now();
const rows = new Array(files.length);
let next = 0;
const workers = Array.from({ length: Math.max(1, Math.min(8, cpus().length)) }, async () => {
  while (next < files.length) {
    const i = next++;
    rows[i] = await check(files[i]);
  }
});
await Promise.all(workers);

const name = (file) => relative(sysdigDir, file);
const width = Math.max(...rows.map((r) => name(r.file).length), 4);
const pad = (text, n) => String(text).padStart(n);
console.log(`${'file'.padEnd(width)} ${pad('events', 8)} ${pad('unparsed', 8)} ${pad('conns', 6)} ${pad('errors', 6)} ${pad('warnings', 8)}`);
for (const r of rows) {
  const label = name(r.file).padEnd(width);
  if (r.kind === 'empty') {
    console.log(`${label} ${pad('empty', 8)}`);
  } else if (r.kind === 'failed') {
    console.log(`${label} ${pad('FAILED', 8)}  exit ${r.status}: ${r.stderr.split('\n')[0]}`);
  } else {
    const d = r.report.diagnostics;
    const errors = d.filter((x) => x.severity === 'error').length;
    const warnings = d.filter((x) => x.severity === 'warning').length;
    const sample = r.report.unparsedSamples?.[0];
    console.log(`${label} ${pad(r.report.events, 8)} ${pad(r.report.unparsedLines, 8)} ${pad(r.report.connections, 6)} ${pad(errors, 6)} ${pad(warnings, 8)}`
      + (sample ? `  first unparsed: line ${sample.line}: ${sample.reason}` : ''));
  }
}

// The CLI reads through its WebAssembly scanner; the language server parses with the
// JavaScript parser. Both must give the same analysis of every file (test/unit/byteScanner.test.ts
// holds them side by side on the fixtures; this does it on the whole corpus). A small bundle
// of the two paths is built for it with esbuild.
const compareBundle = join(tmpdir(), `scap-lens-corpus-compare-${process.pid}.cjs`);
await build({
  stdin: {
    contents: "export { analyzeFile } from './server/src/analysis'; export { analyzeLines, gist } from './test/helpers/sameAnalysis';",
    resolveDir: repo, loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', loader: { '.wasm': 'binary' }, outfile: compareBundle, logLevel: 'warning',
});
const { analyzeFile, analyzeLines, gist } = createRequire(import.meta.url)(compareBundle);
const disagree = [];
for (const file of files) {
  const text = readFileSync(file, 'latin1');
  try {
    assert.deepStrictEqual(gist(await analyzeFile(file)), gist(analyzeLines(text)));
  } catch (error) {
    disagree.push(`${name(file)}: ${String(error.message).split('\n').slice(0, 6).join(' ')}`);
  }
}
rmSync(compareBundle, { force: true });
console.log(`the CLI's scanner and the JavaScript parser agree on ${files.length - disagree.length} of ${files.length} files`);
for (const line of disagree) console.log(`  DISAGREE ${line}`);

const bad = rows.filter((r) => r.kind === 'unparsed' || r.kind === 'failed');
const counts = (kind) => rows.filter((r) => r.kind === kind).length;
const truthAgrees = await truthCheck();
console.log(`\n${rows.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts('ok')} fully parsed, ${counts('empty')} empty, `
  + `${counts('unparsed')} with unparsed lines, ${counts('failed')} rejected; ${skipped.length} renderings skipped (-p fields, stderr)`);
if (bad.length > 0 || disagree.length > 0 || !truthAgrees) {
  console.log(`FAIL: ${[...bad.map((r) => name(r.file)), ...disagree.map((d) => d.split(':')[0]), ...(truthAgrees ? [] : ['sysdig truth'])].join(', ')}`);
  process.exit(1);
}
