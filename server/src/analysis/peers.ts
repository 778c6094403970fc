// Direct peers of a syscall across a connection: the reads that consumed a write's bytes and
// the writes that produced a read's, connect ↔ accept, close ↔ close. Pure lookups over the
// model, in byte offsets; the server turns the answers into locations.

import { alignmentOf, causalBreakOf, overlapping, readUpTo } from './alignment';
import { type Endpoint, type Syscall, peerOf } from './model';

/**
 * The calls on the other end that this call's bytes went to or came from, e.g. for
 *   `89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST127.0.0.1..`
 * the uwsgi read `89045 ... uwsgi (20882) < read res=699 ...` that consumed bytes 16–715.
 * Datagram sockets keep message boundaries, so there the n-th send matches the n-th receive.
 */
export function peersOf(call: Syscall): Syscall[] {
  const endpoint = call.endpoint;
  const peer = endpoint ? peerOf(endpoint) : undefined;
  if (!endpoint || !peer) return [];
  switch (call.role) {
    case 'write':
      if (call.range) return streamPeers(endpoint, endpoint, call, peer.reads, endpoint.writes);
      // A failed write points at what made it fail: the peer's close.
      return call.errno !== undefined && peer.closed ? [peer.closed] : [];
    case 'read':
      if (call.range) return streamPeers(peer, endpoint, call, peer.writes, endpoint.reads);
      // A read of 0 bytes is the end of file: the peer's close or shutdown caused it.
      if (call.res === 0 && (peer.shutdown ?? peer.closed)) return [(peer.shutdown ?? peer.closed)!];
      return [];
    case 'connect':
    case 'accept':
      return peer.opened ? [peer.opened] : [];
    case 'close':
    case 'shutdown':
      return peer.closed ? [peer.closed] : peer.shutdown ? [peer.shutdown] : [];
    default:
      return [];
  }
}

/**
 * The calls of the other end that moved the bytes of `call`, which travelled from `writer`.
 * Offsets count from the first byte each end was seen to move: they are compared only through
 * the direction's alignment (alignment.ts), and without one a match would be a guess.
 */
function streamPeers(writer: Endpoint, endpoint: Endpoint, call: Syscall, other: Syscall[], own: Syscall[]): Syscall[] {
  const alignment = alignmentOf(writer);
  if (alignment === undefined) return [];
  if (endpoint.connection.datagram) {
    const index = own.indexOf(call);
    return index >= 0 && index < other.length ? [other[index]] : [];
  }
  // A write's offsets become the reader's by adding the shift; a read's the writer's by taking it.
  const shift = call.role === 'write' ? alignment.shift : -alignment.shift;
  // From a write a matched read returned before, the offsets are not trusted (causalBreakOf).
  const limit = causalBreakOf(writer)?.offset ?? Infinity;
  if (call.role === 'write') return call.range!.start >= limit ? [] : overlapping(other, call.range!.start + shift, call.range!.end + shift);
  return overlapping(other, call.range!.start + shift, call.range!.end + shift).filter((w) => w.range!.start < limit);
}

/** Bytes the other end never read of what this end wrote, once the other end has closed. */
export function unreadBytes(writer: Endpoint): number | undefined {
  const reader = peerOf(writer);
  const alignment = alignmentOf(writer);
  if (!reader || !reader.closed || alignment === undefined) return undefined;
  return Math.max(0, writer.bytesWritten - readUpTo(reader, alignment.shift));
}
