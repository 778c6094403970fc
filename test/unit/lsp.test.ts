// LSP-level tests: the built server over a real JSON-RPC connection, on real fixtures.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DefinitionRequest, DocumentHighlightRequest, DocumentSymbolRequest, HoverRequest, InlayHintRequest,
  type Location, type MarkupContent, ReferencesRequest, type DocumentSymbol, type InlayHint,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../helpers/repo';
import { LspSession, fixture } from './lspClient';

const seedPath = fixture('seed-epipe.scap.txt');
const seedLines = readFileSync(seedPath, 'latin1').split('\n');

/** 0-based line of the first line containing `text`. */
function lineOf(text: string): number {
  const line = seedLines.findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `fixture has no line with ${text}`);
  return line;
}

describe('language server over stdio', () => {
  let session: LspSession;
  let seedUri: string;

  before(async () => {
    session = new LspSession();
    await session.initialize();
  });
  after(async () => {
    await session.close();
  });

  it('publishes the EPIPE error and the unread-write warning with related events', async () => {
    const opened = await session.open(seedPath);
    seedUri = opened.uri;
    const diagnostics = opened.diagnostics.diagnostics;
    const epipe = diagnostics.find((d) => d.code === 'epipe');
    const unread = diagnostics.find((d) => d.code === 'unread-write');
    assert.ok(epipe && unread, JSON.stringify(diagnostics));
    assert.equal(diagnostics.length, 2);
    assert.equal(epipe.severity, 1);
    assert.equal(unread.severity, 2);
    assert.equal(epipe.source, 'scap-lens');
    assert.equal(epipe.range.start.line, lineOf('res=-32(EPIPE)'));
    assert.match(epipe.message as string, /uwsgi \(20882\) closed fd 10 at event 89188/);
    // The link opens the README at its `### epipe` section (see readmeLink.test.ts for the .vsix's readme.md).
    const readmeLine = Number(/README\.md#L(\d+)$/.exec(epipe.codeDescription!.href)?.[1]);
    assert.equal(readFileSync(join(repoRoot(), 'README.md'), 'utf8').split('\n')[readmeLine - 1], '### epipe');
    // The first related event is uWSGI's close, on its enter line.
    assert.equal(epipe.relatedInformation![0].location.range.start.line, lineOf('89188 '));
    assert.equal(unread.range.start.line, lineOf('89150 '));
    assert.match(unread.message as string, /^94 bytes .* never read: httpd \(22014\) closed fd 26 at event 89314/);
    const relatedLines = unread.relatedInformation!.map((r) => r.location.range.start.line);
    assert.ok(relatedLines.includes(lineOf('89314 ')), `related ${relatedLines}`);
    for (const num of ['89159 ', '89162 ', '89166 ', '89186 ']) assert.ok(relatedLines.includes(lineOf(num)), `${num} in ${relatedLines}`);
  });

  it('hover on httpd\'s fd names the peer process, thread and fd', async () => {
    const line = lineOf('89021 ');
    const character = seedLines[line].indexOf('fd=26') + 3;
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: { line, character } });
    const text = (hover!.contents as MarkupContent).value;
    assert.match(text, /\*\*uwsgi \(20882\)\*\* fd 10/);
    assert.match(text, /bytes 16–715/);
    assert.match(text, /httpd → uwsgi: 723 bytes written, 723 read/);
    assert.match(text, /uwsgi → httpd: 94 bytes written, 0 read, \*\*94 never read\*\*/);
  });

  it('hover on an exit line (which prints no fd) still knows the connection', async () => {
    const line = lineOf('89045 ');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: { line, character: 10 } });
    assert.match((hover!.contents as MarkupContent).value, /\*\*httpd \(22014\)\*\* fd 26/);
  });

  it('hover on data= and size= says where the byte count really is', async () => {
    const readExit = lineOf('89045 ');
    const onData = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: { line: readExit, character: seedLines[readExit].indexOf('HTTP_HOST') } });
    assert.match((onData!.contents as MarkupContent).value, /at most 80 characters .* This read moved \*\*699 bytes\*\* \(bytes 16–715 of this direction\)/);
    const readEnter = lineOf('89040 ');
    const onSize = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: { line: readEnter, character: seedLines[readEnter].indexOf('size=') + 6 } });
    assert.match((onSize!.contents as MarkupContent).value, /`size=4096` is the buffer size asked for\. The call returned \*\*699 bytes\*\*/);
  });

  it('hover on res=-32(EPIPE) explains the errno and its cause here', async () => {
    const line = lineOf('res=-32(EPIPE)');
    const character = seedLines[line].indexOf('EPIPE');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: { line, character } });
    const text = (hover!.contents as MarkupContent).value;
    assert.match(text, /\*\*EPIPE\*\* \(-32\)/);
    assert.match(text, /Here: uwsgi \(20882\) closed its end at \[event 89188\]/);
  });

  it('hover explains an errno on lines the model does not keep, and on a failed connect', async () => {
    const file = fixture('instruqt-tar-dbus.scap.txt');
    const lines = readFileSync(file, 'latin1').split('\n');
    const { uri } = await session.open(file);
    const access = lines.findIndex((l) => l.includes('< access res=-2(ENOENT)'));
    const onAccess = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: access, character: lines[access].indexOf('ENOENT') } });
    assert.match((onAccess!.contents as MarkupContent).value, /^\*\*ENOENT\*\* \(-2\): `access`: no such file or directory/);
    const connect = lines.findIndex((l) => l.includes('< connect res=-2(ENOENT)'));
    const onConnect = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: connect, character: lines[connect].indexOf('ENOENT') } });
    assert.match((onConnect!.contents as MarkupContent).value, /nothing is listening there/);
  });

  it('hover on a socket address lists the other connections that reused it', async () => {
    const file = fixture('instruqt-tar-dbus.scap.txt');
    const lines = readFileSync(file, 'latin1').split('\n');
    const { uri } = await session.open(file);
    // The second tar ↔ dbus-daemon connection prints the first one's addresses swapped.
    const line = lines.findIndex((l) => l.includes('< connect res=0 tuple=ffff91bbfc5e7000->ffff91bbfc5e6000'));
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line].indexOf('ffff91bbfc5e6000') + 3 } });
    const text = (hover!.contents as MarkupContent).value;
    assert.match(text, /`ffff91bbfc5e6000` is used by 2 connections in this capture/);
    assert.match(text, /`ffff91bbfc5e6000->ffff91bbfc5e7000` tar \(1847\) ⟷ dbus-daemon \(344\)/);
  });

  it('a socket whose fd names no pair: hover says why the peer is unknown; references and Outline list it; no peer', async () => {
    const file = fixture('instruqt-tar-dbus.scap.txt');
    const lines = readFileSync(file, 'latin1').split('\n');
    const { uri } = await session.open(file);
    // `dbus-daemon (344) > sendmsg fd=10(<u>/var/run/dbus/system_bus_socket) size=213 tuple=NULL`: opened before the capture.
    const line = lines.findIndex((l) => / dbus-daemon \(344\) > sendmsg fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\)/.test(l));
    assert.ok(line >= 0);
    const position = { line, character: lines[line].indexOf('fd=10') + 3 };
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    const text = (hover!.contents as MarkupContent).value;
    assert.match(text, /\*\*dbus-daemon \(344\)\*\* fd 10 ⟷ \*peer unknown\*/);
    assert.match(text, /unix socket `\/var\/run\/dbus\/system_bus_socket`, addresses not printed/);
    assert.match(text, /dbus-daemon → peer: 426 bytes written/);
    assert.match(text, /peer → dbus-daemon: 292 bytes read/);
    assert.match(text, /sysdig printed no address pair for this socket \(`fd=10\(<u>\/var\/run\/dbus\/system_bus_socket\)`\)/);
    const definition = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }) as Location[] | null;
    assert.deepEqual(definition ?? [], []);
    const references = await session.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: true } }) as Location[];
    assert.ok(references.length >= 2);
    for (const r of references) assert.match(lines[r.range.start.line], / dbus-daemon \(344\) /);
    const symbols = await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }) as DocumentSymbol[];
    assert.ok(symbols.some((s) => /^dbus-daemon \(344\) fd 10 ⟷ peer unknown · event \d+$/.test(s.name)), JSON.stringify(symbols.map((s) => s.name)));
  });

  it('go to peer: the 699-byte writev lands on the 699-byte read, and back', async () => {
    for (const from of ['89021 ', '89030 ']) {
      const targets = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf(from), character: 5 } }) as Location[];
      assert.deepEqual(targets.map((t) => t.range.start.line), [lineOf('89045 ')], from);
    }
    const back = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf('89045 '), character: 5 } }) as Location[];
    assert.deepEqual(back.map((t) => t.range.start.line), [lineOf('89030 ')]);
    const accept = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf('87796 '), character: 5 } }) as Location[];
    assert.deepEqual(accept.map((t) => t.range.start.line), [lineOf('88619 ')]);
    const close = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf('89314 '), character: 5 } }) as Location[];
    assert.deepEqual(close.map((t) => t.range.start.line), [lineOf('89188 ')]);
  });

  it('references and highlights cover every event of the connection', async () => {
    const refs = await session.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: seedUri }, position: { line: lineOf('89021 '), character: 5 }, context: { includeDeclaration: true },
    }) as Location[];
    // Every syscall of the seed is on the one connection: 18 syscalls (36 lines).
    assert.equal(refs.length, 18);
    const highlights = await session.connection.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf('89021 '), character: 5 } });
    assert.equal(highlights!.length, 36);
    // Highlights mark the fd on enter lines and the result on exit lines, not whole lines.
    const enter = highlights!.find((h) => h.range.start.line === lineOf('89021 '))!;
    assert.equal(seedLines[lineOf('89021 ')].slice(enter.range.start.character, enter.range.end.character), '26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)');
    const exit = highlights!.find((h) => h.range.start.line === lineOf('89030 '))!;
    assert.equal(seedLines[lineOf('89030 ')].slice(exit.range.start.character, exit.range.end.character), '699');
    assert.equal(exit.kind, 3);
  });

  it('outline: one symbol per connection, named by both ends and its start, with its findings', async () => {
    const symbols = await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: seedUri } }) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['httpd (22014) fd 26 ⟷ uwsgi (20882) fd 10 · event 87795']);
    assert.match(symbols[0].detail!, /^unix ffff880108bcc440->ffff880108bcba80 · httpd \(22014\) sent 723 B · uwsgi \(20882\) sent 94 B · .*epipe/);
    // It spans both ends' events, so breadcrumbs name it on uWSGI's lines too.
    assert.deepEqual([symbols[0].range.start.line, symbols[0].range.end.line], [0, 35]);
  });

  it('inlay hints show the byte range and the peer event', async () => {
    const hints = await session.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: seedUri }, range: { start: { line: 0, character: 0 }, end: { line: seedLines.length, character: 0 } },
    }) as InlayHint[];
    const onWrite = hints.find((h) => h.position.line === lineOf('89030 '));
    assert.equal(onWrite?.label, 'bytes 16–715 → #89045');
  });

  it('re-analyses a document after an edit', async () => {
    // Remove uWSGI's close: nobody closed before the EPIPE, so the cause is unknown and the
    // unread-write claim (httpd closed without reading) stays.
    const edited = seedLines.filter((l) => !l.startsWith('89188 ')).join('\n');
    const published = await session.change(seedUri, 2, edited);
    const epipe = published.diagnostics.find((d) => d.code === 'epipe');
    assert.match(epipe!.message as string, /its close is not in the capture/);
  });

  it('keeps serving after a garbage document', async () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const opened = await session.open(fixture('garbage.scap.txt'), junk + '\n' + 'x'.repeat(2_000_000) + '\n');
    assert.equal(opened.diagnostics.diagnostics.length, 1);
    assert.equal(opened.diagnostics.diagnostics[0].code, 'not-a-dump');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: opened.uri }, position: { line: 0, character: 1 } });
    assert.equal(hover, null);
    // The seed still answers afterwards.
    const targets = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: seedUri }, position: { line: lineOf('89021 '), character: 5 } }) as Location[];
    assert.equal(targets.length, 1);
  });

  it('empty, CRLF and 10 MB-line documents: clear answers, no crash, no false race', async () => {
    const empty = await session.open(fixture('empty.scap.txt'), '');
    assert.deepEqual(empty.diagnostics.diagnostics, []);
    // The seed with Windows line ends gives the same findings at the same places.
    const crlf = await session.open(fixture('seed-crlf.scap.txt'), seedLines.join('\r\n'));
    const places = (d: { code?: string | number; range: { start: { line: number; character: number } } }[]) => d.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}`).sort();
    const seed = await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: crlf.uri } }) as DocumentSymbol[];
    assert.equal(seed.length, 1);
    assert.deepEqual(places(crlf.diagnostics.diagnostics), ['epipe@33:54', 'unread-write@21:53']);
    // A 10 MB line in the middle of the seed is skipped and counted; the races stay the same.
    const long = [...seedLines.slice(0, 20), 'x'.repeat(10_000_000), ...seedLines.slice(20)].join('\n');
    const withLong = await session.open(fixture('seed-long-line.scap.txt'), long);
    const codes = withLong.diagnostics.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['epipe', 'unparsed-lines', 'unread-write']);
    assert.match(withLong.diagnostics.diagnostics.find((d) => d.code === 'unparsed-lines')!.message as string, /too long to be a sysdig event/);
  });

  it('an strace trace gets the same diagnostics, hover and go to peer', async () => {
    const file = fixture('revert-httpd-POST-single.strace');
    const lines = readFileSync(file, 'latin1').split('\n');
    const opened = await session.open(file);
    const unread = opened.diagnostics.diagnostics.filter((d) => d.code === 'unread-write');
    assert.equal(unread.length, 62);
    // httpd's 656-byte writev (line 22) was read by uWSGI's 664-byte read (line 26).
    const write = lines.findIndex((l) => l.startsWith('23745 12:14:44.321758 <... writev resumed>) = 656'));
    const targets = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: opened.uri }, position: { line: write, character: 30 } }) as Location[];
    assert.deepEqual(targets.map((t) => lines[t.range.start.line].slice(0, 40)), ['25075 12:14:44.322055 read(5<UNIX-STREAM']);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: opened.uri }, position: { line: write, character: 30 } });
    const text = (hover!.contents as MarkupContent).value;
    // strace names no processes here (no -Y, no execve) and numbers no events: pids and lines.
    assert.match(text, /\*\*pid 23745\*\* fd 14 ⟷ \*\*pid 25075\*\* fd 5/);
    assert.match(text, /opened: connect by pid 23745 at \[line 7\]\(.*\) · accept by pid 25075 at \[line 8\]/);
    assert.doesNotMatch(text, /event \d|by {2}at|tid \d/);
    // The Outline works on strace (it failed with "name must not be falsy").
    const symbols = await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: opened.uri } }) as DocumentSymbol[];
    assert.ok(symbols.length > 0 && symbols.every((s) => s.name.length > 0 && (s.children ?? []).every((c) => c.name.length > 0)));
  });

  it('reports work-done progress while it indexes a large dump', async () => {
    // Three copies of the converted capture, one after the other: 4 MB, above the 2 MB threshold.
    const capture = readFileSync(fixture('revert-httpd-POST-single.scap.txt'), 'latin1');
    const before = session.progress.length;
    const opened = await session.open(fixture('large.scap.txt'), capture + capture + capture);
    assert.equal(opened.diagnostics.diagnostics.filter((d) => d.code === 'unread-write').length, 3 * 62);
    const progress = session.progress.slice(before);
    assert.equal(progress.length, 1);
    assert.equal(progress[0].kinds[0], 'begin:Scap Lens: indexing dump');
    assert.equal(progress[0].kinds[progress[0].kinds.length - 1], 'end');
  });

  // How fast the first diagnostics come is measured by `npm run bench`, not asserted here.
  it('the converted httpd/uWSGI capture: 62 unread-write warnings, 0 errors', async () => {
    const opened = await session.open(fixture('revert-httpd-POST-single.scap.txt'));
    const diagnostics = opened.diagnostics.diagnostics;
    assert.equal(diagnostics.filter((d) => d.code === 'unread-write').length, 62);
    assert.equal(diagnostics.filter((d) => d.severity === 1).length, 0);
    assert.ok(diagnostics.every((d) => d.code === 'unread-write' && /^8 bytes written here were never read: uwsgi/.test(d.message as string)));
  });
});

describe('the scapLens.unreadWrite.enabled setting', () => {
  let session: LspSession;
  before(async () => {
    session = new LspSession();
    await session.initialize({ unreadWrite: { enabled: false }, inlayHints: { enabled: true } });
  });
  after(async () => {
    await session.close();
  });

  it('off: the converted capture shows no unread-write warning; turned on, its 62 come back', async () => {
    const file = fixture('revert-httpd-POST-single.scap.txt');
    const opened = await session.open(file);
    const unread = (p: { diagnostics: { code?: number | string }[] }) => p.diagnostics.filter((d) => d.code === 'unread-write').length;
    // The server reads the settings after `initialized`; a document opened before they arrive
    // is analysed again once they do. Either way it ends without the warnings.
    const off = await session.diagnosticsWhere(opened.uri, (p) => unread(p) === 0);
    assert.equal(off.diagnostics.length, 0, JSON.stringify(off.diagnostics.map((d) => d.code)));
    await session.changeSettings({ unreadWrite: { enabled: true }, inlayHints: { enabled: true } });
    const on = await session.diagnosticsWhere(opened.uri, (p) => unread(p) > 0);
    assert.equal(unread(on), 62);
  });

  it('scapLens.inlayHints.enabled: off, the server answers no hints; on, the byte ranges are back', async () => {
    const opened = await session.open(seedPath);
    const hints = () => session.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: opened.uri }, range: { start: { line: 0, character: 0 }, end: { line: seedLines.length, character: 0 } },
    });
    const shown = (await hints()) ?? [];
    assert.ok(shown.length > 0, 'hints are on by default');
    await session.changeSettings({ unreadWrite: { enabled: true }, inlayHints: { enabled: false } });
    assert.deepEqual(await hints(), []);
    await session.changeSettings({ unreadWrite: { enabled: true }, inlayHints: { enabled: true } });
    assert.equal(((await hints()) ?? []).length, shown.length);
  });
});

