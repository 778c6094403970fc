// Direct peers of a syscall across a connection: the reads that consumed a write's bytes and
// the writes that produced a read's, connect ↔ accept, close ↔ close. Pure lookups over the
// model, in byte offsets; the server turns the answers into locations.

import { streamsAligned } from './findings';
import { type ByteRange, type Endpoint, type Syscall, peerOf } from './model';

/** Calls in `list` (sorted by range) whose byte ranges overlap `range`. */
function overlapping(list: Syscall[], range: ByteRange): Syscall[] {
  // Binary search for the first call whose range ends after range.start.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].range!.end <= range.start) lo = mid + 1;
    else hi = mid;
  }
  const found: Syscall[] = [];
  for (let i = lo; i < list.length && list[i].range!.start < range.end; i++) found.push(list[i]);
  return found;
}

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
      if (call.range) return streamPeers(endpoint, peer, call, peer.reads, endpoint.writes);
      // A failed write points at what made it fail: the peer's close.
      return call.errno !== undefined && peer.closed ? [peer.closed] : [];
    case 'read':
      if (call.range) return streamPeers(endpoint, peer, call, peer.writes, endpoint.reads);
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

function streamPeers(endpoint: Endpoint, peer: Endpoint, call: Syscall, other: Syscall[], own: Syscall[]): Syscall[] {
  // Offsets count from the first byte each end was seen to move; without both opens in the
  // capture, the two counts may not start at the same byte, and a match would be a guess.
  if (!streamsAligned(endpoint, peer)) return [];
  if (endpoint.connection.datagram) {
    const index = own.indexOf(call);
    return index >= 0 && index < other.length ? [other[index]] : [];
  }
  return overlapping(other, call.range!);
}

/** Bytes the other end never read of what this end wrote, once the other end has closed. */
export function unreadBytes(writer: Endpoint): number | undefined {
  const reader = peerOf(writer);
  if (!reader || !reader.closed || !streamsAligned(writer, reader)) return undefined;
  return Math.max(0, writer.bytesWritten - reader.bytesRead);
}
