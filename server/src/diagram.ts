// The sequence diagram's data (Requests.sequenceDiagram): the message sequence of the
// connection of the call on a line, for the client's webview, which draws it with
// analysis/sequenceSvg.ts. Each row's time is read again from its line here: the analysis
// keeps times only for closes and failures, to keep its hot path fast.

import { sequenceOfCall } from './analysis/sequence';
import { streamRecordNamer } from './analysis/sequenceRecords';
import type { DumpIndex } from './dumpStore';
import type { SequenceDiagramResult } from './lsp_ext';

export function provideSequenceDiagram(index: DumpIndex, line: number): SequenceDiagramResult {
  if (!Number.isInteger(line) || line < 0 || line >= index.lineCount) return { message: `The dump has no line ${line + 1}.` };
  const call = index.callAt(line);
  // The protocol decoders name the records on the arrows, from Follow Stream's assembly.
  const sequence = sequenceOfCall(call, (l) => index.lineText(l), (connection) => streamRecordNamer(index, connection));
  if (!sequence) {
    return {
      message: call
        ? `Line ${line + 1} (${call.type}) is not a call on a socket that the capture follows: put the cursor on a read, write, connect, accept or close of a socket.`
        : `Line ${line + 1} is not a socket call: put the cursor on a read, write, connect, accept or close of a socket.`,
    };
  }
  return { sequence };
}
