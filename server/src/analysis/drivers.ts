// The drivers that feed a whole text to a DumpAnalyzer, line by line as VS Code numbers them:
// at once (analyzeText) or in slices that yield to the event loop (analyzeTextAsync).

import { DumpAnalyzer } from './analyzer';
import { LineCutter } from './lines';
import { payloadsOfText } from './alignment';
import type { FindingOptions } from './findings';
import type { Analysis } from './model';

/** Analyses a whole dump held in memory (the language server's case). */
export function analyzeText(text: string, options: FindingOptions = {}): Analysis {
  const analyzer = new DumpAnalyzer(options);
  const lines = new LineCutter(text);
  let start = 0;
  let line = 0;
  const length = text.length;
  while (start < length) {
    const end = lines.lineEnd(start);
    analyzer.addLineAt(text, start, end, line++);
    start = lines.next;
  }
  return analyzer.finish(payloadsOfText(text));
}

export interface AsyncAnalysisHooks {
  /** How long one slice may hold the event loop, in ms (default 20). */
  sliceMs?: number;
  onProgress?: (fraction: number) => void;
  /** Checked between slices: an edit or a closed document makes the work pointless. */
  isCancelled?: () => boolean;
}

/**
 * The same analysis as analyzeText, in slices that yield to the event loop, so that a server
 * stays responsive (progress, cancellation, other requests) while a large dump is indexed.
 * Slices are cut by time, not by a line count, so a loaded machine still gets short slices.
 * Resolves to undefined when cancelled.
 */
export async function analyzeTextAsync(text: string, options: FindingOptions = {}, hooks: AsyncAnalysisHooks = {}): Promise<Analysis | undefined> {
  const analyzer = new DumpAnalyzer(options);
  const sliceMs = hooks.sliceMs ?? 20;
  const lines = new LineCutter(text);
  let start = 0;
  let line = 0;
  const length = text.length;
  while (start < length) {
    const sliceStart = performance.now();
    do {
      // The clock is read every 512 lines: often enough, and cheap next to the parsing.
      for (let n = 0; n < 512 && start < length; n++) {
        const end = lines.lineEnd(start);
        analyzer.addLineAt(text, start, end, line++);
        start = lines.next;
      }
    } while (start < length && performance.now() - sliceStart < sliceMs);
    if (start < length) {
      hooks.onProgress?.(start / length);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (hooks.isCancelled?.()) return undefined;
    }
  }
  return analyzer.finish(payloadsOfText(text));
}

/** For each line, the id of the syscall whose enter or exit record starts there, or -1. */
export function buildLineIndex(analysis: Analysis, lineCount: number): Int32Array {
  const index = new Int32Array(lineCount).fill(-1);
  for (const call of analysis.calls) {
    if (call.enterLine >= 0 && call.enterLine < lineCount) index[call.enterLine] = call.id;
    if (call.exitLine >= 0 && call.exitLine < lineCount) index[call.exitLine] = call.id;
  }
  return index;
}
