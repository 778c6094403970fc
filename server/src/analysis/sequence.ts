// The message sequence of one connection, for the sequence diagram: its two ends as
// lifelines, every call on the socket as a row in time order, and the arrows between them
// from the byte-range matching of peers.ts (one write feeding several reads, several writes
// joined in one read), bytes never read, failed writes into the closed end, and the race
// windows between a close and the call it broke. Pure data in event ids, lines, offsets and
// ns; sequenceSvg.ts draws it, the server sends it to the webview as JSON.

import { formatDuration, streamsAligned } from './findings';
import {
  type ByteRange, type Connection, type Endpoint, type SocketKind, type Syscall,
  firstLine, firstNum, peerOf, primaryLine, primaryNum, processLabel, threadLabel, unknownPeerReason,
} from './model';
import { contradictionOf } from './alignment';
import { peersOf } from './peers';
import { parseAllFields } from './formats';

export type RowKind = 'connect' | 'accept' | 'write' | 'read' | 'eof' | 'failed' | 'close' | 'shutdown' | 'other';

/** One end of the connection drawn as a vertical line: `httpd (22014) fd 26`. */
export interface Lifeline {
  label: string;
  process: string;
  tid: number;
  pid?: number;
  fd: number;
  role: Endpoint['role'];
  /** Row of the close that ends the lifeline, when the capture has it. */
  closedRow?: number;
  shutdownRow?: number;
  bytesWritten: number;
  bytesRead: number;
}

/** One call on the socket, at one place on the time axis. */
export interface SequenceRow {
  /** The syscall's id in the analysis. */
  call: number;
  /** Index of the lifeline (the endpoint that made the call). */
  lane: number;
  kind: RowKind;
  type: string;
  /** The 0-based line the row stands for: the enter of a write or a close, the exit of the others. */
  line: number;
  /** Both lines of the call (-1 when not in the dump): moving the cursor to either selects the row. */
  enterLine: number;
  exitLine: number;
  /** The event number on `line`. */
  num: number;
  /** The time on `line` in ns modulo one day; NaN when the line has none. */
  time: number;
  /** Bytes moved, as offsets in the call's direction. */
  bytes?: ByteRange;
  errno?: string;
  /** What the row says beside its lifeline: `writev 699 B`, `writev EPIPE`, `close`. */
  text: string;
}

export type ArrowKind = 'data' | 'open' | 'eof' | 'failed';

/** An arrow between two rows (from a write to the read that consumed its bytes, ...). */
export interface SequenceArrow {
  kind: ArrowKind;
  fromRow: number;
  toRow: number;
  fromLane: number;
  toLane: number;
  /** For data: the bytes of the write that this read consumed. */
  bytes?: ByteRange;
  /** What the arrow says: `699 B`, `EPIPE`, `EOF`. */
  text: string;
  /**
   * The protocol records these bytes hold (`FCGI_PARAMS, FCGI_STDIN`), from a RecordNamer
   * when the dump has the bytes and a decoder knows the protocol.
   */
  records?: string;
  /** For a failed call: the row of the peer's close that made it fail. */
  causeRow?: number;
}

/** The part of a write that the peer never read: drawn as an arrow that ends in mid-air. */
export interface UnreadBytes {
  row: number;
  lane: number;
  toLane: number;
  bytes: ByteRange;
  /** closed: the reader closed without reading them; end-of-capture: the capture ended first. */
  why: 'closed' | 'end-of-capture';
  records?: string;
}

/** A compressed stretch of time between two rows (`15.1 ms`). */
export interface TimeGap {
  afterRow: number;
  ns: number;
  text: string;
}

/** The time between a close and the call it broke, highlighted across both lifelines. */
export interface RaceWindow {
  kind: 'failure' | 'unread';
  fromRow: number;
  toRow: number;
  ns: number;
  text: string;
}

export interface Sequence {
  /** `lineNumbered`: the format numbers no events (strace, LID-DS), so rows are named by line. */
  connection: { kind: SocketKind; tuple: string; path?: string; datagram: boolean; lineNumbered: boolean };
  lifelines: Lifeline[];
  rows: SequenceRow[];
  arrows: SequenceArrow[];
  unread: UnreadBytes[];
  gaps: TimeGap[];
  races: RaceWindow[];
  /** Sentences about what the diagram cannot show, e.g. why no arrow is drawn. */
  notes: string[];
}

/**
 * The hook through which the protocol decoders name the records on the arrows: short names,
 * `FCGI_PARAMS, FCGI_STDIN`, or undefined when the bytes are not known well enough.
 */
