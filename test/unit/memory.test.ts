// The CLI streams a dump in chunks and must not keep them: a substring that outlives its line
// (a process name, a socket address) would pin its whole 64 KiB chunk. This reads a dump of
// about 17 MB made of many short connections and checks what stays on the heap afterwards.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeFile } from '../../server/src/analysis';
import { detach } from '../../server/src/analysis/strings';
import { readFixture } from '../helpers/repo';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap growth while keeping `copy` of a 60-character slice of each of ten 5 MB strings. */
function growthKeeping(copy: (text: string) => string): number {
  const before = heapAfterGc();
  const kept: string[] = [];
  for (let i = 0; i < 10; i++) {
    const parent = 'x'.repeat(5_000_000) + i;
    parent.indexOf('z'); // flattens the concatenation into one 5 MB string
    kept.push(copy(parent.slice(100, 160)));
  }
  const grown = heapAfterGc() - before;
  assert.equal(kept[3], 'x'.repeat(60));
  return grown;
}

test('detach copies: the copy does not keep its 5 MB parent alive, a plain slice does', () => {
  const detached = growthKeeping(detach);
  // V8 sometimes still holds the last parent from its own frames when the heap is measured
  // (seen once in six runs under load): one 5 MB string at most, against ten for slices.
  assert.ok(detached < 10_000_000, `heap grew by ${detached} bytes for ten detached 60-character strings`);
  // The control shows the measurement can see pinning: plain slices keep all ten parents.
  const sliced = growthKeeping((text) => text);
  assert.ok(sliced > 40_000_000, `plain slices kept only ${sliced} bytes`);
});

/** Writes the dump in its own frame, so that no temporary of the test keeps the 17 MB text. */
function writeDump(file: string, copies: number): void {
  writeFileSync(file, readFixture('revert-httpd-POST-single.scap.txt').repeat(copies), 'latin1');
}

test('analyzing a 17 MB dump in lean mode keeps no input chunk alive', async () => {
  // Twelve copies of the converted capture: 4 800 connections that all close, 744 findings.
  const dir = mkdtempSync(join(tmpdir(), 'scap-lens-memory-'));
  const file = join(dir, 'big.scap.txt');
  try {
    writeDump(file, 12);
    const before = heapAfterGc();
    const analysis = await analyzeFile(file);
    const retained = heapAfterGc() - before;
    assert.equal(analysis.findings.length, 12 * 62);
    // What is kept is the findings and their connections, about 1 MB. Strings that pinned
    // what they were read from (a read buffer, a line) would keep most of the input: about
    // 16 MB more.
    assert.ok(retained < 6_000_000, `${(retained / 1e6).toFixed(1)} MB retained after analysing a 17 MB dump`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
