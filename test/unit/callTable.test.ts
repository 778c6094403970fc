// The language server's packed calls (analysis/callTable.ts): every call reads as it did, every
// list of the analysis holds the packed calls, and every feature answers as it does on the calls
// the analyzer made. Each dump is analysed twice; one analysis is packed, the other not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Analysis, analyzeText, Syscall } from '../../server/src/analysis';
import { packCalls } from '../../server/src/analysis/callTable';
import { provideCodeActions } from '../../server/src/codeActions';
import { provideDefinition } from '../../server/src/definition';
import { provideSequenceDiagram } from '../../server/src/diagram';
import { provideDiagnostics } from '../../server/src/diagnostics';
import { provideDocumentSymbols } from '../../server/src/documentSymbols';
import { DumpIndex } from '../../server/src/dumpStore';
import { provideFollowStream } from '../../server/src/followStream';
import { provideHover } from '../../server/src/hover';
import { provideInlayHints } from '../../server/src/inlayHints';
import { provideReferences } from '../../server/src/references';
import { readFixture } from '../helpers/repo';

const FIXTURES = [
  'seed-epipe.scap.txt',
  '502error-bad-header.scap.txt',
  'instruqt-dns.scap.txt',
  'revert-httpd-POST-single.strace',
  'lidds-apache2-excerpt.sc.txt',
];

/** Everything a caller can read of a call, as plain values (its end by id). */
function readable(call: Syscall): unknown[] {
  return [
    call.id, call.type, call.process, call.tid, call.fd, call.enterNum, call.enterLine, call.exitNum, call.exitLine,
    call.res, call.size, call.endpoint?.id, call.role, call.typeCol, call.fdCol, call.resCol, call.range, call.rangeStart,
    call.rangeEnd, call.enterTime, call.exitTime, call.errno,
  ];
}

const isView = (call: Syscall) => Object.getPrototypeOf(call) !== Syscall.prototype;

function analysedTwice(name: string): { text: string; plain: Analysis; packed: Analysis } {
  const text = readFixture(name);
  const packed = analyzeText(text);
  packCalls(packed);
  return { text, plain: analyzeText(text), packed };
}

for (const name of FIXTURES) {
  test(`${name}: a packed call reads as the call it replaces, and the analysis holds only the packed ones`, () => {
    const { plain, packed } = analysedTwice(name);
    assert.ok(packed.calls.length > 0);
    assert.ok(packed.calls.some(isView), 'some calls are packed');
    assert.equal(packed.calls.length, plain.calls.length);
    for (let i = 0; i < plain.calls.length; i++) assert.deepEqual(readable(packed.calls[i]), readable(plain.calls[i]), `call ${i}`);
    const held = (call: Syscall | undefined) => assert.ok(call === undefined || packed.calls[call.id] === call, `call ${call?.id} is the list's`);
    for (const connection of packed.connections) {
      connection.calls.forEach(held);
      for (const e of connection.endpoints) {
        [e.opened, e.closed, e.shutdown, e.eof, e.firstCall, e.lastCall, e.alignment?.write, e.alignment?.read].forEach(held);
        e.writes.forEach(held);
        e.reads.forEach(held);
      }
    }
    for (const finding of packed.findings) {
      held(finding.call);
      finding.related.forEach((r) => held(r.call));
    }
  });

  test(`${name}: every feature answers the same on packed calls`, () => {
    const { text, plain, packed } = analysedTwice(name);
    const document = TextDocument.create(`file:///${name}`, name.endsWith('.strace') ? 'strace' : 'scap', 1, text);
    const before = new DumpIndex(document, plain, true);
    const after = new DumpIndex(document, packed);
    assert.deepEqual(provideDiagnostics(after), provideDiagnostics(before));
    assert.deepEqual(provideDocumentSymbols(after), provideDocumentSymbols(before));
    const all = { start: { line: 0, character: 0 }, end: { line: before.lineCount, character: 0 } };
    assert.deepEqual(provideInlayHints(after, all), provideInlayHints(before, all));
    const uri = document.uri;
    assert.deepEqual(provideCodeActions(after, { textDocument: { uri }, range: all, context: { diagnostics: provideDiagnostics(before) } }),
      provideCodeActions(before, { textDocument: { uri }, range: all, context: { diagnostics: provideDiagnostics(before) } }));
    let asked = 0;
    for (const call of plain.calls) {
      for (const line of [call.enterLine, call.exitLine]) {
        if (line < 0) continue;
        for (const character of new Set([0, call.typeCol, call.fdCol + 1, call.resCol + 1])) {
          const position = { line, character };
          assert.deepEqual(provideHover(after, position), provideHover(before, position), `hover ${line}:${character}`);
          assert.deepEqual(provideDefinition(after, position), provideDefinition(before, position), `definition ${line}:${character}`);
          assert.deepEqual(provideReferences(after, position, true), provideReferences(before, position, true), `references ${line}:${character}`);
          asked++;
        }
        assert.deepEqual(provideSequenceDiagram(after, line), provideSequenceDiagram(before, line), `diagram ${line}`);
        assert.deepEqual(provideFollowStream(after, { uri, line }), provideFollowStream(before, { uri, line }), `follow ${line}`);
      }
    }
    assert.ok(asked > 0);
  });
}

test('a packed call cannot change, and a call with a value in the side tables stays a Syscall', () => {
  const { packed } = analysedTwice('seed-epipe.scap.txt');
  const view = packed.calls.find(isView)!;
  assert.throws(() => { view.fd = 99; }, /cannot change/);
  assert.throws(() => { view.rangeStart = 1; }, /cannot change|moves no bytes/);
  const failed = packed.calls.find((c) => c.errno !== undefined);
  assert.ok(failed, 'the dump has a failed call');
  assert.equal(isView(failed), false);
  assert.equal(failed.errno, 'EPIPE');
});

test('packing twice changes nothing', () => {
  const { packed } = analysedTwice('seed-epipe.scap.txt');
  const calls = [...packed.calls];
  packCalls(packed);
  assert.deepEqual(packed.calls.map((c, i) => c === calls[i]), calls.map(() => true));
});
