// Findings: what went wrong on a connection, placed on the syscall that shows it.
//   epipe         a write failed because the reader had closed (error)
//   econnreset    a read or write failed because the peer reset the connection (error)
//   unread-write  bytes written successfully that the reader closed without reading (warning):
//                 the race that only sometimes turns into EPIPE.
//   unread-at-end bytes not yet read when the capture ended, the reader still open (information):
//                 no claim, only why there is no warning.
// No claim without evidence: a peer that is not in the capture, or that has not closed by
// the end of it, yields no unread-write warning.

import { alignmentOf, readUpTo } from './alignment';
import { detach } from './strings';
import {
  type Connection, type Endpoint, type Finding, type RelatedEvent, type Syscall,
  callRef, firstLine, peerOf, primaryLine, threadLabel,
} from './model';

export interface FindingOptions {
  /** Report unread-write warnings (default true). */
  unreadWrite?: boolean;
}

/**
 * The findings of one connection: its failed calls, and unread bytes in each direction, added
 * to `findings`. The CLI asks this of every connection as it closes, and most have none: they
 * go straight into the analysis's list, with no list of their own made and thrown away.
 */
export function connectionFindings(connection: Connection, options: FindingOptions, findings: Finding[] = []): Finding[] {
  for (const call of connection.calls) {
    if (call.errno === 'EPIPE' && call.role === 'write') findings.push(epipeFinding(call));
    else if (call.errno === 'ECONNRESET' && (call.role === 'write' || call.role === 'read')) findings.push(econnresetFinding(call));
  }
  if (options.unreadWrite !== false && connection.endpoints.length === 2 && !connection.datagram) {
    // Each direction in turn, by index: pairs in a list, taken apart, are objects made per connection.
    const a = connection.endpoints[0];
    const b = connection.endpoints[1];
    const ab = unreadWriteFinding(a, b) ?? unreadAtEndNote(a, b);
    if (ab) findings.push(ab);
    const ba = unreadWriteFinding(b, a) ?? unreadAtEndNote(b, a);
    if (ba) findings.push(ba);
  }
  return findings;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((x, y) => x.line - y.line || x.column - y.column);
}

/**
 * Whether the bytes `writer` sent can be compared offset for offset with what `reader` read:
 * the writer was opened inside the capture, or the evidence aligned the two counts with no
 * shift (alignment.ts). For any shift, use alignmentOf.
 */
export function streamsAligned(writer: Endpoint, reader: Endpoint): boolean {
  // The offsets compare as they are only with shift 0; peers.ts applies any other shift.
  return peerOf(writer) === reader && alignmentOf(writer)?.shift === 0;
}

/** How far into the writer's offsets the reader had read, when the direction is aligned. */
function alignedReadUpTo(writer: Endpoint, reader: Endpoint): number | undefined {
  const alignment = peerOf(writer) === reader ? alignmentOf(writer) : undefined;
  return alignment === undefined ? undefined : readUpTo(reader, alignment.shift);
}

/**
 * The unread-write warning for the direction writer → reader, e.g. on
 *   `8766 12:14:44.321921917 0 httpd (23745) < writev res=8 data=........`
 * when uwsgi's reads stop at byte 695 of httpd's 703 and uwsgi then closes its fd.
 */
