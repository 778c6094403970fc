// References and document highlights: every event of the connection under the cursor.

import { type DocumentHighlight, DocumentHighlightKind, type Location, type Position } from 'vscode-languageserver';
import type { Syscall } from './analysis';
import { callLocation, tokenRange } from './convert';
import type { DumpIndex } from './dumpStore';

/** Large connections (a long-lived keep-alive socket) are capped; the first events matter most. */
export const MAX_REFERENCES = 5000;

function connectionCalls(index: DumpIndex, position: Position): Syscall[] {
  const call = index.callAt(position.line);
  return call?.endpoint ? call.endpoint.connection.calls.slice(0, MAX_REFERENCES) : [];
}

export function provideReferences(index: DumpIndex, position: Position, includeDeclaration: boolean): Location[] {
  const calls = connectionCalls(index, position);
  const here = index.callAt(position.line);
  return calls.filter((c) => includeDeclaration || c !== here).map((c) => callLocation(index, c));
}

export function provideDocumentHighlights(index: DumpIndex, position: Position): DocumentHighlight[] {
  const highlights: DocumentHighlight[] = [];
  for (const call of connectionCalls(index, position)) {
    const kind = call.role === 'write' ? DocumentHighlightKind.Write : call.role === 'read' ? DocumentHighlightKind.Read : DocumentHighlightKind.Text;
    // The fd on the enter line and the result on the exit line: whole lines would paint a
    // dump that is one long connection entirely.
    if (call.enterLine >= 0) highlights.push({ range: tokenRange(index, call.enterLine, call.fdCol >= 0 ? call.fdCol : call.typeCol), kind });
    if (call.exitLine >= 0) highlights.push({ range: tokenRange(index, call.exitLine, call.resCol >= 0 ? call.resCol : call.typeCol), kind });
  }
  return highlights;
}
