// Inlay hints on read/write exit lines: the bytes this call moved in its direction of the
// stream and the peer event it pairs with (`bytes 16–715 → #89045`).

import { type InlayHint, InlayHintKind, type Range } from 'vscode-languageserver';
import { peersOf, primaryNum } from './analysis';
import type { DumpIndex } from './dumpStore';

const MAX_HINTS = 2000;

export function provideInlayHints(index: DumpIndex, range: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const last = Math.min(range.end.line, index.lineCount - 1);
  // The range comes from the client: a start line of -10^10 would loop for 42 s before line 0.
  for (let line = Math.max(0, range.start.line); line <= last && hints.length < MAX_HINTS; line++) {
    const call = index.callAt(line);
    if (!call?.range || call.exitLine !== line) continue;
    const peers = peersOf(call);
    const arrow = call.role === 'write' ? '→' : '←';
    // `#89045` is an event number; a trace without them (strace) points at a line.
    const where = call.endpoint?.connection.lineNumbered ? `line ${primaryNum(peers[0] ?? call)}` : `#${primaryNum(peers[0] ?? call)}`;
    const target = peers.length === 0 ? '' : ` ${arrow} ${where}${peers.length > 1 ? ` +${peers.length - 1}` : ''}`;
    const text = index.lineText(line);
    // After `res=N`, before `data=`: the byte count and its place in the stream read together.
    let character = call.resCol;
    while (character < text.length && text.charCodeAt(character) !== 32) character++;
    hints.push({
      position: { line, character },
      label: `bytes ${call.range.start}–${call.range.end}${target}`,
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
    });
  }
  return hints;
}
