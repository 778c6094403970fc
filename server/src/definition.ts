// Go to Definition = go to peer: from a write to the read(s) that consumed its bytes, from a
// read to the write(s) that produced them, connect ↔ accept, close → the peer's close, a
// failed write → the close that made it fail. Several targets make VS Code show a peek list.

import type { Location, Position } from 'vscode-languageserver';
import { peersOf } from './analysis';
import { callLocation } from './convert';
import type { DumpIndex } from './dumpStore';

export function provideDefinition(index: DumpIndex, position: Position): Location[] {
  const call = index.callAt(position.line);
  if (!call) return [];
  return peersOf(call).map((peer) => callLocation(index, peer));
}
