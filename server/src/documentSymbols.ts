// Outline, breadcrumbs, sticky scroll and Go to Symbol: one symbol per connection, named by its
// two ends and where it starts (`httpd (22014) fd 26 ⟷ uwsgi (20882) fd 10 · event 87795`), its
// range from its first event to its last.
//
// Why connections and not processes → connections: VS Code finds the symbol under the cursor
// (breadcrumbs, sticky scroll) by taking, level by level, the first symbol in the list whose
// range holds the line. The two processes of a connection take turns line by line (httpd
// writes, uWSGI reads), so a process's range always holds its peer's lines too, and whichever
// process came first in the list claimed them all. A connection holds both ends' lines. Ranges
// of connections still overlap when requests run at the same time, so the list puts first the
// connections with the most events per line of their range: a connection nested in another
// (httpd's FastCGI exchange inside the client's TCP connection it serves, a long-lived socket
// that wakes up now and then) is found before the sparse one around it. Of the simple orders
// tried (shortest, latest start, earliest end) this one puts the most lines under their own
// connection on the corpus. The Outline view sorts by position itself, so this order costs
// nothing there.
// Capped: a dump with tens of thousands of connections gets the first MAX_CONNECTIONS and a
// notice, which keeps the Outline usable and the answer small.

import { type DocumentSymbol, Range, SymbolKind } from 'vscode-languageserver';
import { type Connection, type Endpoint, type Syscall, callRef, firstLine, threadLabel } from './analysis';
import { lineRange } from './convert';
import type { DumpIndex } from './dumpStore';

export const MAX_CONNECTIONS = 3000;

function lastLine(call: Syscall): number {
  return Math.max(call.enterLine, call.exitLine);
}

function endLabel(endpoint: Endpoint): string {
  return `${threadLabel(endpoint)} fd ${endpoint.fd}`;
}

/** The ends in the order a reader expects: the one that connected (or wrote first) on the left. */
function orderedEnds(connection: Connection): Endpoint[] {
  const ends = connection.endpoints.filter((e) => e.firstCall !== undefined);
  return ends.sort((a, b) => (a.role === 'connect' ? -1 : b.role === 'connect' ? 1 : a.firstCall!.id - b.firstCall!.id));
}

function connectionSymbol(index: DumpIndex, connection: Connection, ends: Endpoint[], findings: Map<number, string[]>): DocumentSymbol {
  let first = ends[0].firstCall!;
  let last = ends[0].lastCall!;
  for (const e of ends) {
    if (firstLine(e.firstCall!) < firstLine(first)) first = e.firstCall!;
    if (lastLine(e.lastCall!) > lastLine(last)) last = e.lastCall!;
  }
  const start = lineRange(index, firstLine(first));
  const end = lineRange(index, lastLine(last));
  const [a, b] = ends;
  const bytes = ends.map((e) => `${threadLabel(e)} sent ${e.bytesWritten} B`);
  const detail = [
    `${connection.kind} ${connection.tuple}`,
    ...bytes,
    ...(findings.get(connection.id) ?? []),
  ].join(' · ');
  return {
    // Where it starts tells apart connections of the same two ends (a pool reusing fd 26).
    name: `${ends.length === 1 || connection.unknownPeer !== undefined ? ends.map(endLabel).join(', ') : `${endLabel(a)} ⟷ ${b ? endLabel(b) : ''}`}`
      + `${connection.unknownPeer !== undefined ? ' ⟷ peer unknown' : ends.length === 1 ? ' ⟷ peer not in capture' : ''} · ${callRef(first, true)}`,
    detail,
    kind: SymbolKind.Interface,
    range: Range.create(start.start, end.end),
    selectionRange: start,
  };
}

export function provideDocumentSymbols(index: DumpIndex): DocumentSymbol[] {
  const findings = new Map<number, string[]>();
  for (const finding of index.analysis.findings) {
    const id = finding.call.endpoint?.connection.id;
    if (id === undefined) continue;
    const list = findings.get(id) ?? [];
    list.push(finding.code);
    findings.set(id, list);
  }
  const symbols: DocumentSymbol[] = [];
  const events: number[] = [];
  let total = 0;
  for (const connection of index.analysis.connections) {
    const ends = orderedEnds(connection);
    if (ends.length === 0) continue;
    total++;
    if (symbols.length < MAX_CONNECTIONS) {
      symbols.push(connectionSymbol(index, connection, ends, findings));
      events.push(ends.reduce((n, e) => n + e.callCount, 0));
    }
  }
  // Densest first, for the lookup of the symbol under the cursor (see the top of this file).
  const density = new Map<DocumentSymbol, number>();
  for (const [i, s] of symbols.entries()) density.set(s, events[i] / (s.range.end.line - s.range.start.line + 1));
  symbols.sort((x, y) => density.get(y)! - density.get(x)! || x.range.start.line - y.range.start.line);
  if (total > symbols.length) {
    symbols.push({
      name: `… ${total - symbols.length} more connections not listed`,
      detail: `the Outline shows the first ${MAX_CONNECTIONS}; use the CLI (scap-lens check) for all`,
      kind: SymbolKind.Null,
      range: lineRange(index, 0),
      selectionRange: lineRange(index, 0),
    });
  }
  return symbols;
}
