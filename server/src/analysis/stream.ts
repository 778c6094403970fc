// Follow Stream's assembly: one connection's calls in dump order, each with the payload the
// dump shows, and each direction's bytes at stream offsets with the unknown ones marked, the
// unread tail and the protocol records decoded from it. The Follow Stream document, the CLI's
// `follow` and the sequence diagram's record names all stand on assembleStream.

import { contradictionOf } from './alignment';
import { streamsAligned } from './findings';
import {
  type ByteRange, type Connection, type Endpoint, type Syscall, peerOf,
} from './model';
import { type DumpLines, type Payload, readPayload } from './payload';
import { type DirectionBytes, type ProtocolRecord, decodeDirection, recordsIn } from './protocols';
import { fastcgi } from './protocols/fastcgi';
import { http } from './protocols/http';

export type { DumpLines, Payload } from './payload';
export type { DirectionBytes, ProtocolRecord } from './protocols';

export type ChunkKind = 'open' | 'write' | 'read' | 'failed' | 'eof' | 'shutdown' | 'close';

/** One call of the conversation. */
export interface StreamChunk {
  call: Syscall;
  kind: ChunkKind;
  /** The call's own end: an index into connection.endpoints. */
  endpoint: number;
  /** For reads, writes and failed ones: the direction (an index into ConnectionStream.directions). */
  direction?: number;
  /** The bytes moved, as offsets in the direction (the call's own count: see StreamDirection.aligned). */
  range?: ByteRange;
  payload?: Payload;
}

/** One direction of a connection: from one end to the other. */
export interface StreamDirection {
  /** Index of the writing and the reading end in connection.endpoints; undefined when not in the capture. */
  from: number | undefined;
  to: number | undefined;
  /** Bytes that went this way: what the writer wrote, or what the reader read when the writer is absent. */
  bytes: number;
  /** Bytes the reader read (when it is in the capture). */
  read: number;
  /** Both ends were opened in the capture, so a read's offsets are the writer's (findings.ts). */
  aligned: boolean;
  /**
   * Bytes the reader read past what the writer wrote: the dump contradicts the offsets (a
   * peek or a lost write, alignment.ts contradictionOf), so they are not compared.
   */
  overRead?: number;
  /** The direction's bytes at its offsets, unknown ones marked. */
  data: DirectionBytes;
  /** Bytes never read: the reader closed before reading them. */
  unread: ByteRange[];
  /** Bytes not yet read when the capture ended, the reader still open: no claim. */
  pendingAtEnd?: ByteRange;
  protocol?: string;
  records: ProtocolRecord[];
  /** Records stop here: from this offset the bytes are not known well enough to decode. */
  undecodedFrom?: number;
}

export interface ConnectionStream {
  connection: Connection;
  chunks: StreamChunk[];
  directions: StreamDirection[];
}

/** A direction's buffer is capped: beyond this, bytes are counted but not kept. */
const MAX_DIRECTION_BYTES = 32 << 20;

// Reads that find nothing to read are the normal life of a non-blocking socket, not news.
const QUIET_ERRNOS = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ERESTARTSYS', 'ERESTARTNOHAND']);

/** A connection's conversation, with payloads read from the dump's lines. */
export function assembleStream(lines: DumpLines, connection: Connection): ConnectionStream {
  const ends = connection.endpoints;
  const directions: StreamDirection[] = [];
  // Direction 0 is what the first end wrote; with one end only, direction 1 is what it read.
  const pairs: [Endpoint | undefined, Endpoint | undefined][] = ends.length === 2
    ? [[ends[0], ends[1]], [ends[1], ends[0]]]
    : ends.length === 1 ? [[ends[0], undefined], [undefined, ends[0]]] : [];
  const chunks: StreamChunk[] = [];
  const directionOf = (call: Syscall, end: Endpoint) => {
    const writing = call.role === 'write';
    return pairs.findIndex(([w, r]) => (writing ? w === end : r === end));
  };
  for (const call of connection.calls) {
    const end = call.endpoint;
    if (!end) continue;
    const endpoint = ends.indexOf(end);
    let kind: ChunkKind | undefined;
    if ((call.role === 'connect' || call.role === 'accept') && end.opened === call) kind = 'open';
    else if (call.role === 'write') kind = call.range ? 'write' : call.errno !== undefined && !QUIET_ERRNOS.has(call.errno) ? 'failed' : undefined;
    else if (call.role === 'read') {
      if (call.range) kind = 'read';
      else if (call.res === 0 && call.errno === undefined) kind = 'eof';
      else if (call.errno !== undefined && !QUIET_ERRNOS.has(call.errno)) kind = 'failed';
    } else if (call.role === 'close' || call.role === 'shutdown') kind = call.role;
    if (kind === undefined) continue;
    const chunk: StreamChunk = { call, kind, endpoint };
    if (kind === 'write' || kind === 'read' || kind === 'failed') {
      chunk.direction = directionOf(call, end);
      chunk.range = call.range;
      chunk.payload = readPayload(lines, call);
    }
    chunks.push(chunk);
  }
  for (const [writer, reader] of pairs) directions.push(assembleDirection(ends, writer, reader, chunks, directions.length));
  return { connection, chunks, directions };
}

