// Outline, breadcrumbs, sticky scroll and Go to Symbol. VS Code finds the symbol under the
// cursor as the first symbol in the list whose range holds the line, level by level
// (OutlineGroup._getItemEnclosingPosition in VS Code's outlineModel.ts); `underCursor` does the
// same, so these tests see what the breadcrumbs show.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, type Connection, firstLine } from '../../server/src/analysis';
import { provideDocumentSymbols } from '../../server/src/documentSymbols';
import { DumpIndex } from '../../server/src/dumpStore';
import { fixtureLines, readFixture } from '../helpers/repo';

function indexOf(name: string): DumpIndex {
  const text = readFixture(name);
  return new DumpIndex(TextDocument.create(`file:///${name}`, name.endsWith('.strace') ? 'strace' : 'scap', 1, text), analyzeText(text));
}

function underCursor(symbols: DocumentSymbol[], line: number): DocumentSymbol[] {
  for (const s of symbols) {
    if (line < s.range.start.line || line > s.range.end.line) continue;
    return [s, ...underCursor(s.children ?? [], line)];
  }
  return [];
}

/** The lines of a connection's events (enter and exit lines of both ends). */
function linesOf(connection: Connection): number[] {
  return connection.calls.flatMap((c) => [c.enterLine, c.exitLine]).filter((l) => l >= 0);
}

/** The symbol of each connection, found by its selection range (its first event's line). */
function symbolOf(symbols: DocumentSymbol[], connection: Connection): DocumentSymbol | undefined {
  const first = Math.min(...connection.calls.map(firstLine));
  return symbols.find((s) => s.selectionRange.start.line === first);
}

/** How many lines of socket calls the breadcrumbs name their own connection on. */
function breadcrumbsRight(index: DumpIndex, symbols: DocumentSymbol[]): { right: number; lines: number } {
  let right = 0;
  let lines = 0;
  for (let line = 0; line < index.lineCount; line++) {
    const connection = index.callAt(line)?.endpoint?.connection;
    if (!connection) continue;
    lines++;
    const chain = underCursor(symbols, line);
    if (chain.length === 1 && chain[0] === symbolOf(symbols, connection)) right++;
  }
  return { right, lines };
}

test('the seed: one symbol for the connection, under the cursor on every line of both processes', () => {
  const index = indexOf('seed-epipe.scap.txt');
  const symbols = provideDocumentSymbols(index);
  assert.deepEqual(symbols.map((s) => s.name), ['httpd (22014) fd 26 ⟷ uwsgi (20882) fd 10 · event 87795']);
  // Before, the Outline had httpd and uwsgi at the top, and httpd's range held uWSGI's lines:
  // the breadcrumbs named httpd's end on all 20 of uWSGI's lines.
  assert.deepEqual(breadcrumbsRight(index, symbols), { right: 36, lines: 36 });
});

test('the converted race capture: distinct names, each symbol spans its own connection, httpd\'s fd 16 writev is under its connection', () => {
  const index = indexOf('revert-httpd-POST-single.scap.txt');
  const symbols = provideDocumentSymbols(index);
  const connections = index.analysis.connections;
  assert.equal(symbols.length, connections.length);
  // Go to Symbol lists names: no two alike (it listed some three times).
  assert.equal(new Set(symbols.map((s) => s.name)).size, symbols.length);
  for (const connection of connections) {
    const symbol = symbolOf(symbols, connection)!;
    const lines = linesOf(connection);
    assert.deepEqual([symbol.range.start.line, symbol.range.end.line], [Math.min(...lines), Math.max(...lines)], symbol.name);
  }
  // The case: on httpd's writev on fd 16 the breadcrumbs showed "fd 18 ⟷ peer not in capture".
  const lines = fixtureLines('revert-httpd-POST-single.scap.txt');
  const writevs = lines.flatMap((l, i) => (/ httpd \(23744\) > writev fd=16\(<u>ffff888085ec4c00/.test(l) ? [i] : []));
  assert.equal(writevs.length, 5);
  for (const line of writevs) {
    assert.deepEqual(underCursor(symbols, line).map((s) => s.name), ['httpd (23744) fd 16 ⟷ uwsgi (25075) fd 5 · event 8869'], `line ${line + 1}`);
  }
  // 25 httpd threads serve requests at once: ranges of connections overlap and no order of
  // one range per connection puts every line under its own. Measured: 1389 of 13004 lines
  // before (process → connection), 3510 now.
  const { right, lines: total } = breadcrumbsRight(index, symbols);
  assert.equal(total, 13004);
  assert.ok(right >= 3500, `${right}`);
});

test('strace: names from pids and lines, no two alike, no empty name', () => {
  for (const name of ['revert-httpd-POST-single.strace', 'strace-cases/python-unix-pair.Y.strace']) {
    const symbols = provideDocumentSymbols(indexOf(name));
    assert.ok(symbols.length > 0);
    assert.equal(new Set(symbols.map((s) => s.name)).size, symbols.length, name);
    for (const s of symbols) assert.match(s.name, /^(pid \d+|python3 \(\d+\)) fd \d+ ⟷ (pid \d+ fd \d+|python3 \(\d+\) fd \d+|peer not in capture) · line \d+$/, s.name);
  }
});
