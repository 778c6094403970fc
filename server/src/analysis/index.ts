// The analysis API used by the CLI and the language server.
import { closeSync, openSync, readSync } from 'node:fs';
import { ByteLineReader } from './byteScanner';
import { DumpAnalyzer } from './analyzer';
import { analyzeText, analyzeTextAsync, buildLineIndex } from './drivers';
import { LineCutter, TextLines } from './lines';
import { parseSocketAddress } from './addresses';
import type { FindingOptions } from './findings';
import type { AnalyzerOptions } from './analyzer';
import type { Analysis } from './model';

export * from './model';
export { DumpAnalyzer, LineCutter, TextLines, analyzeText, analyzeTextAsync, buildLineIndex, parseSocketAddress };
export type { AnalyzerOptions } from './analyzer';
export type { AsyncAnalysisHooks } from './drivers';
export type { FindingOptions };
export { peersOf, unreadBytes } from './peers';
export { elapsedBetween, streamsAligned } from './findings';
export { alignmentOf, causalBreakOf, connectionAlignment, contradictionOf } from './alignment';

/**
 * Analyses a dump file without holding it in memory: bytes are read straight into the line
 * scanner's input area (byteScanner.ts) and only socket activity is kept. Bytes are read as
 * latin1, one character per byte, so columns are byte offsets and nothing can fail to decode.
 * A pipe or a character device (`<(zcat dump.gz)`, /dev/stdin) is read the same way.
 */
export async function analyzeFile(path: string, options: AnalyzerOptions & ReadProgress = {}): Promise<Analysis> {
  const { onRead, ...analyzerOptions } = options;
  const analyzer = new DumpAnalyzer({ ...analyzerOptions, retainCalls: false });
  const reader = new ByteLineReader(analyzer);
  const fd = openSync(path, 'r');
  try {
    // 256 KiB reads: fewer calls than 64 KiB, and the input area holds them without a copy.
    for (;;) {
      const n = readSync(fd, reader.input, reader.filled, Math.min(reader.room, READ_SIZE), null);
      if (n === 0) break;
      reader.added(n);
      onRead?.(n);
    }
  } finally {
    closeSync(fd);
  }
  reader.end();
  return analyzer.finish();
}

const READ_SIZE = 1 << 18;

/** For a progress report: called after each read with the number of bytes it added. */
export interface ReadProgress {
  onRead?: (bytes: number) => void;
}

/** analyzeFile for any stream of chunks, e.g. standard input (`scap-lens check -`). */
export async function analyzeStream(stream: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, options: AnalyzerOptions = {}): Promise<Analysis> {
  const analyzer = new DumpAnalyzer({ ...options, retainCalls: false });
  const reader = new ByteLineReader(analyzer);
  for await (const chunk of stream) reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  reader.end();
  return analyzer.finish();
}
