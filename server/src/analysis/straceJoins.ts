// strace's end joins: strace -yy names a socket by its own end until it learns the peer, and
// loses the peer again once that closes. The calls in between are placed here, by local end
// (TraceEvent.local), and joined to their connection when a line names the pair. A
// DumpAnalyzer owns one StraceJoins and hands it the three steps of its own it needs.

import type { Connection, Endpoint, Syscall } from './model';
import { type SocketAddress, parseSocketAddress } from './addresses';
import { threadFdKey } from './straceParser';

/** How many closed one-ended strace connections the lean analysis keeps for a late other end. */
export const CLOSED_ALONE_LIMIT = 1024;

/** What a StraceJoins does through its DumpAnalyzer: tie a call to its connection, close, count bytes. */
export interface JoinSteps {
  attach(call: Syscall, address: SocketAddress, opening: 'connect' | 'accept' | undefined, local?: string): void;
  markClose(call: Syscall): void;
  account(call: Syscall): void;
}

export class StraceJoins {
  /**
   * strace -yy names a client socket by its own inode alone (`17<UNIX-STREAM:[1550460]>`) until
   * it learns the peer, often several calls after the connect. Those calls wait here, by local
   * end, until a line names the pair (this end's or the peer's), and then join that connection.
   * An IP socket without its pair (`3<TCP:[15931]>` before its connect) has nothing in its
   * name that a later one repeats: it waits under its thread and fd (`4t#23755:14`, see
   * threadFdKey), which the next call on that fd naming its pair joins.
   */
  readonly waitingByLocal = new Map<string, Syscall[]>();
  /**
   * strace, unix: each connection by the end its one end names as peer (`u:1525945` for an end
   * `1525185->1525945`), for that end's calls when its own name has lost the peer.
   */
  readonly peerOfSide = new Map<string, Connection>();
  /** Lean mode, strace: connections of one end that closed, not released yet (releaseIfDone). */
  readonly closedAlone: Connection[] = [];
  /** The latest endpoint of each local end (strace), for calls that name only that end. */
  readonly endpointByLocal = new Map<string, Endpoint>();

  constructor(private readonly host: JoinSteps) {}

  wait(local: string, call: Syscall): void {
    const list = this.waitingByLocal.get(local);
    if (list) list.push(call);
    else this.waitingByLocal.set(local, [call]);
  }

  /**
   * A line names the pair `A->B` for the end `local` (= A): calls that waited under A or
   * under B, with nothing but their own inode to go by, join this connection now, in order.
   */
  joinWaiting(address: SocketAddress, local: string, fdKey?: string): void {
    const colon = local.indexOf(':');
    const arrow = address.tuple.indexOf('->');
    const ends = [local, `${local.slice(0, colon)}:${address.tuple.slice(arrow + 2)}`];
    if (fdKey !== undefined) ends.push(fdKey);
    for (const end of ends) {
      const waiting = this.waitingByLocal.get(end);
      if (!waiting) continue;
      this.waitingByLocal.delete(end);
      for (const call of waiting) {
        const connected = call.role === 'connect' && call.res !== undefined && (call.res >= 0 || call.errno === 'EINPROGRESS');
        // Calls that waited under their thread and fd take the local end this line names.
        this.host.attach(call, address, connected ? 'connect' : undefined, end === fdKey ? local : end);
        if (!call.endpoint) continue;
        this.host.markClose(call);
        if (call.exitLine >= 0 && call.role !== 'connect' && call.role !== 'accept') this.host.account(call);
      }
    }
  }

  /**
   * Calls whose socket never showed its peer become a connection of one end, so that what
   * is known (its bytes, an EPIPE) is still reported, with the peer said to be absent. A
   * socket that only listened or was set up (`bind`, `listen`, `fcntl`, a refused `connect`,
   * its `close`) was never one end of a connection: its calls are dropped.
   *   10288<python3> 05:49:46.452298 close(3<UNIX-STREAM:[72955,"/tmp/i9s/demo.s"]>) = 0
   */
  joinAlone(local: string): void {
    const waiting = this.waitingByLocal.get(local);
    if (!waiting) return;
    const used = (c: Syscall) => c.role === 'read' || c.role === 'write' || c.role === 'shutdown'
      || (c.role === 'connect' && (c.res === undefined || c.res >= 0 || c.errno === 'EINPROGRESS'));
    if (!waiting.some(used)) {
      this.waitingByLocal.delete(local);
      return;
    }
    // `u:1550460`, or an IP socket's thread and fd `4t#23755:14` (threadFdKey).
    const hash = local.indexOf('#');
    const colon = local.indexOf(':');
    const tag = local.slice(0, hash >= 0 ? hash : colon);
    const side = hash >= 0 ? local : local.slice(colon + 1);
    const address = parseSocketAddress(tag, tag === 'u' ? `${side}->0` : `${side}->0.0.0.0:0`);
    if (address) this.joinWaiting(address, local);
  }

  /** strace: a released end is nobody's local end any more (endpointByLocal would pin it). */
  forgetLocal(endpoint: Endpoint): void {
    const local = endpoint.local!;
    if (this.endpointByLocal.get(local) === endpoint) this.endpointByLocal.delete(local);
    if (endpoint.connection.kind === 'unix') {
      const side = peerSideOf(endpoint.connection.tuple, local);
      if (side !== undefined && this.peerOfSide.get(`u:${side}`) === endpoint.connection) this.peerOfSide.delete(`u:${side}`);
      return;
    }
    const tag = local.slice(0, local.indexOf(':'));
    for (const tid of endpoint.tids) {
      const key = threadFdKey(tag, tid, endpoint.fd);
      if (this.endpointByLocal.get(key) === endpoint) this.endpointByLocal.delete(key);
    }
  }
}

/**
 * strace: whether `local` (`4t:127.0.0.1:45617`, `u:1525158`) is the side of the connection's
 * address pair that its one end (local `4t:127.0.0.1:60256`) names as its peer, e.g. after
 *   25241 06:24:58.961919 close(4<TCP:[127.0.0.1:60256->127.0.0.1:45617]>) = 0
 * the server's late accept4 `= 4<TCP:[127.0.0.1:45617->127.0.0.1:60256]>`.
 */
export function isPeerSide(connection: Connection, local: string): boolean {
  if (connection.endpoints.length !== 1) return false;
  const known = connection.endpoints[0].local;
  return known !== undefined && peerSideOf(connection.tuple, known) === local.slice(local.indexOf(':') + 1);
}

/** The side of an address pair `a->b` across from the end `local` (`u:a` gives `b`); undefined when it is neither. */
export function peerSideOf(tuple: string, local: string): string | undefined {
  const arrow = tuple.indexOf('->');
  const side = local.slice(local.indexOf(':') + 1);
  if (tuple.slice(0, arrow) === side) return tuple.slice(arrow + 2);
  if (tuple.slice(arrow + 2) === side) return tuple.slice(0, arrow);
  return undefined;
}
