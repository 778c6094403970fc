// The floor of `npm run bench`, as the issue defines it: a fresh node process that reads
// every byte of FILE and cuts the text into lines. It reads the way a JavaScript parser
// must (and the CLI did until its WebAssembly scanner): a latin1 stream in 64 KiB chunks,
// lines cut with indexOf/slice, a carry for the line that spans two chunks.
// (Reading the whole file and split('\n') was tried too: slower, and ~3x the file in RSS.)
// The CLI now scans bytes and makes no string per line; floor-bytes.mjs is the floor of
// that way of reading, and the bench shows the CLI's ratio to it as well.
//
//   node scripts/bench/floor.mjs FILE
import fs from 'node:fs';

const stream = fs.createReadStream(process.argv[2], { encoding: 'latin1', highWaterMark: 1 << 16 });
let lines = 0;
let chars = 0;
let carry = '';
for await (const chunk of stream) {
  let start = 0;
  let end = chunk.indexOf('\n');
  while (end >= 0) {
    const line = carry ? carry + chunk.slice(start, end) : chunk.slice(start, end);
    carry = '';
    // Touching every line keeps the loop from being optimised away.
    lines++;
    chars += line.length;
    start = end + 1;
    end = chunk.indexOf('\n', start);
  }
  carry += chunk.slice(start);
}
if (carry) {
  lines++;
  chars += carry.length;
}
process.stdout.write(`${JSON.stringify({ lines, chars })}\n`);
