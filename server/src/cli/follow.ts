// `scap-lens follow [--json] [--hex] FILE:LINE`: the conversation of the connection of the
// event on LINE (1-based), as the Follow Stream document shows it; `--json` for scripts.

import { statSync } from 'node:fs';
import { type Analysis, analyzeText, buildLineIndex, processLabel, primaryLine, primaryNum, firstLine, firstNum } from '../analysis';
import { TextLines } from '../analysis/payload';
import { type ConnectionStream, assembleStream } from '../analysis/stream';
import { renderStream } from '../followStream';
import { EXIT_BAD_INPUT, EXIT_OK, readArguments } from './args';
import { InputError, readInputText } from './input';
import { writeErr, writeOut } from './output';

const USAGE = `Usage: scap-lens follow [--json] [--hex] FILE:LINE

Prints the whole conversation of the connection whose event is on LINE (1-based) of FILE:
both ends, the bytes each way, every write, read, failure and close in order with its
payload as the dump shows it, and the FastCGI or HTTP records decoded from exact bytes.
  --json   one JSON object instead of text
  --hex    payloads as hex rows instead of text
Exit status: 0 shown, 2 bad usage, unreadable file, or no socket event on LINE.`;


/** `{"file","connection":{...},"directions":[...],"chunks":[...]}` as issue 10 specifies it. */
export function streamJson(file: string, stream: ConnectionStream): unknown {
  const { connection } = stream;
  const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
  return {
    file,
    connection: {
      kind: connection.kind,
      // A socket whose fd names no pair (`fd=14(<u>)`) has no addresses: null, as conversations says.
      addresses: connection.tuple || null,
      ...(connection.path !== undefined ? { path: connection.path } : {}),
      endpoints: connection.endpoints.map((e) => ({
        process: processLabel(e), ...(e.pid !== undefined ? { pid: e.pid } : {}), fd: e.fd, role: e.role,
      })),
    },
    directions: stream.directions.map((d) => ({
      from: d.from ?? null,
      to: d.to ?? null,
      bytes: d.bytes,
      unread: d.unread.map((u) => ({ start: u.start, end: u.end })),
      records: d.records.map((r) => ({
        protocol: r.protocol, type: r.type, start: r.start, end: r.end, ...r.fields,
        ...(r.complete ? {} : { complete: false }), ...(r.problem ? { problem: r.problem } : {}),
      })),
    })),
    chunks: stream.chunks.map((c) => {
      const atEnter = c.kind === 'close' || c.kind === 'shutdown';
      const p = c.payload;
      const exact = p !== undefined && p.known === undefined && p.text === undefined;
      // The issue's keys first, in its order; then what tells a read from a write or a close.
      return {
        line: (atEnter ? firstLine(c.call) : primaryLine(c.call)) + 1,
        event: atEnter ? firstNum(c.call) : primaryNum(c.call),
        endpoint: c.endpoint,
        call: c.call.type,
        ...(c.range ? { start: c.range.start, end: c.range.end } : {}),
        ...(exact ? { bytes: hex(p.bytes) } : {}),
        ...(c.call.errno !== undefined && c.kind === 'failed' ? { error: c.call.errno } : {}),
        kind: c.kind,
        ...(c.direction !== undefined ? { direction: c.direction } : {}),
        ...(p && p.form === 'printable' ? { printable: String.fromCharCode(...p.bytes) } : {}),
        ...(p && p.bytes.length < p.length ? { captured: p.bytes.length } : {}),
      };
    }),
  };
}

export async function follow(argv: string[]): Promise<number> {
  const parsed = readArguments(argv, { json: { type: 'boolean', default: false }, hex: { type: 'boolean', default: false } }, USAGE, 'scap-lens follow');
  if (typeof parsed === 'number') return parsed;
  const target = parsed.positionals[0];
  const match = target === undefined ? null : /^(.+):(\d+)$/.exec(target);
  if (!match || parsed.positionals.length !== 1) {
    writeErr(`scap-lens follow: give one FILE:LINE\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  const file = match[1];
  const lineNumber = Number(match[2]);
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new Error('it is a directory');
    // latin1: one character per byte, as the check command reads dumps; a capture goes through sysdig.
    text = await readInputText(file);
  } catch (error) {
    writeErr(`scap-lens follow: ${error instanceof InputError ? error.message : `${file} cannot be read: ${(error as Error).message}`}\n`);
    return EXIT_BAD_INPUT;
  }
  const analysis: Analysis = analyzeText(text);
  const lines = new TextLines(text);
  const index = buildLineIndex(analysis, lines.lineCount);
  const line = lineNumber - 1;
  const id = line >= 0 && line < index.length ? index[line] : -1;
  const connection = id >= 0 ? analysis.calls[id].endpoint?.connection : undefined;
  if (!connection) {
    writeErr(`scap-lens follow: ${file}:${lineNumber} is not an event of a socket connection`
      + (lineNumber > lines.lineCount ? ` (the file has ${lines.lineCount} lines)` : '') + '\n');
    return EXIT_BAD_INPUT;
  }
  const stream = assembleStream(lines, connection);
  if (parsed.values.json === true) writeOut(JSON.stringify(streamJson(file, stream)) + '\n');
  else writeOut(renderStream(stream, parsed.values.hex === true ? 'hex' : 'text').text);
  return EXIT_OK;
}