function assembleDirection(
  ends: Endpoint[], writer: Endpoint | undefined, reader: Endpoint | undefined, chunks: StreamChunk[], index: number,
): StreamDirection {
  const aligned = writer !== undefined && reader !== undefined && streamsAligned(writer, reader);
  const overRead = writer !== undefined && reader !== undefined && peerOf(writer) === reader ? contradictionOf(writer) : undefined;
  const written = writer?.bytesWritten ?? 0;
  const read = reader?.bytesRead ?? 0;
  // The writer's offsets are the direction's; a reader alone (its peer not in the capture, or
  // silent in it) gives its own.
  const fromReads = written === 0;
  const bytes = fromReads ? read : written;
  const sources = chunks.filter((c) => c.direction === index && c.range && c.payload && (c.kind === 'write' || aligned || fromReads));
  // The buffer ends with the last byte a payload shows: a 20 MB sendfile stream with 80
  // bytes captured needs 80. Past its end every byte reads as unknown.
  let stored = 0;
  for (const c of sources) stored = Math.max(stored, c.range!.start + c.payload!.bytes.length);
  stored = Math.min(stored, bytes, MAX_DIRECTION_BYTES);
  const data: DirectionBytes = { data: new Uint8Array(stored), known: new Uint8Array(stored), length: bytes };
  for (const chunk of sources) fill(data, chunk.range!.start, chunk.payload!);
  const unread: ByteRange[] = [];
  let pendingAtEnd: ByteRange | undefined;
  if (aligned && written > read) {
    if (reader!.closed) unread.push({ start: read, end: written });
    else pendingAtEnd = { start: read, end: written };
  }
  const decoded = decodeDirection(data);
  return {
    from: writer ? ends.indexOf(writer) : undefined,
    to: reader ? ends.indexOf(reader) : undefined,
    bytes,
    read,
    aligned,
    ...(overRead !== undefined ? { overRead } : {}),
    data,
    unread,
    pendingAtEnd,
    protocol: decoded.protocol,
    records: decoded.records,
    undecodedFrom: decoded.undecodedFrom,
  };
}

/** Copies a payload's certain bytes into the direction at `start`. */
function fill(target: DirectionBytes, start: number, payload: Payload): void {
  const n = Math.min(payload.bytes.length, target.data.length - start);
  for (let i = 0; i < n; i++) {
    const known = payload.known ? payload.known[i] : 1;
    // A certain byte (from a write or a read) beats a printable-form dot.
    if (known === 0 || target.known[start + i] === 1) continue;
    target.data[start + i] = payload.bytes[i];
    target.known[start + i] = known;
  }
}

/** The records of a direction that hold bytes of [start, end). */
export function recordsAt(direction: StreamDirection, range: ByteRange): ProtocolRecord[] {
  return recordsIn(direction.records, range.start, range.end);
}

/**
 * What a failed write tried to send, decoded on its own when the direction's records end
 * exactly where it would have started (a record boundary), e.g. the seed's last
 * `writev(14, [{iov_base="\1\5\0\1\0\0\0\0", iov_len=8}], 1) = -1 EPIPE` is an empty FCGI_STDIN.
 */
export function failedWriteRecords(direction: StreamDirection, chunk: StreamChunk): ProtocolRecord[] {
  const payload = chunk.payload;
  if (!payload || payload.bytes.length === 0) return [];
  const boundary = direction.records.length === 0 ? direction.bytes === 0 : direction.records[direction.records.length - 1].end === direction.bytes;
  if (!boundary) return [];
  const known = payload.known ?? new Uint8Array(payload.bytes.length).fill(1);
  const bytes: DirectionBytes = { data: payload.bytes, known, length: payload.bytes.length };
  const decoder = direction.protocol === 'FastCGI' ? fastcgi : direction.protocol === 'HTTP' ? http : undefined;
  if (decoder) return decoder.decode(bytes);
  return decodeDirection(bytes).records;
}

/** The connection's stream and the direction that holds a call's bytes. */
export function directionOfCall(stream: ConnectionStream, call: Syscall): StreamDirection | undefined {
  const chunk = stream.chunks.find((c) => c.call === call);
  return chunk?.direction !== undefined ? stream.directions[chunk.direction] : undefined;
}

/**
 * One sentence naming the records in a direction's bytes [start, end), for hovers:
 * `FastCGI FCGI_STDIN, request 1, length 0: the end-of-body marker`; undefined when none is known.
 */
export function describeRecords(records: ProtocolRecord[]): string | undefined {
  if (records.length === 0) return undefined;
  const shown = records.slice(0, 3).map((r) => `${r.protocol} ${r.summary}`);
  return shown.join('; ') + (records.length > 3 ? `; and ${records.length - 3} more records` : '');
}

/**
 * The gaps of a direction: ranges of bytes the dump does not show for certain (not captured,
 * cut by strace -s, or printed by sysdig as `.`), in order. For the seed's
 * `res=699 data=..........HTTP_HOST127.0.0.1..` write at offset 16 they include 16–26 (its ten
 * dots) and 96–715 (its 619 bytes not captured).
 */
export function gapsOf(bytes: DirectionBytes): ByteRange[] {
  const gaps: ByteRange[] = [];
  let start = -1;
  for (let i = 0; i < bytes.length; i++) {
    // Past the stored bytes nothing is known: one gap to the end.
    if (i >= bytes.data.length) {
      if (start < 0) start = i;
      break;
    }
    const certain = bytes.known[i] === 1;
    if (!certain && start < 0) start = i;
    else if (certain && start >= 0) {
      gaps.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) gaps.push({ start, end: bytes.length });
  return gaps;
}
