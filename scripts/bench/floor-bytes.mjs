// A second floor for `npm run bench`, shown for comparison: reading FILE the way the CLI now
// reads it (readSync into one 256 KiB buffer) and finding every line end in the bytes, with
// no string made. The target row keeps the floor (floor.mjs: lines cut as strings,
// the least a JavaScript parser needs); this one is the least a byte scanner needs, so the
// CLI's ratio to it is the stricter figure.
//
//   node scripts/bench/floor-bytes.mjs FILE
import fs from 'node:fs';

const fd = fs.openSync(process.argv[2], 'r');
const buffer = Buffer.allocUnsafe(1 << 18);
let lines = 0;
let chars = 0;
let carry = 0;
for (;;) {
  const n = fs.readSync(fd, buffer, 0, buffer.length, null);
  if (n === 0) break;
  const bytes = n === buffer.length ? buffer : buffer.subarray(0, n);
  let start = 0;
  for (let end = bytes.indexOf(10); end >= 0; end = bytes.indexOf(10, start)) {
    // Touching every line keeps the loop from being optimised away.
    lines++;
    chars += carry + end - start;
    carry = 0;
    start = end + 1;
  }
  carry += n - start;
}
if (carry > 0) {
  lines++;
  chars += carry;
}
process.stdout.write(`${JSON.stringify({ lines, chars })}\n`);
