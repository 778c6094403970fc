// Outline: processes, and under each its connections (peer, bytes each way, findings).
// Capped: a dump with tens of thousands of connections gets the first MAX_CONNECTIONS and a
// notice, which keeps the Outline usable and the answer small.

import { type DocumentSymbol, Range, SymbolKind } from 'vscode-languageserver';
import { type Endpoint, type Syscall, firstLine, peerOf, threadLabel } from './analysis';
import { lineRange } from './convert';
import type { DumpIndex } from './dumpStore';

export const MAX_CONNECTIONS = 3000;

function lastLine(call: Syscall): number {
  return Math.max(call.enterLine, call.exitLine);
}

function endpointSymbol(index: DumpIndex, endpoint: Endpoint, findings: Map<number, string[]>): DocumentSymbol {
  const peer = peerOf(endpoint);
  const first = endpoint.firstCall!;
  const last = endpoint.lastCall!;
  const start = lineRange(index, firstLine(first));
  const end = lineRange(index, lastLine(last));
  const detail = [
    endpoint.connection.kind,
    `${endpoint.bytesWritten} B sent`,
    `${endpoint.bytesRead} B received`,
    ...(findings.get(endpoint.connection.id) ?? []),
  ].join(' · ');
  return {
    name: `fd ${endpoint.fd} ⟷ ${peer ? `${threadLabel(peer)} fd ${peer.fd}` : endpoint.connection.unknownPeer !== undefined ? 'peer unknown' : 'peer not in capture'}`,
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
  const byProcess = new Map<string, { name: string; tids: Set<number>; children: DocumentSymbol[] }>();
  let listed = 0;
  let total = 0;
  for (const connection of index.analysis.connections) {
    for (const endpoint of connection.endpoints) {
      if (endpoint.firstCall === undefined) continue;
      total++;
      if (listed >= MAX_CONNECTIONS) continue;
      listed++;
      const key = endpoint.pid !== undefined ? `${endpoint.process}\u0000${endpoint.pid}` : endpoint.process;
      let group = byProcess.get(key);
      if (!group) {
        group = { name: endpoint.process, tids: new Set(), children: [] };
        byProcess.set(key, group);
      }
      for (const tid of endpoint.tids) group.tids.add(tid);
      group.children.push(endpointSymbol(index, endpoint, findings));
    }
  }
  const symbols: DocumentSymbol[] = [];
  for (const group of byProcess.values()) {
    const starts = group.children.map((c) => c.range.start.line);
    const ends = group.children.map((c) => c.range.end.line);
    const first = Math.min(...starts);
    const last = Math.max(...ends);
    const tids = [...group.tids];
    symbols.push({
      name: group.name,
      detail: `${tids.length === 1 ? 'thread' : 'threads'} ${tids.slice(0, 5).join(', ')}${tids.length > 5 ? ', …' : ''} · ${group.children.length} connection${group.children.length === 1 ? '' : 's'}`,
      kind: SymbolKind.Module,
      range: Range.create(first, 0, last, index.lineText(last).length),
      selectionRange: lineRange(index, first),
      children: group.children,
    });
  }
  if (total > listed) {
    symbols.push({
      name: `… ${total - listed} more connections not listed`,
      detail: `the Outline shows the first ${MAX_CONNECTIONS}; use the CLI (scap-lens check) for all`,
      kind: SymbolKind.Null,
      range: lineRange(index, 0),
      selectionRange: lineRange(index, 0),
    });
  }
  return symbols;
}
