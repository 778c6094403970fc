// Follow Stream: a connection's conversation as a read-only document. A header (the ends, the
// bytes each way, what was never read), then every write, read, failure and close in dump
// order, each with the payload the dump shows and the protocol records it holds. The client
// shows it through a virtual document (`scap-lens-stream:`); the CLI's `follow` prints it.

import {
  type ByteRange, type Connection, type Endpoint, type Syscall,
  firstLine, firstNum, primaryLine, primaryNum, processLabel, threadLabel, unknownPeerReason,
} from './analysis';
import {
  type ConnectionStream, type Payload, type StreamChunk, type StreamDirection,
  assembleStream, failedWriteRecords, recordsAt,
} from './analysis/stream';
import { type DumpLines, PRINTABLE_LIMIT } from './analysis/payload';
import type { DumpIndex } from './dumpStore';
import { markdownText } from './markdown';
import { Commands, type FollowStreamParams, type FollowStreamResult } from './lsp_ext';

export type StreamView = 'text' | 'hex';

/** A link in the rendered text to a 0-based line of the dump. */
export interface RenderedLink {
  line: number;
  start: number;
  end: number;
  dumpLine: number;
}

export interface RenderedStream {
  title: string;
  text: string;
  links: RenderedLink[];
}

/** Payload bytes shown per block; the rest is counted (a 1 MB write is not read as text). */
const MAX_SHOWN_BYTES = 4096;
const MAX_PAIRS = 40;
const INDENT = '      ';

/** The connection of the socket call on `line`, or undefined. */
export function connectionAt(index: { callAt(line: number): Syscall | undefined }, line: number): Connection | undefined {
  return index.callAt(line)?.endpoint?.connection;
}

export function provideFollowStream(index: DumpIndex, params: FollowStreamParams): FollowStreamResult | null {
  const connection = connectionAt(index, params.line);
  if (!connection) return null;
  const rendered = renderStream(assembleStream(index, connection), params.view ?? 'text');
  return {
    title: rendered.title,
    text: rendered.text,
    links: rendered.links.map((l) => ({ line: l.line, start: l.start, end: l.end, target: { uri: index.uri, line: l.dumpLine } })),
  };
}

function letter(i: number | undefined): string {
  return i === undefined ? '?' : String.fromCharCode(65 + i);
}

function endName(end: Endpoint | undefined): string {
  return end ? `${threadLabel(end)} fd ${end.fd}` : 'the peer (not in the capture)';
}