function unreadWriteFinding(writer: Endpoint, reader: Endpoint): Finding | undefined {
  const readUpTo = alignedReadUpTo(writer, reader);
  if (!reader.closed || writer.writes.length === 0 || readUpTo === undefined) return undefined;
  const unread = writer.bytesWritten - readUpTo;
  // A reader that read more than the writer wrote means events were lost: claim nothing.
  if (unread <= 0) return undefined;
  const unreadWrites = writer.writes.filter((w) => w.rangeEnd > readUpTo);
  const first = unreadWrites[0];
  const close = reader.closed;
  const firstUnread = first.rangeEnd - Math.max(first.rangeStart, readUpTo);
  const scope = unreadWrites.length === 1
    ? (firstUnread === first.rangeEnd - first.rangeStart ? 'written here' : `of the ${first.rangeEnd - first.rangeStart} written here`)
    : `written here and in ${unreadWrites.length - 1} later write${unreadWrites.length > 2 ? 's' : ''}`;
  const message = `${unread} bytes ${scope} were never read: ${threadLabel(reader)} closed fd ${reader.fd} at ${callRef(close, true)}`
    + (readUpTo > 0 ? ` after reading ${readUpTo} of ${writer.bytesWritten} bytes` : ' without reading any of them');
  const related: RelatedEvent[] = [
    relatedEvent(close, `${threadLabel(reader)} closed fd ${reader.fd} with bytes ${readUpTo}–${writer.bytesWritten} of this stream unread`),
  ];
  for (const write of unreadWrites.slice(1)) {
    related.push(relatedEvent(write, `also never read: bytes ${write.rangeStart}–${write.rangeEnd} (${write.type} of ${write.res} bytes)`));
  }
  const lastRead = lastReadEvent(writer, reader);
  if (lastRead) related.push(lastRead);
  return finding('unread-write', 'warning', first, message, related);
}

/**
 * The information note for a direction whose reader was still open when the capture ended
 * with bytes not yet read, e.g. httpd's last `< writev res=8` when the dump stops before
 * uWSGI's next read or close. Whether it reads them later is not in the capture: no warning.
 */
function unreadAtEndNote(writer: Endpoint, reader: Endpoint): Finding | undefined {
  const readUpTo = alignedReadUpTo(writer, reader);
  if (reader.closed || writer.writes.length === 0 || readUpTo === undefined) return undefined;
  const unread = writer.bytesWritten - readUpTo;
  if (unread <= 0) return undefined;
  const first = writer.writes.find((w) => w.rangeEnd > readUpTo)!;
  const message = `${unread} bytes written from here on had not been read by ${threadLabel(reader)} when the capture ended; `
    + 'it still had the socket open, so whether it read them later is not in the capture';
  const lastRead = lastReadEvent(writer, reader);
  const related = lastRead ? [lastRead] : [];
  return finding('unread-at-end', 'information', first, message, related);
}

/**
 * The EPIPE error, on the failed write's exit line, e.g.
 *   `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........`
 * related to the peer's close that caused it (`89188 ... uwsgi (20882) > close fd=10(...)`).
 */
function epipeFinding(call: Syscall): Finding {
  const endpoint = call.endpoint!;
  const peer = peerOf(endpoint);
  const what = `${call.type}${call.size !== undefined ? ` of ${call.size} bytes` : ''} failed with EPIPE`;
  const related: RelatedEvent[] = [];
  let message: string;
  const cause = peer ? causeOf(peer, call) : undefined;
  if (peer && cause) {
    const when = elapsedBetween(cause, call);
    message = `${what}: ${threadLabel(peer)} ${cause.role === 'shutdown' ? 'shut down' : 'closed'} fd ${peer.fd} at ${callRef(cause, true)}${when ? `, ${when} earlier` : ''}`;
    related.push(relatedEvent(cause, `${threadLabel(peer)} ${cause.role === 'shutdown' ? 'shut down' : 'closed'} its end (fd ${peer.fd})${when ? ` ${when} before the failed ${call.type}` : ''}`));
    addUnreadRelated(endpoint, peer, related);
  } else if (peer) {
    message = `${what}: the reader ${threadLabel(peer)} had stopped reading, but its close is not in the capture`;
  } else {
    message = `${what}: the reading end was closed by a process that is not in the capture`;
  }
  return finding('epipe', 'error', call, message, related);
}

/**
 * ECONNRESET on either side: the peer closed with data it had not read, so the kernel sent a
 * reset. The LID-DS apache2 capture has one (custom -p format, same value):
 *   `1631078878399490144 33 2902778 apache2 2902778 read < res=-104(ECONNRESET) data=`
 */
