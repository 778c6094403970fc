// Follow Stream over the LSP: the custom request (lsp_ext.ts), its links back to the dump, the
// code actions on findings and the hover's links, on the built server over stdio.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, type CodeAction, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { Commands, type FollowStreamResult, Requests } from '../../server/src/lsp_ext';
import { LspSession, fixture } from './lspClient';

describe('Follow Stream over the language server', () => {
  let session: LspSession;
  before(async () => {
    session = new LspSession();
    await session.initialize();
  });
  after(async () => {
    await session.close();
  });

  it('every finding offers "Follow stream" and "Show sequence diagram" of its connection', async () => {
    const { uri, diagnostics } = await session.open(fixture('seed-epipe.scap.txt'));
    const epipe = diagnostics.diagnostics.find((d) => d.code === 'epipe')!;
    const actions = await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range: epipe.range, context: { diagnostics: [epipe] },
    }) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.command?.command]), [
      ['Follow stream', Commands.followStream], ['Show sequence diagram', Commands.showSequenceDiagram],
    ]);
    assert.deepEqual(actions[0].command!.arguments, [{ uri, line: epipe.range.start.line }]);
  });

  it('the request renders the connection, and each event link opens its line of the dump', async () => {
    const path = fixture('revert-httpd-POST-single.strace');
    const lines = readFileSync(path, 'latin1').split('\n');
    const { uri } = await session.open(path);
    const result = await session.connection.sendRequest(Requests.followStream, { uri, line: 26 }) as FollowStreamResult;
    assert.match(result.text, /the unread bytes are FastCGI FCGI_STDIN, request 1, length 0: the end-of-body marker/);
    const text = result.text.split('\n');
    assert.ok(result.links.length > 20);
    for (const link of result.links) {
      assert.equal(link.target.uri, uri);
      const label = text[link.line].slice(link.start, link.end);
      // `line 27`: strace numbers no events, so the label is the target line.
      const match = /^line (\d+)$/.exec(label);
      assert.ok(match, label);
      assert.equal(Number(match[1]), link.target.line + 1);
      assert.ok(lines[link.target.line].length > 0);
    }
    const hex = await session.connection.sendRequest(Requests.followStream, { uri, line: 26, view: 'hex' }) as FollowStreamResult;
    assert.match(hex.text, /00000000 {2}01 01 00 01 00 08 00 00 {2}00 01 00 00 00 00 00 00 {2}\|\.{16}\|/);
    const none = await session.connection.sendRequest(Requests.followStream, { uri, line: 0 });
    assert.equal(none, null);
  });

  it('the hover on an unread write names the record, and links to both views of the connection', async () => {
    const path = fixture('revert-httpd-POST-single.strace');
    const lines = readFileSync(path, 'latin1').split('\n');
    const { uri } = await session.open(path);
    const line = 26;
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line].indexOf('writev') } });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /The 8 unread bytes are FastCGI FCGI\\_STDIN, request 1, length 0\\: the end-of-body marker\./);
    assert.ok(value.includes(`[Follow stream](command:${Commands.followStream}?${encodeURIComponent(JSON.stringify([{ uri, line }]))})`), value);
    assert.ok(value.includes(`command:${Commands.showSequenceDiagram}?`));
  });
});