function describeKind(connection: Connection): string {
  if (connection.kind === 'unix') return 'unix socket';
  if (connection.datagram) return `${connection.kind.toUpperCase()} socket`;
  return `${connection.kind.replace(/\d$/, '').toUpperCase()} connection`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Builds the text line by line and keeps the links' columns right. */
class Writer {
  readonly lines: string[] = [];
  readonly links: RenderedLink[] = [];

  /** Appends a line made of parts; a part `[text, dumpLine]` becomes a link. */
  line(...parts: (string | [string, number])[]): void {
    let text = '';
    for (const part of parts) {
      if (typeof part === 'string') text += part;
      else {
        this.links.push({ line: this.lines.length, start: text.length, end: text.length + part[0].length, dumpLine: part[1] });
        text += part[0];
      }
    }
    this.lines.push(text);
  }
}

function eventRef(call: Syscall, atEnter = false): [string, number] {
  const line = atEnter ? firstLine(call) : primaryLine(call);
  // strace numbers no events: its "event number" is the line (see callRef).
  if (call.endpoint?.connection.lineNumbered) return [`line ${line + 1}`, line];
  const num = atEnter ? firstNum(call) : primaryNum(call);
  return [`event ${num} (line ${line + 1})`, line];
}

function rangeText(range: ByteRange): string {
  return `bytes ${range.start}–${range.end} (${range.end - range.start})`;
}

/**
 * The Follow Stream document of a connection. The same text for the editor and the CLI, so
 * that `scap-lens follow` shows what the document shows.
 */
export function renderStream(stream: ConnectionStream, view: StreamView): RenderedStream {
  const { connection, directions } = stream;
  const ends = connection.endpoints;
  const w = new Writer();
  const title = `${endName(ends[0])} ⟷ ${ends.length > 1 ? endName(ends[1]) : 'peer'}`;
  // A socket whose fd names no pair has no tuple (unknownPeer): at most its path.
  const addresses = [connection.tuple, connection.path].filter((part) => part !== undefined && part.length > 0).join(' ');
  w.line(`Follow Stream${view === 'hex' ? ' (hex)' : ''}: ${describeKind(connection)}${addresses ? ` ${addresses}` : ', addresses not printed'}`);
  w.line('');
  ends.forEach((end, i) => {
    const parts: (string | [string, number])[] = [`  ${letter(i)}  ${endName(end)}${end.pid !== undefined && end.pid !== end.tids[0] ? ` (pid ${end.pid})` : ''}: `];
    // Opens and closes are named where the call starts (its enter, or strace's unfinished
    // line), as conversations and the hover name them.
    if (end.opened) parts.push(`${end.role === 'connect' ? 'connect' : 'accept'} at `, eventRef(end.opened, true));
    else parts.push('opened before the capture started');
    if (end.closed) parts.push(', closed at ', eventRef(end.closed, true));
    else if (end.shutdown) parts.push(', shut down at ', eventRef(end.shutdown, true));
    else parts.push(', not closed in the capture');
    w.line(...parts);
  });
  const unknown = unknownPeerReason(connection);
  if (unknown !== undefined) w.line(`  ?  ${unknown}: nothing is claimed about what it read or wrote`);
  else if (ends.length === 1) w.line('  ?  the other end is not in the capture: nothing is claimed about what it read or wrote');
  w.line('');
  directions.forEach((d) => w.line(`  ${directionLabel(d)}  ${directionSummary(stream, d)}`));
  w.line('');
  w.line(`  Payloads as the dump shows them: ${formsUsed(stream)}.`);
  for (const d of directions) {
    if (d.overRead !== undefined) {
      w.line(`  ${directionLabel(d)}  ${processLabel(ends[d.to!])} read ${d.overRead} bytes more than ${processLabel(ends[d.from!])} wrote: a peek (MSG_PEEK) or a lost write; offsets not compared, and reads are not matched to writes.`);
    }
  }
  if (directions.some((d) => d.bytes > 0 && !d.aligned && d.overRead === undefined && d.from !== undefined && d.to !== undefined)) {
    w.line('  The capture started after this connection opened: byte offsets count from the first byte each end was seen to move, and reads are not matched to writes.');
  }
  w.line('');
  w.line('─'.repeat(78));
  for (const chunk of stream.chunks) renderChunk(w, stream, chunk, view);
  return { title, text: w.lines.join('\n') + '\n', links: w.links };
}

function directionLabel(d: StreamDirection): string {
  return `${letter(d.from)} → ${letter(d.to)}`;
}

function directionSummary(stream: ConnectionStream, d: StreamDirection): string {
  const ends = stream.connection.endpoints;
  const parts: string[] = [];
  if (d.from !== undefined) parts.push(`${plural(d.bytes, 'byte')} written`);
  else parts.push(`${plural(d.bytes, 'byte')} read (the writer is not in the capture)`);
  if (d.from !== undefined && d.to !== undefined) parts.push(`${d.read} read`);
  for (const u of d.unread) parts.push(`${u.end - u.start} never read (bytes ${u.start}–${u.end}: ${threadLabel(ends[d.to!])} closed first)`);
  if (d.pendingAtEnd) parts.push(`${d.pendingAtEnd.end - d.pendingAtEnd.start} not yet read when the capture ended`);
  let text = parts.join(', ');
  if (d.protocol) {
    text += `; ${d.protocol}, ${plural(d.records.length, 'record')}`;
    if (d.undecodedFrom !== undefined) text += ` (not decoded from byte ${d.undecodedFrom}: ${undecodedReason(d)})`;
  } else if (d.bytes > 0) {
    text += `; ${knownCount(d) === 0 ? 'no exact bytes in the dump to decode' : 'no protocol recognised in its first bytes'}`;
  }
  return text;
}

function knownCount(d: StreamDirection): number {
  let n = 0;
  for (let i = 0; i < d.data.data.length; i++) if (d.data.known[i] !== 0) n++;
  return n;
}

function undecodedReason(d: StreamDirection): string {
  const at = d.undecodedFrom!;
  if (at >= d.data.data.length || d.data.known[at] === 0) return 'bytes not in the dump';
  return 'not a record header';
}

function formsUsed(stream: ConnectionStream): string {
  const forms = new Set(stream.chunks.map((c) => c.payload?.form).filter((f) => f !== undefined));
  const names: string[] = [];
  if (forms.has('printable')) names.push(`sysdig's printable form (at most ${PRINTABLE_LIMIT} bytes each, every other byte printed as \`.\`)`);
  if (forms.has('hex')) names.push('exact bytes from sysdig -x/-X');
  if (forms.has('ascii')) names.push('sysdig -A text (exact where no byte was dropped)');
  if (forms.has('strace')) names.push('exact bytes from strace\'s escapes (cut where strace -s cut them)');
  return names.length > 0 ? names.join('; ') : 'none (this dump has no payloads)';
}

function renderChunk(w: Writer, stream: ConnectionStream, chunk: StreamChunk, view: StreamView): void {
  const ends = stream.connection.endpoints;
  const end = ends[chunk.endpoint];
  const who = threadLabel(end);
  const call = chunk.call;
  const d = chunk.direction !== undefined ? stream.directions[chunk.direction] : undefined;
  const arrow = d ? directionLabel(d) : `${letter(chunk.endpoint)}    `;
  w.line('');
  switch (chunk.kind) {
    case 'open':
      w.line(`${letter(chunk.endpoint)}      ${who} ${call.type} fd ${end.fd}, `, eventRef(call));
      return;
    case 'close':
    case 'shutdown':
      w.line(`■ ${letter(chunk.endpoint)}    ${who} ${chunk.kind === 'close' ? 'closes' : 'shuts down'} fd ${end.fd}, `, eventRef(call, true));
      return;
    case 'eof':
      w.line(`${arrow}  ${who} ${call.type} returns 0: end of stream, `, eventRef(call));
      return;
    case 'failed': {
      w.line(`✖ ${arrow}  ${who} ${call.type}${call.size !== undefined ? ` of ${call.size} bytes` : ''} failed with ${call.errno}, `, eventRef(call));
      if (call.role === 'write' && d) {
        w.line(`${INDENT}nothing was written; it tried to send:`);
        for (const r of failedWriteRecords(d, chunk)) w.line(`${INDENT}${r.protocol} ${r.summary}`);
        renderPayload(w, chunk.payload, view, 0);
      }
      return;
    }
    case 'write': {
      w.line(`${arrow}  ${who} ${call.type}, `, eventRef(call), `, ${rangeText(chunk.range!)}`);
      if (d) renderRecords(w, d, chunk.range!);
      renderPayload(w, chunk.payload, view, chunk.range!.start);
      if (d) {
        for (const u of d.unread) {
          const s = Math.max(u.start, chunk.range!.start);
          const e = Math.min(u.end, chunk.range!.end);
          if (s >= e) continue;
          const reader = ends[d.to!];
          w.line(`${INDENT}⚠ bytes ${s}–${e} (${e - s}) never read: ${threadLabel(reader)} closed fd ${reader.fd} at `, eventRef(reader.closed!, true), ` after reading ${d.read}`);
          const records = recordsAt(d, { start: s, end: e });
          if (records.length > 0) w.line(`${INDENT}  the unread bytes are ${records.map((r) => `${r.protocol} ${r.summary}`).join('; ')}`);
        }
      }
      return;
    }
    case 'read': {
      const note = d ? readNote(stream, d, chunk) : '';
      w.line(`${arrow}  ${who} ${call.type}, `, eventRef(call), `, ${rangeText(chunk.range!)}${note}`);
      // A read's bytes are the writer's, shown there; only a reader alone shows its own.
      if (d && d.from === undefined) {
        renderRecords(w, d, chunk.range!);
        renderPayload(w, chunk.payload, view, chunk.range!.start);
      }
      return;
    }
  }
}

/** Where a read cuts or joins the writes it consumed (only meaningful with aligned offsets). */
function readNote(stream: ConnectionStream, d: StreamDirection, chunk: StreamChunk): string {
  if (!d.aligned) return ', offsets of this end';
  const range = chunk.range!;
  const writes = stream.chunks.filter((c) => c.kind === 'write' && c.direction === chunk.direction && c.range!.start < range.end && c.range!.end > range.start);
  if (writes.length === 0) return ', no write of these bytes in the capture';
  const first = writes[0].range!;
  const last = writes[writes.length - 1].range!;
  const notes: string[] = [];
  if (writes.length > 1) notes.push(`joins ${writes.length} writes`);
  if (first.start < range.start || last.end > range.end) notes.push('cuts a write');
  return notes.length > 0 ? ` — ${notes.join(', ')}` : '';
}

function renderRecords(w: Writer, d: StreamDirection, range: ByteRange): void {
  for (const r of recordsAt(d, range)) {
    const starts = r.start >= range.start;
    const where = `bytes ${r.start}–${r.end}`;
    // A malformed line is pointed out in the write that carries it, too.
    const malformed = ((r.fields.malformedAt ?? []) as number[])
      .map((at, i) => [at, (r.fields.malformed as string[])[i]] as const)
      .filter(([at]) => at >= range.start && at < range.end);
    if (!starts) {
      w.line(`${INDENT}… ${r.protocol} ${r.type} continues (${where})`);
      for (const [, line] of malformed) w.line(`${INDENT}  ⚠ not a header line: ${JSON.stringify(line)}`);
      continue;
    }
    w.line(`${INDENT}${r.protocol} ${r.summary} (${where})`);
    const pairs = (r.fields.params ?? r.fields.headers) as [string, string][] | undefined;
    if (pairs) {
      const separator = r.fields.params ? '=' : ': ';
      for (const [name, value] of pairs.slice(0, MAX_PAIRS)) w.line(`${INDENT}  ${escapeText(name)}${separator}${escapeText(value)}`);
      if (pairs.length > MAX_PAIRS) w.line(`${INDENT}  … ${pairs.length - MAX_PAIRS} more`);
    }
    if (r.problem) w.line(`${INDENT}  ⚠ ${r.problem}`);
  }
}

/** Printable ASCII as itself, everything else as a C escape, so a line stays a line. */
function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += escapeByte(text.charCodeAt(i) & 0xff);
  return out;
}

