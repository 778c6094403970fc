// The server's analysis from disk (server/src/diskAnalysis.ts), over a real JSON-RPC connection:
// for dumps VS Code does not sync, the client names the file and the server runs the CLI as a
// child, reports progress, and publishes the same findings the document would get.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, RequestType } from 'vscode-languageserver-protocol/node';
import { type DiskAnalysisProgress, type DiskAnalysisResult, Requests } from '../../server/src/lsp_ext';
import { LspSession, fixture } from './lspClient';

describe('analysis from disk (dumps over 50 MB)', () => {
  let session: LspSession;
  const progress: DiskAnalysisProgress[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-disk-'));

  before(async () => {
    session = new LspSession();
    session.connection.onNotification(Requests.diskAnalysisProgress, (p: DiskAnalysisProgress) => { progress.push(p); });
    await session.initialize();
  });
  after(async () => {
    await session.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  // RequestType with one parameter: a plain method name would send an undefined token as a second parameter.
  const request = new RequestType<{ uri: string }, DiskAnalysisResult, void>(Requests.analyzeFromDisk);
  const analyze = (uri: string, source?: CancellationTokenSource) =>
    source ? session.connection.sendRequest(request, { uri }, source.token) : session.connection.sendRequest(request, { uri });

  it('publishes the findings of a file it was never sent, at the lines the CLI reports, with progress to 100 %', async () => {
    const uri = pathToFileURL(fixture('seed-epipe.scap.txt')).href;
    const result = await analyze(uri);
    assert.deepEqual(result, { events: 36, connections: 1, errors: 1, warnings: 1, notes: 0, unparsedLines: 0 });
    const published = await session.diagnosticsWhere(uri, (p) => p.diagnostics.length > 0);
    const expected = JSON.parse(readFileSync(fixture('seed-epipe.expected.json'), 'utf8')) as { diagnostics: { line: number; column: number; code: string; related: { line: number }[] }[] };
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1, d.relatedInformation?.map((r) => r.location.range.start.line + 1)]),
      expected.diagnostics.map((d) => [d.code, d.line, d.column, d.related.map((r) => r.line)]),
    );
    assert.ok(published.diagnostics.every((d) => d.source === 'scap-lens' && /README\.md#L\d+$/i.test(d.codeDescription?.href ?? '')));
    const mine = progress.filter((p) => p.uri === uri);
    assert.equal(mine[mine.length - 1]?.percent, 100);
  });

  it('reads a binary capture through sysdig as the CLI does', async () => {
    const result = await analyze(pathToFileURL(fixture('wstrouble-nginx-v2.scap')).href);
    assert.equal(result.problem, undefined);
    assert.equal(result.events, 41);
    assert.equal(result.connections, 1);
  });

  it('says why a file is not a dump, and keeps serving', async () => {
    const notDump = join(tmp, 'notes.txt');
    writeFileSync(notDump, 'just some notes\nnot a dump\n');
    const result = await analyze(pathToFileURL(notDump).href);
    assert.match(result.problem ?? '', /is not a sysdig dump: none of its 2 lines is a sysdig event/);
    const again = await analyze(pathToFileURL(fixture('seed-epipe.scap.txt')).href);
    assert.equal(again.errors, 1);
  });

  it('a cancelled request stops the child and answers `cancelled`; forgetting clears the diagnostics', async () => {
    // About 40 MB of real lines: long enough to be cancelled while it runs.
    const big = join(tmp, 'big.scap.txt');
    const piece = readFileSync(fixture('revert-httpd-POST-single.scap.txt'));
    writeFileSync(big, Buffer.concat(Array.from({ length: 16 }, () => piece)));
    const source = new CancellationTokenSource();
    const uri = pathToFileURL(big).href;
    const running = analyze(uri, source);
    source.cancel();
    assert.deepEqual(await running, { events: 0, connections: 0, errors: 0, warnings: 0, notes: 0, unparsedLines: 0, cancelled: true });
    const seed = pathToFileURL(fixture('seed-epipe.scap.txt')).href;
    await session.connection.sendNotification(Requests.forgetDiskAnalysis, { uri: seed });
    await session.diagnosticsWhere(seed, (p) => p.diagnostics.length === 0);
  });
});
