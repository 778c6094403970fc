// The CLI's WebAssembly line scanner alone, for `npm run bench --large`: the file read as the
// CLI reads it (readSync into the scanner's input area) and every line cut and parsed into a
// record, with nothing done with the records. It is what any analysis built on this scanner
// pays before its model sees a single event, so its ratio to the byte floor is the lowest
// ratio the CLI's design can reach on this machine.
//
//   node scripts/bench/scanner-only.mjs FILE
// Needs server/src/analysis/wasm/scanner.wasm, which `npm run build` compiles.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = fs.readFileSync(path.join(ROOT, 'server/src/analysis/wasm/scanner.wasm'));
const scanner = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports;
scanner.init();
const input = new Uint8Array(scanner.memory.buffer, scanner.inputOffset(), scanner.inputCapacity());

const fd = fs.openSync(process.argv[2], 'r');
let filled = 0;
let records = 0;
for (;;) {
  // The CLI reads 256 KiB at a time behind the unfinished line of the last read (byteScanner.ts).
  const n = fs.readSync(fd, input, filled, Math.min(1 << 18, input.length - filled), null);
  filled += n;
  let from = 0;
  for (;;) {
    const count = scanner.scan(from, filled, n === 0 ? 1 : 0);
    records += count;
    from = scanner.consumedBytes();
    // A scan stops after its record area is full, or at the unfinished last line (then it
    // returns 0 next time): the same calls as the CLI, plus one per read.
    if (count === 0) break;
  }
  if (n === 0) break;
  const tail = filled - from;
  if (tail > 0 && from > 0) input.copyWithin(0, from, filled);
  filled = tail;
  // A line longer than the input area is the CLI's to skip; here it would stall the loop.
  if (filled === input.length) filled = 0;
}
process.stdout.write(`${JSON.stringify({ records })}\n`);
