// The sequence diagram's custom request (Requests.sequenceDiagram) on the built server over
// stdio, as the webview panel asks it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SequenceDiagramResult } from '../../server/src/lsp_ext';
import { Requests } from '../../server/src/lsp_ext';
import { LspSession, fixture } from './lspClient';

const seedPath = fixture('seed-epipe.scap.txt');
const seedLines = readFileSync(seedPath, 'latin1').split('\n');

describe('scapLens/sequenceDiagram', () => {
  let session: LspSession;
  let uri: string;

  before(async () => {
    session = new LspSession();
    await session.initialize();
    uri = (await session.open(seedPath)).uri;
  });
  after(async () => {
    await session.close();
  });

  it('answers the sequence of the connection on the EPIPE line, with every row timed', async () => {
    const line = seedLines.findIndex((l) => l.includes('res=-32(EPIPE)'));
    const result = await session.connection.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, { uri, line });
    assert.ok(result.sequence, result.message);
    const s = result.sequence;
    assert.deepEqual(s.lifelines.map((l) => l.label), ['httpd (22014) fd 26', 'uwsgi (20882) fd 10']);
    assert.equal(s.rows.length, 18);
    assert.ok(s.rows.every((r) => Number.isFinite(r.time)));
    const failed = s.arrows.find((a) => a.kind === 'failed');
    assert.equal(failed && s.rows[failed.fromRow].line, line);
    assert.equal(s.races.find((r) => r.kind === 'failure')?.text, 'uwsgi closed 128 µs before httpd\'s writev');
  });

  it('says why there is no diagram off a socket call, past the end, and for a document it does not have', async () => {
    const beyond = await session.connection.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, { uri, line: 500 });
    assert.equal(beyond.sequence, undefined);
    assert.match(beyond.message!, /no line 501/);
    const empty = await session.open(fixture('seed-epipe.scap.txt').replace(/seed-epipe/, 'nothing'), 'just text\nno events\n');
    const none = await session.connection.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, { uri: empty.uri, line: 1 });
    assert.match(none.message!, /Line 2 is not a socket call/);
    const unknown = await session.connection.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, { uri: 'file:///nowhere.scap.txt', line: 0 });
    assert.match(unknown.message!, /not open/);
    // The server keeps serving.
    const again = await session.connection.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, { uri, line: 0 });
    assert.equal(again.sequence?.rows.length, 18);
  });
});