function escapeByte(b: number): string {
  if (b === 92) return '\\\\';
  if (b >= 32 && b < 127) return String.fromCharCode(b);
  if (b === 10) return '\\n';
  if (b === 13) return '\\r';
  if (b === 9) return '\\t';
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** The payload under its block: as text (escapes, line breaks after `\n`) or as hex rows. */
function renderPayload(w: Writer, payload: Payload | undefined, view: StreamView, offset: number): void {
  if (!payload) {
    w.line(`${INDENT}(no payload in the dump)`);
    return;
  }
  const shown = Math.min(payload.bytes.length, MAX_SHOWN_BYTES);
  if (payload.form === 'ascii' && payload.text !== undefined) {
    w.line(`${INDENT}sysdig -A text (bytes it could not print were dropped, so offsets are not exact):`);
    for (const line of payload.text.split('\n').slice(0, 200)) w.line(`${INDENT}│ ${escapeText(line)}`);
  } else if (view === 'hex') {
    for (let row = 0; row < shown; row += 16) {
      let hexPart = '';
      let ascii = '';
      for (let i = row; i < row + 16; i++) {
        if (i === row + 8) hexPart += ' ';
        if (i >= shown) {
          hexPart += '   ';
          continue;
        }
        const known = !payload.known || payload.known[i] === 1;
        const b = payload.bytes[i];
        hexPart += known ? ` ${hex2(b)}` : ' ??';
        ascii += known && b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
      }
      w.line(`${INDENT}${(offset + row).toString(16).padStart(8, '0')} ${hexPart}  |${ascii}|`);
    }
  } else if (payload.form === 'printable') {
    // sysdig's own text, dots and all: it is what the dump says, and what a reader can grep.
    let text = '';
    for (let i = 0; i < shown; i++) text += String.fromCharCode(payload.bytes[i]);
    w.line(`${INDENT}│ ${text}`);
  } else {
    let line = '';
    let unknownRun = 0;
    const flushUnknown = () => {
      if (unknownRun > 0) line += `⟨${unknownRun} bytes not in the dump⟩`;
      unknownRun = 0;
    };
    for (let i = 0; i < shown; i++) {
      if (payload.known && payload.known[i] === 0) {
        unknownRun++;
        continue;
      }
      flushUnknown();
      const b = payload.bytes[i];
      line += escapeByte(b);
      if (b === 10) {
        w.line(`${INDENT}│ ${line}`);
        line = '';
      }
    }
    flushUnknown();
    if (line.length > 0 || shown === 0) w.line(`${INDENT}│ ${line}`);
  }
  if (payload.bytes.length > shown) w.line(`${INDENT}… ${payload.bytes.length - shown} more bytes captured, not shown here`);
  // -A text whose bytes could not be recovered: how many it stands for is not known.
  if (payload.text !== undefined) return;
  const missing = payload.length - payload.bytes.length;
  if (missing > 0) w.line(`${INDENT}${missing} bytes not captured: ${notCapturedReason(payload)}`);
}

function notCapturedReason(payload: Payload): string {
  if (payload.form === 'strace') return 'strace shows 32 by default, trace with `strace -s 65536`';
  if (payload.form === 'printable') return `sysdig keeps ${PRINTABLE_LIMIT} by default, record with \`sysdig -s 4096\``;
  return 'the capture kept no more (its snaplen); record with `sysdig -s 4096`';
}


/** A command link for hover markdown, with its DumpPosition argument. */
export function commandLink(label: string, command: string, uri: string, line: number): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([{ uri, line }]))})`;
}

/**
 * For a hover on a write: which records the bytes are that were never read, or that a failed
 * write tried to send, e.g. "the 8 unread bytes are FastCGI FCGI_STDIN, request 1, length 0:
 * the end-of-body marker". Undefined for other calls, and when no record is known there.
 */
export function unreadRecordsSentence(lines: DumpLines, call: Syscall): string | undefined {
  const endpoint = call.endpoint;
  if (call.role !== 'write' || !endpoint) return undefined;
  const reader = endpoint.connection.endpoints.find((e) => e !== endpoint);
  const failed = call.errno !== undefined && call.range === undefined;
  const unread = call.range !== undefined && reader?.closed !== undefined && call.range.end > reader.bytesRead;
  if (!failed && !unread) return undefined;
  const stream = assembleStream(lines, endpoint.connection);
  const chunk = stream.chunks.find((c) => c.call === call);
  const direction = chunk?.direction !== undefined ? stream.directions[chunk.direction] : undefined;
  if (!chunk || !direction) return undefined;
  if (failed) {
    const records = failedWriteRecords(direction, chunk);
    if (records.length === 0) return undefined;
    return `the ${chunk.payload?.length ?? call.size} bytes it tried to write are ${markdownText(records.map((r) => `${r.protocol} ${r.summary}`).join('; '))}`;
  }
  const gap = direction.unread.find((u) => u.start < call.range!.end && u.end > call.range!.start);
  if (!gap) return undefined;
  const start = Math.max(gap.start, call.range!.start);
  const records = recordsAt(direction, { start, end: gap.end });
  if (records.length === 0) return undefined;
  return `the ${gap.end - start} unread bytes are ${markdownText(records.map((r) => `${r.protocol} ${r.summary}`).join('; '))}`;
}

/** The hover's last section on a socket call: the records left unread, and the two links. */
export function streamSection(index: DumpIndex, call: Syscall, line: number): string {
  const records = unreadRecordsSentence(index, call);
  const links = `${commandLink('Follow stream', Commands.followStream, index.uri, line)} · ${commandLink('Show sequence diagram', Commands.showSequenceDiagram, index.uri, line)}`;
  return records ? `${records.charAt(0).toUpperCase()}${records.slice(1)}.\n\n${links}` : links;
}
