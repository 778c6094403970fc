// The sequence diagram panel follows its event's line through edits of the dump
// (client/src/lineAfterChanges.ts); these are the edits VS Code reports for typing,
// deleting lines and reloading a file changed on disk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LineChange, lineAfterChanges } from '../../client/src/lineAfterChanges';

function change(startLine: number, startChar: number, endLine: number, endChar: number, text: string): LineChange {
  return { range: { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } }, text };
}

test('Enter at the start of line 0 pushes line 10 down by one', () => {
  assert.equal(lineAfterChanges(10, [change(0, 0, 0, 0, '\n')]), 11);
});

test('Enter at the start of the line itself pushes it down; at its end it does not move', () => {
  assert.equal(lineAfterChanges(10, [change(10, 0, 10, 0, '\n')]), 11);
  assert.equal(lineAfterChanges(10, [change(10, 40, 10, 40, '\n')]), 10);
});

test('deleting two whole lines above moves it up by two', () => {
  assert.equal(lineAfterChanges(10, [change(3, 0, 5, 0, '')]), 8);
});

test('an edit below the line, or inside one line above it, does not move it', () => {
  assert.equal(lineAfterChanges(10, [change(12, 0, 14, 0, 'x\ny\nz\n')]), 10);
  assert.equal(lineAfterChanges(10, [change(4, 2, 4, 9, 'abc')]), 10);
});

test('a reload from disk replaces the whole text: the line stays where it was, within the new text', () => {
  assert.equal(lineAfterChanges(10, [change(0, 0, 500, 0, 'a\n'.repeat(600))]), 10);
  assert.equal(lineAfterChanges(10, [change(0, 0, 500, 0, 'a\n'.repeat(4))]), 4);
});

test('several changes of one event apply in their order', () => {
  // Two cursors: a line inserted at line 2, then a line removed at line 6 (after the first change).
  assert.equal(lineAfterChanges(10, [change(2, 0, 2, 0, 'new\n'), change(6, 0, 7, 0, '')]), 10);
});
