// Go to peer on captures joined midway, over the shared corpus: every dump whose connections
// open inside it is cut at several lines inside each such connection's life, and go to peer
// on the cut dump is judged against the whole dump (test/helpers/midCapture.ts). Prints, per
// file, the reads and writes scored, right, none (no answer) and wrong; wrong must be 0.
//
//   node scripts/mid-capture.mjs [--cuts N] [FILE...]   (default: 4 cuts per connection, over
//                                                       the corpus's sysdig and converted dumps)
//   SCAP_LENS_SHARED=/path/to/shared node scripts/mid-capture.mjs

import { readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.SCAP_LENS_SHARED ?? '/work/shared');
const out = join(tmpdir(), `mid-capture-${process.pid}.cjs`);
await build({
  entryPoints: [join(repo, 'test/helpers/midCapture.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', loader: { '.wasm': 'binary' }, logLevel: 'warning',
});
const { scoreDump, emptyScore, addScore } = createRequire(import.meta.url)(out);
rmSync(out);

let files = process.argv.slice(2);
let perConnection = 4;
if (files[0] === '--cuts') {
  perConnection = Number(files[1]);
  files = files.slice(2);
}
if (files.length === 0) {
  const dirs = [join(shared, 'corpus/sysdig'), join(shared, 'corpus/converted')];
  files = dirs.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.scap.txt')).map((f) => join(d, f)));
}
const total = emptyScore();
console.log('file'.padEnd(56), 'scored', 'right', 'none', 'wrong');
for (const file of files) {
  const score = scoreDump(readFileSync(file, 'latin1'), undefined, perConnection);
  addScore(total, score);
  if (score.scored > 0) console.log(file.split('/').pop().padEnd(56), String(score.scored).padStart(6), String(score.right).padStart(5), String(score.none).padStart(4), String(score.wrong).padStart(5));
  for (const sample of score.wrongSamples) console.log(`  wrong: ${sample}`);
}
const recall = total.scored === 0 ? 0 : total.right / total.scored;
console.log('total'.padEnd(56), String(total.scored).padStart(6), String(total.right).padStart(5), String(total.none).padStart(4), String(total.wrong).padStart(5));
console.log(`false claims ${total.wrong}, recall ${recall.toFixed(3)}`);
process.exit(total.wrong === 0 ? 0 : 1);
