#!/usr/bin/env node
// `npm run bench:follow`: how long `scap-lens follow` takes on the generated bench dump's
// largest connection (most lines naming one socket), and its peak RSS. Each run is a fresh
// process: the whole file is read and analysed (follow needs the text), then that one
// connection is assembled, decoded and printed. Reuses bench/out/dump-<mb>mb.scap.txt.
//
//   node scripts/bench/follow.mjs [--mb 50] [--runs 3]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const mb = arg('--mb', 50);
const runs = arg('--runs', 3);

const gen = spawnSync(process.execPath, ['scripts/gen-dump.mjs', '--mb', String(mb)], { cwd: ROOT, stdio: 'inherit' });
if (gen.status !== 0) throw new Error('dump generation failed');
const file = path.join(ROOT, 'bench/out', `dump-${mb}mb.scap.txt`);

// The socket named on most lines, by its fd text `(<u>A->B /path)` or `(<4t>a:p->b:q)`, and
// the first line naming it. Enter lines carry the fd; that is enough to rank connections.
const counts = new Map();
const first = new Map();
let lineNumber = 0;
for await (const line of readline.createInterface({ input: fs.createReadStream(file, 'latin1'), crlfDelay: Infinity })) {
  lineNumber++;
  const m = /fd=\d+\((<[u46]t?>[^)]*->[^)]*)\)/.exec(line);
  if (!m) continue;
  counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  if (!first.has(m[1])) first.set(m[1], lineNumber);
}
let best;
for (const [name, n] of counts) if (!best || n > best[1]) best = [name, n];
const target = `${file}:${first.get(best[0])}`;
console.log(`dump ${(fs.statSync(file).size / 1e6).toFixed(1)} MB; largest socket ${best[0]} (${best[1]} lines naming it; an address reused by later connections counts for all)`);

for (const flags of [[], ['--json']]) {
  const times = [];
  let rss = 0;
  let out = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'server/out/cli.js', 'follow', ...flags, target], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push((performance.now() - started) / 1000);
    if (r.status !== 0) throw new Error(`follow failed: ${r.stderr}`);
    rss = Math.max(rss, Number(r.stderr.trim().split('\n').pop()) / 1024);
    out = r.stdout.length;
  }
  times.sort((a, b) => a - b);
  console.log(`follow ${flags.join(' ') || '(text)'}: median ${times[runs >> 1].toFixed(2)} s of ${runs}, peak RSS ${rss.toFixed(0)} MB, output ${(out / 1e3).toFixed(0)} kB`);
}
