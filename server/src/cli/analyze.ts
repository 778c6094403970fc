// What every subcommand does with one command-line input: analyse it within the memory budget,
// or say on stderr why it cannot be, and the exit status that follows. In a module of its own,
// not in cli.ts: the other subcommands are a bundle of their own (cli/commands.ts), which must
// not hold cli.ts's dispatcher.

import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import type * as V8 from 'node:v8';
import { type Analysis, type AnalyzerOptions } from '../analysis';
import { inputKind } from '../sysdigCapture';
import { terminalText } from '../terminal';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK } from './args';
import { analyzeNamedInput, InputError } from './input';
import { writeErr } from './output';

/**
 * Past this share of V8's heap limit the analysis follows no new connection (AnalyzerOptions.
 * overBudget): millions of sockets that never close would otherwise end in an out-of-memory
 * crash. What was followed is still reported, with a sentence on what was not.
 */
const HEAP_BUDGET = 0.6;
const YOUNG_GENERATION = 64e6;

/**
 * node:v8, for the heap's limit, loaded only when the heap is large enough for the budget to
 * matter. Its modules (heap snapshots pull in Node's streams) cost 33 M instructions, a fifth
 * of the CLI's start-up, and most runs never come near the budget. Loaded at the first check
 * of a dump with thousands of connections, they tipped V8 into a full collection (76 M
 * instructions), so the check below asks process.memoryUsage() first, which loads nothing.
 */
let v8: typeof V8 | undefined;
function heapStatistics(): V8.HeapInfo {
  v8 ??= require('node:v8') as typeof V8;
  return v8.getHeapStatistics();
}

/**
 * Below this much used heap the budget cannot be reached with V8's own heap limit: its old
 * generation is a quarter of the machine's memory, so 60 % of it is over 100 MB on any machine
 * with 1 GB (a 32nd of the memory leaves room for the smallest). A limit set by hand
 * (--max-old-space-size, --max-heap-size, in the command line or NODE_OPTIONS) may be lower:
 * then node:v8 is asked from the first check.
 */
const HEAP_FLAG = /--max[-_](old[-_]space|heap)[-_]size/;
const QUIET_HEAP = HEAP_FLAG.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`) ? 0 : Math.min(100e6, totalmem() / 32);

function overBudget(): boolean {
  if (v8 === undefined && process.memoryUsage().heapUsed < QUIET_HEAP) return false;
  const heap = heapStatistics();
  // The limit counts the young generation too (about 50 MB, never kept data): leave it out.
  return heap.used_heap_size > (heap.heap_size_limit - YOUNG_GENERATION) * HEAP_BUDGET;
}


/** Why a path cannot be analysed, as one sentence, or undefined when it can be read. */
function unreadable(file: string): string | undefined {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return `${file} is a directory, not a sysdig dump`;
    // A pipe is fine: `scap-lens check <(zcat trace.scap.txt.gz)` streams like a file.
    if (stat.isFIFO() || stat.isCharacterDevice()) return undefined;
    // Node and many tools give a child's standard input as a socket, which /dev/stdin cannot reopen.
    if (stat.isSocket()) return `${file} is a socket, which cannot be opened as a file; to read standard input, give - instead`;
    if (!stat.isFile()) return `${file} is not a regular file`;
    if (stat.size === 0) return `${file} is empty: there is nothing to analyse`;
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist`;
    if (code === 'EACCES') return `${file} cannot be read: permission denied`;
    return `${file} cannot be read (${code ?? String(error)})`;
  }
}

/**
 * What a file that holds no event is instead, when its first bytes say so. A capture gets here
 * only when sysdig read it and printed nothing (cli/input.ts converts it, or says how to).
 */
function binaryKind(file: string): string | undefined {
  if (inputKind(file) === 'capture') return `${file} is a binary sysdig capture with no events: \`sysdig -r ${file}\` prints nothing`;
  return undefined;
}

/** What the analysis of one input gave: the name it is reported under and the analysis. */
export interface AnalyzedInput {
  file: string;
  analysis: Analysis;
}

/**
 * Analyses one command-line input (a path, or `-` for standard input) as every subcommand
 * does, within the memory budget. When it cannot be read or holds no event, says why on
 * stderr and returns undefined: the caller's exit status is then EXIT_BAD_INPUT.
 */
export async function analyzeInput(name: string, options: AnalyzerOptions & { progress?: boolean }): Promise<AnalyzedInput | undefined> {
  // `-` is standard input, named `<stdin>` in the output as gcc does.
  const stdin = name === '-';
  const file = stdin ? '<stdin>' : name;
  const problem = stdin ? undefined : unreadable(file);
  if (problem) {
    writeErr(`scap-lens: ${problem}\n`);
    return undefined;
  }
  let analysis: Analysis;
  try {
    // A text dump, standard input, a gzip-compressed dump, or a capture through sysdig (cli/input.ts).
    analysis = await analyzeNamedInput(name, { ...options, overBudget });
  } catch (error) {
    writeErr(`scap-lens: ${error instanceof InputError ? error.message : `${file} could not be read: ${(error as Error).message}`}\n`);
    return undefined;
  }
  if (analysis.stats.events === 0) {
    const sample = analysis.stats.unparsedSamples[0];
    const kind = stdin ? undefined : binaryKind(file);
    if (kind) writeErr(`scap-lens: ${kind}\n`);
    else if (analysis.stats.lines === 0) writeErr(`scap-lens: ${stdin ? 'standard input' : file} is empty: there is nothing to analyse\n`);
    else {
      writeErr(`scap-lens: ${file} is not a sysdig dump: none of its ${analysis.stats.lines} lines is a sysdig event`
        + (sample ? ` (line ${sample.line + 1}: ${sample.reason})` : '') + '\n');
    }
    return undefined;
  }
  return { file, analysis };
}

/**
 * The exit status after one analysed input, from the status so far: 1 once an error finding
 * is found; 2 when the memory budget left connections unfollowed and no error was found (the
 * run is incomplete), with a sentence on stderr saying so.
 */
export function statusAfter(status: number, file: string, analysis: Analysis): number {
  const hasError = analysis.findings.some((f) => f.severity === 'error');
  if (status === EXIT_OK && hasError) status = EXIT_FINDINGS;
  const skipped = analysis.stats.overBudgetSocketCalls;
  if (skipped > 0) {
    const heapMb = Math.round(heapStatistics().heap_size_limit / 1e6);
    writeErr(`scap-lens: ${terminalText(file)}: too many connections open at once for the memory budget (${Math.round(HEAP_BUDGET * 100)} % of a ${heapMb} MB heap): `
      + `${skipped} socket calls on connections opened after it was reached were not followed; the findings cover the ${analysis.stats.connections} connections followed. `
      + `A larger heap (NODE_OPTIONS=--max-old-space-size=MB) follows more.\n`);
    // An error found is reported as such (1); otherwise the run says it is incomplete (2).
    if (status === EXIT_OK && !hasError) status = EXIT_BAD_INPUT;
  }
  return status;
}