export interface RecordNamer {
  /** The records in bytes [start, end) of what `writer` wrote. */
  written(writer: Endpoint, bytes: ByteRange): string | undefined;
  /** What a failed write tried to send. */
  failed?(call: Syscall): string | undefined;
}

export interface SequenceOptions {
  /** The time of the event on a 0-based line, in ns modulo one day (NaN when unknown). */
  timeAt: (line: number) => number;
  records?: RecordNamer;
  /** The call the diagram is asked for: a connection too long to draw whole is cut around it. */
  focus?: Syscall;
  /** At most this many rows (default MAX_ROWS). */
  maxRows?: number;
}

/**
 * A connection with more calls than this is drawn as a window of them around the call asked
 * for: the page draws only what is in view, but it gets every row as JSON (~200 bytes each).
 */
export const MAX_ROWS = 50_000;

/** Gaps at least this long are drawn as a labelled break in the time axis. */
export const GAP_NS = 1_000_000;

/** Which calls on a socket become rows, and what they are called. */
function rowKind(call: Syscall): RowKind {
  if (call.errno !== undefined && (call.role === 'write' || call.role === 'read')) {
    return call.errno === 'EPIPE' || call.errno === 'ECONNRESET' ? 'failed' : 'other';
  }
  // A failed close or shutdown (`shutdown res=-107(ENOTCONN)`) ends nothing.
  if (call.errno !== undefined && (call.role === 'close' || call.role === 'shutdown')) return 'other';
  if (call.role === 'read' && call.res === 0) return 'eof';
  return call.role === 'connect' || call.role === 'accept' || call.role === 'write' || call.role === 'read'
    || call.role === 'close' || call.role === 'shutdown' ? call.role : 'other';
}

function rowText(call: Syscall, kind: RowKind): string {
  if (call.range) return `${call.type} ${call.range.end - call.range.start} B`;
  if (call.errno !== undefined) return `${call.type} ${call.errno}`;
  if (kind === 'eof') return `${call.type} EOF`;
  return call.type;
}

/**
 * The sequence of a connection, e.g. of the seed's
 *   `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........`
 * : httpd and uwsgi as lifelines, its five writes as arrows into uwsgi's reads, the failed
 * writev as a red arrow into uwsgi's closed end, and the 128 µs race window.
 */
