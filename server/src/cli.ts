// `scap-lens check FILE...`: the analysis on the command line, for CI and for dumps too large
// for an editor. Arguments are read by cli/args.ts, on node:util's parseArgs (part of Node, so no dependency).

import { type Analysis, type Finding } from './analysis';
import { analyzeInput, statusAfter } from './cli/analyze';
import type { Subcommand } from './cli/commands';
import { githubAnnotations, OUTPUT_FORMATS, type OutputFormat, sarifLog, sarifText, toolInfo } from './cli/formats';
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
 * Subcommands other than `check`, by name: each lives in its own file under `cli/`, and
 * cli/commands.ts gathers them into a bundle of their own, server/out/cli-commands.js
 * (scripts/build.mjs), required only when one of them is asked for. Bundled here, their code
 * (follow's stream rendering, the diagram's SVG) was a third of this file, which Node parses
 * on every start: a `check` does not pay for it now.
 */
const SUBCOMMANDS = ['conversations', 'diagram', 'follow'];

function subcommandNamed(name: string): Subcommand {
  return (require('./cli-commands.js') as typeof import('./cli/commands')).SUBCOMMANDS[name];
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== undefined && SUBCOMMANDS.includes(argv[0])) return subcommandNamed(argv[0])(argv.slice(1));
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
