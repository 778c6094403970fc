// `scap-lens check FILE...`: the analysis on the command line, for CI and for dumps too large
// for an editor. Arguments are read by cli/args.ts, on node:util's parseArgs (part of Node, so no dependency).

import { statSync } from 'node:fs';
import type * as V8 from 'node:v8';
import { type Analysis, type AnalyzerOptions, type Finding } from './analysis';
import { conversations } from './cli/conversations';
import { diagramCommand } from './cli/diagram';
import { follow } from './cli/follow';
import { githubAnnotations, OUTPUT_FORMATS, type OutputFormat, sarifLog, sarifText, toolInfo } from './cli/formats';
import { analyzeNamedInput, InputError } from './cli/input';
import { inputKind } from './sysdigCapture';
import { terminalText } from './terminal';
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, readArguments } from './cli/args';
import type { FileReport } from './cli/report';
import { writeErr, writeOut } from './cli/output';

const USAGE = `Usage: scap-lens check [--format text|json|sarif|github] [--no-unread-write] [--progress] FILE...   (FILE - reads standard input)

Analyses sysdig text dumps (sysdig -r trace.scap > trace.scap.txt), or a binary capture
through the sysdig on PATH (plain or gzip, as the dump it prints): pairs the two ends of
every socket, follows the bytes each way, and reports
  error    epipe         a write failed with EPIPE (with the peer's close that caused it)
  error    econnreset    a read or write failed with ECONNRESET
  warning  unread-write  bytes written that the peer closed without reading
  note     unread-at-end bytes not yet read when the capture ended (no claim)

Output: FILE:LINE:COL: severity: message [code], then one summary line per file.
  --json              one JSON object per file instead (= --format json)
  --format sarif      one SARIF 2.1.0 log for all files (GitHub code scanning, other dashboards)
  --format github     GitHub Actions annotations: ::error file=F,line=L,col=C::message
  --no-unread-write   leave out unread-write warnings and unread-at-end notes
  --progress          write \`progress: N%\` lines on stderr while reading
Exit status: 0 no errors, 1 some error-severity finding, 2 unreadable input or bad usage, or
no error found but the memory budget was reached (some connections were not followed).

Also: scap-lens conversations [--json] FILE...   every connection, both ends, bytes each way (--help).`;

// The exit statuses live with the argument reader every command shares (cli/args.ts).
export { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK };

/**
 * Past this share of V8's heap limit the analysis follows no new connection (AnalyzerOptions.
 * overBudget): millions of sockets that never close would otherwise end in an out-of-memory
 * crash. What was followed is still reported, with a sentence on what was not.
 */
const HEAP_BUDGET = 0.6;
const YOUNG_GENERATION = 64e6;

/**
 * node:v8's getHeapStatistics. The module is required on first use: loading it pulls in the
 * heap snapshot's stream modules, a tenth of the CLI's start-up, and the analysis asks only
 * once per 4 096 new connections.
 */
function getHeapStatistics(): V8.HeapInfo {
  return (require('node:v8') as typeof V8).getHeapStatistics();
}

function overBudget(): boolean {
  const heap = getHeapStatistics();
  // The limit counts the young generation too (about 50 MB, never kept data): leave it out.
  return heap.used_heap_size > (heap.heap_size_limit - YOUNG_GENERATION) * HEAP_BUDGET;
}


function toReport(file: string, analysis: Analysis): FileReport {
  return {
    file,
    events: analysis.stats.events,
    unparsedLines: analysis.stats.unparsedLines,
    connections: analysis.stats.connections,
    diagnostics: analysis.findings.map((f: Finding) => ({
      line: f.line + 1,
      column: f.column + 1,
      severity: f.severity,
      code: f.code,
      message: f.message,
      related: f.related.map((r) => ({ line: r.line + 1, message: r.message })),
    })),
    unparsedSamples: analysis.stats.unparsedSamples.map((s) => ({ line: s.line + 1, reason: s.reason })),
    // Only when the memory budget was reached: socket calls on connections not followed.
    ...(analysis.stats.overBudgetSocketCalls > 0 ? { overBudgetSocketCalls: analysis.stats.overBudgetSocketCalls } : {}),
  };
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
    const heapMb = Math.round(getHeapStatistics().heap_size_limit / 1e6);
    writeErr(`scap-lens: ${terminalText(file)}: too many connections open at once for the memory budget (${Math.round(HEAP_BUDGET * 100)} % of a ${heapMb} MB heap): `
      + `${skipped} socket calls on connections opened after it was reached were not followed; the findings cover the ${analysis.stats.connections} connections followed. `
      + `A larger heap (NODE_OPTIONS=--max-old-space-size=MB) follows more.\n`);
    // An error found is reported as such (1); otherwise the run says it is incomplete (2).
    if (status === EXIT_OK && !hasError) status = EXIT_BAD_INPUT;
  }
  return status;
}