export function buildSequence(connection: Connection, options: SequenceOptions): Sequence {
  // The connecting end on the left, as a client is drawn first.
  const endpoints = [...connection.endpoints].sort((a, b) => laneOrder(a) - laneOrder(b) || a.id - b.id);
  const laneOf = new Map<Endpoint, number>(endpoints.map((e, i) => [e, i]));

  // One row per call, in dump order of the line it stands for (the dump is in time order).
  // A write stands at its enter, a read at its exit: the bytes leave when the write starts
  // and arrive when the read returns, so an arrow never points back in time, even where
  // the reader's exit is printed before the writer's (`recvfrom` #4819, `sendto` #4820 in
  // sysdig-inspect's 502Error capture). A close stands at its enter, where it takes effect;
  // a failed write at its exit, where the error comes back.
  const calls = connection.calls.filter((c) => c.endpoint && laneOf.has(c.endpoint));
  const anchor = (c: Syscall) => (c.role === 'close' || c.role === 'shutdown' || (c.role === 'write' && c.range) ? firstLine(c) : primaryLine(c));
  calls.sort((a, b) => anchor(a) - anchor(b) || a.id - b.id);
  const notes: string[] = [];
  const maxRows = Math.max(1, options.maxRows ?? MAX_ROWS);
  if (calls.length > maxRows) {
    const total = calls.length;
    const focus = options.focus ? calls.indexOf(options.focus) : 0;
    const start = Math.max(0, Math.min(total - maxRows, Math.max(0, focus) - (maxRows >> 1)));
    calls.splice(0, start);
    calls.length = maxRows;
    notes.push(`This connection has ${total} calls: calls ${start + 1}–${start + maxRows} are drawn, around the chosen event.`);
  }
  const rowOf = new Map<Syscall, number>();
  const rows: SequenceRow[] = calls.map((call, i) => {
    rowOf.set(call, i);
    const kind = rowKind(call);
    const line = anchor(call);
    const row: SequenceRow = {
      call: call.id, lane: laneOf.get(call.endpoint!)!, kind, type: call.type, line,
      enterLine: call.enterLine, exitLine: call.exitLine,
      num: line === firstLine(call) && line !== primaryLine(call) ? firstNum(call) : primaryNum(call),
      time: options.timeAt(line), text: rowText(call, kind),
    };
    if (call.range) row.bytes = { start: call.range.start, end: call.range.end };
    if (call.errno !== undefined) row.errno = call.errno;
    return row;
  });

  // The dump is in time order, so a clock never goes back, except once at midnight. Times
  // that do (`sysdig -t d` prints the delta from the previous event, `-t D` the call's
  // duration) are no clock: the diagram then draws no time axis rather than a wrong one.
  let previous = NaN;
  let clock = true;
  for (const row of rows) {
    if (row.time < previous && previous - row.time < 43_200e9) clock = false;
    if (Number.isFinite(row.time)) previous = row.time;
  }
  if (!clock) {
    for (const row of rows) row.time = NaN;
    notes.push('The dump\'s time field is not a clock (sysdig -t d and -t D print time differences): the diagram has no time axis.');
  }

  const lifelines: Lifeline[] = endpoints.map((e) => {
    const lifeline: Lifeline = {
      label: `${threadLabel(e)} fd ${e.fd}`, process: e.process, tid: e.tids[0], fd: e.fd, role: e.role,
      bytesWritten: e.bytesWritten, bytesRead: e.bytesRead,
    };
    if (e.pid !== undefined) lifeline.pid = e.pid;
    if (e.closed && rowOf.has(e.closed)) lifeline.closedRow = rowOf.get(e.closed);
    if (e.shutdown && rowOf.has(e.shutdown)) lifeline.shutdownRow = rowOf.get(e.shutdown);
    return lifeline;
  });

  const arrows: SequenceArrow[] = [];
  const unread: UnreadBytes[] = [];
  const races: RaceWindow[] = [];
  const rowTime = (call: Syscall | undefined) => (call && rowOf.has(call) ? rows[rowOf.get(call)!].time : NaN);
  const namer = options.records;

  const unknown = unknownPeerReason(connection);
  if (unknown !== undefined) notes.push(`${unknown.charAt(0).toUpperCase()}${unknown.slice(1)}: nothing can be matched.`);
  else if (endpoints.length === 1) notes.push('The other end of this connection is not in the capture: nothing can be matched.');
  if (endpoints.length > 2) notes.push(`${endpoints.length} ends share this address pair: arrows are drawn only between exactly two.`);
  const pair = endpoints.length === 2 && streamsAligned(endpoints[0], endpoints[1]) && streamsAligned(endpoints[1], endpoints[0]);
  const overRead = endpoints.length === 2 ? endpoints.map((writer, i) => ({ writer, reader: endpoints[1 - i], extra: contradictionOf(writer) })).filter((d) => d.extra !== undefined) : [];
  for (const { writer, reader, extra } of overRead) {
    notes.push(`${processLabel(reader)} read ${extra} bytes more than ${processLabel(writer)} wrote: a peek (MSG_PEEK) or a lost write; offsets not compared, so writes are not matched to reads.`);
  }
  if (endpoints.length === 2 && !pair && overRead.length === 0) {
    notes.push('The connection was opened before the capture started: the byte offsets of its two ends cannot be aligned, so writes are not matched to reads.');
  }

  for (const call of calls) {
    const row = rowOf.get(call)!;
    const endpoint = call.endpoint!;
    const peer = peerOf(endpoint);
    const lane = laneOf.get(endpoint)!;
    const peerLane = peer ? laneOf.get(peer) : undefined;
    if (peer === undefined || peerLane === undefined) continue;
    const kind = rows[row].kind;
    if (kind === 'write' && call.range) {
      for (const read of peersOf(call)) {
        const to = rowOf.get(read);
        if (to === undefined || !read.range) continue;
        const bytes = connection.datagram ? { ...call.range } : {
          start: Math.max(call.range.start, read.range.start), end: Math.min(call.range.end, read.range.end),
        };
        const arrow: SequenceArrow = { kind: 'data', fromRow: row, toRow: to, fromLane: lane, toLane: peerLane, bytes, text: `${bytes.end - bytes.start} B` };
        const records = namer?.written(endpoint, bytes);
        if (records) arrow.records = records;
        arrows.push(arrow);
      }
      // Bytes past what the reader read: never read if it closed, unread when the capture ended.
      if (pair && !connection.datagram && call.range.end > peer.bytesRead) {
        const bytes = { start: Math.max(call.range.start, peer.bytesRead), end: call.range.end };
        const left: UnreadBytes = { row, lane, toLane: peerLane, bytes, why: peer.closed ? 'closed' : 'end-of-capture' };
        const records = namer?.written(endpoint, bytes);
        if (records) left.records = records;
        unread.push(left);
      }
    } else if (kind === 'failed') {
      const cause = peer.closed ?? peer.shutdown;
      const arrow: SequenceArrow = call.role === 'write'
        ? { kind: 'failed', fromRow: row, toRow: row, fromLane: lane, toLane: peerLane, text: call.errno! }
        : { kind: 'failed', fromRow: row, toRow: row, fromLane: peerLane, toLane: lane, text: call.errno! };
      if (cause && rowOf.has(cause)) arrow.causeRow = rowOf.get(cause);
      const records = call.role === 'write' ? namer?.failed?.(call) : undefined;
      if (records) arrow.records = records;
      arrows.push(arrow);
      if (cause && rowOf.has(cause) && rowOf.get(cause)! < row) {
        const ns = rows[row].time - rowTime(cause);
        races.push({
          kind: 'failure', fromRow: rowOf.get(cause)!, toRow: row, ns,
          text: `${peer.process || 'the peer'} ${cause.role === 'close' ? 'closed' : 'shut down'}${duration(ns, ' ')} before ${endpoint.process ? `${endpoint.process}'s` : 'the'} ${call.type}`,
        });
      }
    } else if (kind === 'connect' && peer.opened && peer.role === 'accept' && rowOf.has(peer.opened)) {
      arrows.push({ kind: 'open', fromRow: row, toRow: rowOf.get(peer.opened)!, fromLane: lane, toLane: peerLane, text: 'connect → accept' });
    } else if (kind === 'eof') {
      const cause = peer.shutdown ?? peer.closed;
      if (cause && rowOf.has(cause)) arrows.push({ kind: 'eof', fromRow: rowOf.get(cause)!, toRow: row, fromLane: peerLane, toLane: lane, text: 'EOF' });
    }
  }

  // The unread race: the reader closed while bytes it had not read were waiting.
  for (const writer of endpoints) {
    const reader = peerOf(writer);
    if (!pair || !reader?.closed || !rowOf.has(reader.closed)) continue;
    const first = unread.find((u) => u.lane === laneOf.get(writer) && u.why === 'closed');
    if (!first) continue;
    const total = unread.filter((u) => u.lane === first.lane).reduce((sum, u) => sum + u.bytes.end - u.bytes.start, 0);
    const toRow = rowOf.get(reader.closed)!;
    const ns = rows[toRow].time - rows[first.row].time;
    races.push({
      kind: 'unread', fromRow: first.row, toRow, ns,
      text: `${reader.process || 'the reader'} closed${duration(ns, ' ')} after ${writer.process ? `${writer.process}'s` : 'the'} ${rows[first.row].type}, leaving ${total} B unread`,
    });
  }
  races.sort((a, b) => a.fromRow - b.fromRow || a.toRow - b.toRow);

  const gaps: TimeGap[] = [];
  for (let i = 0; i + 1 < rows.length; i++) {
    const ns = rows[i + 1].time - rows[i].time;
    if (ns >= GAP_NS && ns < 86400e9) gaps.push({ afterRow: i, ns, text: formatDuration(ns) });
  }

  const sequence: Sequence = {
    connection: { kind: connection.kind, tuple: connection.tuple, datagram: connection.datagram, lineNumbered: connection.lineNumbered },
    lifelines, rows, arrows, unread, gaps, races, notes,
  };
  if (connection.path !== undefined) sequence.connection.path = connection.path;
  return sequence;
}

