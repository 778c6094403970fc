// Go to peer on a capture that joined its connections midway, judged against the whole
// capture: cut the head off a dump whose connections open inside it, and go to peer on the
// cut dump must give the same targets as on the whole dump, or none. Used by the unit test
// (test/unit/alignment.test.ts, on fixtures) and by scripts/mid-capture.mjs (on the corpus).

import { type Analysis, type Connection, type Syscall, analyzeText, buildLineIndex, peersOf, primaryLine } from '../../server/src/analysis';

export interface MidCaptureScore {
  /** Reads and writes of the cut dump, on connections it joined midway, with a known answer. */
  scored: number;
  /** Same targets as the whole dump. */
  right: number;
  /** No target: the alignment was not sure. */
  none: number;
  /** Other targets than the whole dump's: must be 0. */
  wrong: number;
  /** The first few wrong answers, to debug with. */
  wrongSamples: string[];
}

export function emptyScore(): MidCaptureScore {
  return { scored: 0, right: 0, none: 0, wrong: 0, wrongSamples: [] };
}

export function addScore(into: MidCaptureScore, score: MidCaptureScore): void {
  into.scored += score.scored;
  into.right += score.right;
  into.none += score.none;
  into.wrong += score.wrong;
  if (into.wrongSamples.length < 10) into.wrongSamples.push(...score.wrongSamples.slice(0, 10 - into.wrongSamples.length));
}

/** Line starts of a text, to cut it at a line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Connections whose two ends both connected or accepted inside the capture, and whose counts
 * agree: a reader that read more than its writer wrote lost a write (an exit the pairing could
 * not place), and then the whole dump's answer is no truth to judge by.
 */
function opensInside(connection: Connection): boolean {
  if (connection.endpoints.length !== 2 || connection.endpoints.some((e) => e.opened === undefined)) return false;
  const [a, b] = connection.endpoints;
  return a.bytesRead <= b.bytesWritten && b.bytesRead <= a.bytesWritten;
}

/** The whole dump's answers, the truth: peers of reads and writes on connections opened inside it, as sets of lines. */
export function wholeTruth(whole: Analysis): Map<number, number[]> {
  const truth = new Map<number, number[]>();
  for (const connection of whole.connections) {
    if (!opensInside(connection)) continue;
    for (const call of connection.calls) {
      if (!call.range) continue;
      truth.set(primaryLine(call), peersOf(call).map(primaryLine).sort((a, b) => a - b));
    }
  }
  return truth;
}

/** Lines where cutting makes sense: a few inside the life of each connection opened in the capture. */
export function cutPoints(whole: Analysis, perConnection: number): number[] {
  const cuts = new Set<number>();
  for (const connection of whole.connections) {
    if (!opensInside(connection)) continue;
    const io = connection.calls.filter((c) => c.range);
    if (io.length === 0) continue;
    const first = Math.min(...connection.endpoints.map((e) => primaryLine(e.opened!)));
    const last = primaryLine(io[io.length - 1]);
    for (let i = 1; i <= perConnection; i++) cuts.add(first + 1 + Math.floor(((last - first) * i) / (perConnection + 1)));
  }
  return [...cuts].sort((a, b) => a - b);
}

/** Go to peer on the dump cut at `cut` (its first line), judged against the whole dump's truth. */
export function scoreCut(text: string, starts: number[], cut: number, truth: Map<number, number[]>): MidCaptureScore {
  const score = emptyScore();
  const part = analyzeText(text.slice(starts[cut]));
  const index = buildLineIndex(part, starts.length - cut);
  for (const connection of part.connections) {
    // Only connections the cut joined midway: the others were aligned by their opens before.
    if (connection.endpoints.length !== 2 || connection.endpoints.every((e) => e.opened !== undefined)) continue;
    for (const call of connection.calls) {
      if (!call.range) continue;
      const line = primaryLine(call) + cut;
      // A target whose enter was cut off is not a call of the cut dump (its exit has no fd).
      const expected = truth.get(line)?.filter((l) => l >= cut && index[l - cut] >= 0 && part.calls[index[l - cut]].range !== undefined);
      if (expected === undefined) continue;
      const got = peersOf(call).map((p: Syscall) => primaryLine(p) + cut).sort((a, b) => a - b);
      if (expected.length === 0 && got.length === 0) continue;
      score.scored++;
      if (got.length === 0) score.none++;
      else if (got.length === expected.length && got.every((l, i) => l === expected[i])) score.right++;
      else {
        score.wrong++;
        if (score.wrongSamples.length < 10) score.wrongSamples.push(`cut at line ${cut + 1}: line ${line + 1} → ${got.map((l) => l + 1).join(',')} instead of ${expected.map((l) => l + 1).join(',') || 'nothing'}`);
      }
    }
  }
  return score;
}

/** Cuts one dump at the given lines (or at cutPoints) and adds up the scores. */
export function scoreDump(text: string, cuts?: number[], perConnection = 4): MidCaptureScore {
  const whole = analyzeText(text);
  const truth = wholeTruth(whole);
  const starts = lineStarts(text);
  const total = emptyScore();
  for (const cut of cuts ?? cutPoints(whole, perConnection)) {
    if (cut > 0 && cut < starts.length) addScore(total, scoreCut(text, starts, cut, truth));
  }
  return total;
}
