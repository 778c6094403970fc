// `scap-lens diagram FILE:LINE [-o race.svg]`: the sequence diagram of the connection of the
// event on LINE (1-based), as the standalone SVG that the editor's "Save as SVG" writes.

import { statSync, writeFileSync } from 'node:fs';
import { analyzeText, type Syscall } from '../analysis';
import { TextLines } from '../analysis/payload';
import { sequenceOfCall } from '../analysis/sequence';
import { streamRecordNamer } from '../analysis/sequenceRecords';
import { renderSequenceSvg } from '../analysis/sequenceSvg';
import { terminalText } from '../terminal';
import { EXIT_BAD_INPUT, EXIT_OK, readArguments } from './args';
import { InputError, readInputText } from './input';
import { writeErr, writeOut } from './output';

const USAGE = `Usage: scap-lens diagram FILE:LINE [-o OUT.svg]

Draws the connection of the socket call on LINE (1-based) of the dump FILE as a sequence
diagram: both ends as lifelines, an arrow from each write to the reads that consumed its
bytes, bytes never read, failed writes (EPIPE, ECONNRESET) and the race window.
  -o, --output OUT.svg   write the SVG there (default: standard output)`;


function fail(message: string): number {
  writeErr(`scap-lens diagram: ${message}\n`);
  return EXIT_BAD_INPUT;
}

/** The syscall whose enter or exit record is on the 0-based line. */
function callOnLine(calls: Syscall[], line: number): Syscall | undefined {
  return calls.find((c) => c.enterLine === line || c.exitLine === line);
}

export async function diagramCommand(argv: string[]): Promise<number> {
  const parsed = readArguments(argv, { output: { type: 'string', short: 'o' } }, USAGE, 'scap-lens diagram');
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length !== 1) return fail(`give one FILE:LINE\n${USAGE}`);
  const target = parsed.positionals[0];
  const match = /^(.+):(\d+)$/.exec(target);
  if (!match || Number(match[2]) < 1) return fail(`${target} is not FILE:LINE with a 1-based line number\n${USAGE}`);
  const file = match[1];
  const line = Number(match[2]) - 1;
  let text: string;
  try {
    if (statSync(file).isDirectory()) return fail(`${file} is a directory, not a sysdig dump`);
    // latin1: one character per byte, as the check command reads dumps; a capture goes through sysdig.
    text = await readInputText(file);
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${code ?? String(error)})`);
  }
  // Lines as the analysis numbers them (`\n`, `\r\n` or a lone `\r`); a final line break starts no line.
  const dump = new TextLines(text);
  const lineCount = dump.lineCount - (dump.lineText(dump.lineCount - 1) === '' ? 1 : 0);
  if (line >= lineCount) return fail(`${file} has ${lineCount} lines; there is no line ${line + 1}`);
  const analysis = analyzeText(text);
  const call = callOnLine(analysis.calls, line);
  const sequence = sequenceOfCall(call, (l) => dump.lineText(l), (connection) => streamRecordNamer(dump, connection));
  if (!sequence) {
    return fail(`line ${line + 1} of ${file} is not a call on a socket that the capture follows: give the line of a read, write, connect, accept or close of a socket`);
  }
  const svg = renderSequenceSvg(sequence);
  const output = typeof parsed.values.output === 'string' ? parsed.values.output : undefined;
  if (output === undefined || output === '-') {
    writeOut(svg);
    return EXIT_OK;
  }
  try {
    writeFileSync(output, svg);
  } catch (error) {
    return fail(`cannot write ${output}: ${(error as Error).message}`);
  }
  // Process names are dump text: shown escaped, as the check command does.
  writeErr(`${output}: ${terminalText(sequence.lifelines.map((l) => l.label).join(' ⟷ '))}, ${sequence.rows.length} calls, ${sequence.arrows.length} arrows\n`);
  return EXIT_OK;
}