function laneOrder(endpoint: Endpoint): number {
  return endpoint.role === 'connect' ? 0 : endpoint.role === 'accept' ? 1 : 2;
}

/** ` 128 µs` with the given separator, or nothing when the times are unknown or out of order. */
function duration(ns: number, separator: string): string {
  return ns >= 0 && ns < 86400e9 ? `${separator}${formatDuration(ns)}` : '';
}

/**
 * The time of the event on one line, with every field read (the analysis keeps times only
 * for closes and failures, to keep its hot path fast), e.g. 26 143 774 259 735 774 ns for
 *   `89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST127.0.0.1..`
 * and the same for strace (`25075 12:14:44.321921 read(5<UNIX:...>, ...) = 695`), JSON and
 * LID-DS lines. NaN when the line has no time.
 */
export function lineTime(text: string, line: number): number {
  return parseAllFields(text, line)?.time ?? NaN;
}

/**
 * The sequence of the connection of `call` (a call on any line of it), reading each row's
 * time from its line's text; undefined when the call is not on a socket.
 */
export function sequenceOfCall(
  call: Syscall | undefined, lineText: (line: number) => string, records?: (connection: Connection) => RecordNamer | undefined,
): Sequence | undefined {
  const connection = call?.endpoint?.connection;
  if (!connection || connection.released) return undefined;
  return buildSequence(connection, { timeAt: (line) => lineTime(lineText(line), line), records: records?.(connection), focus: call });
}
