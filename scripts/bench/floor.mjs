// The floor of `npm run bench`: the least work any analysis of FILE must do in a fresh
// node process, i.e. start node, read the file into one string and visit every line.
// The CLI and the language server also hold the document as one JS string and walk it
// line by line, so this is the same shape of work minus the parsing and the model.
//
//   node scripts/bench/floor.mjs FILE
import fs from 'node:fs';

const text = fs.readFileSync(process.argv[2], 'utf8');
let lines = 0;
let bytes = 0;
// split() materialises every line like a line-by-line parser does; touching .length
// keeps the loop from being optimised away.
for (const line of text.split('\n')) {
  lines++;
  bytes += line.length;
}
process.stdout.write(`${JSON.stringify({ lines, chars: bytes })}\n`);
