// Hover on an errno: its number and what it means for this syscall, on the real lines where
// sysdig puts the errno in `fd=` (a failed accept) as well as in `res=`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent } from 'vscode-languageserver';
import { analyzeText } from '../../server/src/analysis';
import { DumpIndex } from '../../server/src/dumpStore';
import { provideHover } from '../../server/src/hover';
import { readFixture } from '../helpers/repo';

function hoverOn(fixture: string, needle: string, at: string): string {
  const text = readFixture(fixture);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} is in ${fixture}`);
  const index = new DumpIndex(TextDocument.create(`file:///${fixture}`, 'scap', 1, text), analyzeText(text));
  const hover = provideHover(index, { line, character: lines[line].indexOf(at) });
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

test('accept fd=-11(EAGAIN): the hover shows -11 and says no connection was pending', () => {
  const text = hoverOn('instruqt__ticket-generator-http-error-b841f454.scap.txt', '< accept fd=-11(EAGAIN)', 'EAGAIN');
  assert.match(text, /^\*\*EAGAIN\*\* \(-11\): `accept` would have blocked .*no pending connection to accept yet/);
  assert.doesNotMatch(text, /undefined|no room to write/);
});

test('recvfrom res=-11(EAGAIN): no data yet; futex res=-11(EAGAIN): not a descriptor at all', () => {
  const recv = hoverOn('instruqt__ticket-generator-http-error-b841f454.scap.txt', '< recvfrom res=-11(EAGAIN)', 'EAGAIN');
  assert.match(recv, /\*\*EAGAIN\*\* \(-11\): `recvfrom` would have blocked .*no data to read yet\./);
  const futex = hoverOn('502error-bad-header.scap.txt', '< futex res=-11(EAGAIN)', 'EAGAIN');
  assert.match(futex, /^\*\*EAGAIN\*\* \(-11\): `futex` found the futex word already changed/);
});
