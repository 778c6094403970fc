// The analysis API used by the CLI and the language server.
import { createReadStream } from 'node:fs';
import { DumpAnalyzer, analyzeText, analyzeTextAsync, buildLineIndex, parseSocketAddress } from './analyzer';
import type { FindingOptions } from './findings';
import { LineSplitter } from './lineSplitter';
import type { Analysis } from './model';

export * from './model';
export { DumpAnalyzer, analyzeText, analyzeTextAsync, buildLineIndex, parseSocketAddress };
export type { AnalyzerOptions, AsyncAnalysisHooks } from './analyzer';
export type { FindingOptions };
export { peersOf, unreadBytes } from './peers';
export { elapsedBetween, streamsAligned } from './findings';

/**
 * Analyses a dump file without holding it in memory: chunks are split into lines and fed to
 * the analyzer, which keeps only socket activity. latin1 keeps one character per byte, so
 * columns are byte offsets and no byte sequence can fail to decode. Chunks of 64 KiB stay in
 * V8's young generation, where they are freed cheaply; larger strings go to the large-object
 * space and wait for a full collection.
 */
export async function analyzeFile(path: string, options: FindingOptions = {}): Promise<Analysis> {
  return analyzeStream(createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 16 }), options);
}

/** analyzeFile for any stream of latin1 text chunks, e.g. standard input (`scap-lens check -`). */
export async function analyzeStream(stream: AsyncIterable<string | Buffer>, options: FindingOptions = {}): Promise<Analysis> {
  const analyzer = new DumpAnalyzer({ ...options, retainCalls: false });
  const splitter = new LineSplitter(analyzer);
  for await (const chunk of stream) splitter.push(typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
  splitter.end();
  return analyzer.finish();
}