async function check(files: string[], format: OutputFormat, unreadWrite: boolean, progress = false): Promise<number> {
  let status = EXIT_OK;
  const sarifReports: FileReport[] = [];
  for (const name of files) {
    // Only counts and findings are reported: connections open at the end are dropped one by one.
    const input = await analyzeInput(name, { unreadWrite, progress, dropOpenConnections: true });
    if (!input) {
      status = EXIT_BAD_INPUT;
      continue;
    }
    const { file, analysis } = input;
    status = statusAfter(status, file, analysis);
    const report = toReport(file, analysis);
    if (format === 'json') {
      writeOut(JSON.stringify(report) + '\n');
      continue;
    }
    if (format === 'github') {
      writeOut(githubAnnotations(report));
      continue;
    }
    if (format === 'sarif') {
      sarifReports.push(report);
      continue;
    }
    const out: string[] = [];
    for (const d of report.diagnostics) {
      // gcc says `note` where LSP says information.
      out.push(`${file}:${d.line}:${d.column}: ${d.severity === 'information' ? 'note' : d.severity}: ${d.message} [${d.code}]`);
      for (const r of d.related) out.push(`${file}:${r.line}:1: note: ${r.message}`);
    }
    const count = (severity: string) => report.diagnostics.filter((d) => d.severity === severity).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    out.push(`${file}: ${plural(report.events, 'event')}, ${plural(report.connections, 'connection')}, `
      + `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, `
      + (count('information') > 0 ? `${plural(count('information'), 'note')}, ` : '')
      + `${plural(report.unparsedLines, 'unparsed line')}`
      + (report.unparsedSamples[0] ? ` (first: line ${report.unparsedSamples[0].line}, ${report.unparsedSamples[0].reason})` : ''));
    // Messages quote the dump (process names, paths): no raw control character reaches the terminal.
    writeOut(out.map(terminalText).join('\n') + '\n');
  }
  // One log for the whole run: a file that could not be analysed makes it unsuccessful.
  if (format === 'sarif') writeOut(sarifText(sarifLog(sarifReports, toolInfo(), status !== EXIT_BAD_INPUT)));
  return status;
}

/**
 * Subcommands other than `check`, by name: each lives in its own file under `cli/` and takes
 * the arguments after its name. One line here per subcommand keeps this file the dispatcher.
 */
const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  conversations,
  diagram: diagramCommand,
  follow,
};

async function main(argv: string[]): Promise<number> {
  const subcommand = argv[0] === undefined ? undefined : SUBCOMMANDS[argv[0]];
  if (subcommand) return subcommand(argv.slice(1));
  const parsed = readArguments(argv, {
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
    'no-unread-write': { type: 'boolean', default: false },
    progress: { type: 'boolean', default: false },
  }, USAGE, 'scap-lens');
  if (typeof parsed === 'number') return parsed;
  const [command, ...files] = parsed.positionals;
  if (command !== 'check' || files.length === 0) {
    writeErr(`${command === undefined || command === 'check' ? 'scap-lens: no file given' : `scap-lens: unknown command '${command}'`}\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const format = (typeof parsed.values.format === 'string' ? parsed.values.format : parsed.values.json === true ? 'json' : 'text') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format) || (parsed.values.json === true && format !== 'json')) {
    writeErr(`scap-lens: --format takes one of ${OUTPUT_FORMATS.join(', ')}${parsed.values.json === true ? ', and --json is --format json' : ''}\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  return check(files, format, parsed.values['no-unread-write'] !== true, parsed.values.progress === true);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    writeErr(`scap-lens: internal error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  },
);
