#!/usr/bin/env node
// Instruction counts of the CLI's analysis, for comparing two versions of the code on a
// machine whose wall times drift by 2x between runs. Under cachegrind, with V8 in one
// thread (`--single-threaded`: no concurrent compiler or GC threads) and its garbage
// collector on a fixed schedule (`--predictable-gc-schedule`: otherwise when it runs depends
// on the clock, and since the CLI's WebAssembly scanner the count varied by 10 %), the count
// of a run is the same to 1 % from run to run, where wall time is not.
//
//   node scripts/bench/instructions.mjs [FILE] [--mb 20] [--cli path/to/cli.js]
//
// It runs `node --single-threaded --predictable-gc-schedule server/out/cli.js check --json`
// (or the --cli given, e.g. a copy of an older build) on the first MB of FILE
// (default: the bench's generated dump) and on an empty file, and prints the difference:
// what the analysis of those lines costs, start-up excluded. It also prints the part spent
// in V8's optimising compiler, which runs on another thread in a normal run. Needs valgrind
// (`apt-get install -y valgrind`); not part of `npm test` or `npm run bench`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
let mb = 20;
let cli = path.join(ROOT, 'server/out/cli.js');
let source = path.join(ROOT, 'bench/out/dump-50mb.scap.txt');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mb') mb = Number(args[++i]);
  else if (args[i] === '--cli') cli = path.resolve(args[++i]);
  else source = args[i];
}
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('instructions: valgrind is not installed (apt-get install -y valgrind)');
  process.exit(2);
}
if (!fs.existsSync(source)) {
  console.error(`instructions: ${source} not found (npm run bench generates it)`);
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scap-lens-ir-'));
const sample = path.join(dir, `first-${mb}mb.scap.txt`);
const empty = path.join(dir, 'empty.scap.txt');
const fd = fs.openSync(source, 'r');
const bytes = Buffer.alloc(Math.min(mb * 1e6, fs.statSync(source).size));
fs.readSync(fd, bytes, 0, bytes.length, 0);
fs.closeSync(fd);
// Cut at a line end so that no half line is counted as garbage.
fs.writeFileSync(sample, bytes.subarray(0, bytes.lastIndexOf(10) + 1));
fs.writeFileSync(empty, '');

// Runs the CLI on `file` under cachegrind; returns instructions in all, and in the compiler.
function count(file) {
  const out = path.join(dir, `cg.${path.basename(file)}`);
  const run = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`,
    process.execPath, '--single-threaded', '--predictable-gc-schedule', cli, 'check', '--json', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error) throw run.error;
  const report = spawnSync('cg_annotate', ['--threshold=0', out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  let total = 0;
  let compiler = 0;
  for (const line of report.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1].replaceAll(',', ''));
    if (m[2].includes('PROGRAM TOTALS')) total = n;
    else if (/compiler::|turboshaft|maglev/i.test(m[2])) compiler += n;
  }
  return { total, compiler };
}

const a = count(sample);
const b = count(empty);
const M = (n) => `${(n / 1e6).toFixed(0)}M`;
const lines = bytes.subarray(0, bytes.lastIndexOf(10) + 1).reduce((n, c) => n + (c === 10 ? 1 : 0), 0);
console.log(`analysis of ${path.basename(source)}, first ${mb} MB (${lines} lines), start-up excluded:`);
console.log(`  instructions      ${M(a.total - b.total)} (${((a.total - b.total) / lines).toFixed(0)} per line)`);
console.log(`  in the compiler   ${M(a.compiler - b.compiler)}`);
console.log(`  the rest          ${M(a.total - b.total - (a.compiler - b.compiler))}  <- compare this one`);
fs.rmSync(dir, { recursive: true, force: true });