function econnresetFinding(call: Syscall): Finding {
  const endpoint = call.endpoint!;
  const peer = peerOf(endpoint);
  const what = `${call.type} failed with ECONNRESET`;
  const related: RelatedEvent[] = [];
  let message: string;
  const cause = peer ? causeOf(peer, call) : undefined;
  if (peer && cause) {
    const upTo = alignedReadUpTo(endpoint, peer);
    const unread = upTo === undefined ? 0 : endpoint.bytesWritten - upTo;
    message = `${what}: ${threadLabel(peer)} closed fd ${peer.fd} at ${callRef(cause, true)}`
      + (unread > 0 ? ` with ${unread} bytes of this stream unread` : '');
    related.push(relatedEvent(cause, `${threadLabel(peer)} closed its end (fd ${peer.fd})`));
    addUnreadRelated(endpoint, peer, related);
  } else if (peer) {
    message = `${what}: the peer ${threadLabel(peer)} reset the connection; its close is not in the capture`;
  } else {
    message = `${what}: the peer reset the connection; it is not in the capture`;
  }
  return finding('econnreset', 'error', call, message, related);
}

/** The peer's close or read-side shutdown that came before `call`. */
function causeOf(peer: Endpoint, call: Syscall): Syscall | undefined {
  const line = primaryLine(call);
  if (peer.closed && firstLine(peer.closed) <= line) return peer.closed;
  if (peer.shutdown && firstLine(peer.shutdown) <= line) return peer.shutdown;
  return undefined;
}

function addUnreadRelated(writer: Endpoint, reader: Endpoint, related: RelatedEvent[]): void {
  const readUpTo = alignedReadUpTo(writer, reader);
  if (readUpTo === undefined) return;
  for (const write of writer.writes) {
    if (write.rangeEnd > readUpTo) {
      related.push(relatedEvent(write, `never read by ${threadLabel(reader)}: bytes ${Math.max(write.rangeStart, readUpTo)}–${write.rangeEnd}`));
    }
  }
  const lastRead = lastReadEvent(writer, reader);
  if (lastRead) related.push(lastRead);
}

/** The reader's last read, its bytes given in the writer's offsets like the rest of a finding. */
function lastReadEvent(writer: Endpoint, reader: Endpoint): RelatedEvent | undefined {
  const lastRead = reader.reads[reader.reads.length - 1];
  const shift = alignmentOf(writer)?.shift ?? 0;
  if (!lastRead) return undefined;
  const start = Math.max(0, lastRead.rangeStart - shift);
  const end = Math.max(0, lastRead.rangeEnd - shift);
  return relatedEvent(lastRead, `last read by ${threadLabel(reader)}: bytes ${start}–${end}`);
}

function relatedEvent(call: Syscall, message: string): RelatedEvent {
  // A close is remembered where it starts (its enter line), everything else where it returns.
  const line = call.role === 'close' || call.role === 'shutdown' ? firstLine(call) : primaryLine(call);
  return { call, line, message: detach(message) };
}

function finding(code: Finding['code'], severity: Finding['severity'], call: Syscall, message: string, related: RelatedEvent[]): Finding {
  const line = primaryLine(call);
  const column = call.exitLine >= 0 && call.resCol >= 0 ? call.resCol : call.exitLine < 0 && call.fdCol >= 0 ? call.fdCol : call.typeCol;
  // A message built from a template is a tree of a dozen pieces until something flattens it;
  // the language server keeps thousands of them (1.5 MB for the bench's dump), flat they are a third.
  return { code, severity, call, line, column, message: detach(message), related };
}

/** How long before `later` the call `earlier` happened, as text (`89 µs`), when the times allow it. */
export function elapsedBetween(earlier: Syscall, later: Syscall): string | undefined {
  const from = earlier.enterTime ?? earlier.exitTime;
  const to = later.exitTime ?? later.enterTime;
  if (from === undefined || to === undefined) return undefined;
  const ns = to - from;
  // NaN (unknown times) fails both tests; a negative gap means -t d/D deltas or midnight.
  if (!(ns >= 0 && ns < 86400e9)) return undefined;
  return formatDuration(ns);
}

export function formatDuration(ns: number): string {
  if (ns < 1e3) return `${ns} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 1 : 0)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}
