// Socket addresses: how sysdig and strace name a socket's two ends, read into the unordered
// pair that identifies its connection.

import type { SocketKind } from './model';

/** Where a socket fd points: its kind and the unordered address pair that identifies it. */
export interface SocketAddress {
  kind: SocketKind;
  key: string;
  tuple: string;
  path?: string;
  /** For a socket whose fd names no address pair: why its peer is unknown (Connection.unknownPeer). */
  unknownPeer?: string;
}

/**
 * Reads a socket's fd name or tuple into an address, e.g. `<u>` + `ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s`
 * or `<4t>` + `127.0.0.1:47418->127.0.0.1:8080`. Listening sockets (`0.0.0.0:80`, `/path`)
 * and not-yet-connected ones (`<u>`) have no pair and give undefined.
 */
export function parseSocketAddress(tag: string, name: string): SocketAddress | undefined {
  const arrow = name.indexOf('->');
  if (arrow <= 0) return undefined;
  let kind: SocketKind;
  let tuple = name;
  let path: string | undefined;
  if (tag === 'u') {
    kind = 'unix';
    // Both ends print the same `A->B`, but the path can differ (/run vs /var/run): not identity.
    const space = name.indexOf(' ', arrow);
    if (space >= 0) {
      tuple = name.slice(0, space);
      path = name.slice(space + 1);
    }
  } else if (tag === '4t' || tag === '4') kind = tag === '4t' ? 'tcp4' : 'ip4';
  else if (tag === '6t' || tag === '6') kind = tag === '6t' ? 'tcp6' : 'ip6';
  else if (tag === '4u') kind = 'udp4';
  else if (tag === '6u') kind = 'udp6';
  else return undefined;
  const a = tuple.slice(0, arrow);
  const b = tuple.slice(arrow + 2);
  if (a.length === 0 || b.length === 0) return undefined;
  const family = kind === 'unix' ? 'u' : 'ip';
  const key = a < b ? `${family}|${a}|${b}` : `${family}|${b}|${a}`;
  // A concatenation is a chain of pieces, which a Map must flatten to hash and compares through
  // the runtime (the key is looked up in the live map on a connection's first calls). Reading a
  // character makes V8 flatten it once, here.
  key.charCodeAt(0);
  return { kind, key, tuple, path };
}

/** Reads a connect/accept `tuple=` value: same shapes as fd names, the tag comes from the fd. */
export function addressOfTuple(tag: string | undefined, tuple: string | undefined): SocketAddress | undefined {
  if (tuple === undefined || tuple === 'NULL') return undefined;
  if (tag !== undefined && tag.length > 0) return parseSocketAddress(tag, tuple);
  // `connect fd=3(<u>)` then `tuple=A->B /path`: a unix tuple has hex pointers, an IP one has dots or colons.
  return /^[0-9a-f]+->[0-9a-f]+ /.test(tuple) ? parseSocketAddress('u', tuple) : parseSocketAddress(tuple.includes('.') ? '4t' : '6t', tuple);
}

/** The `<T>` tags sysdig gives socket fds (FORMAT.md §3.1): `<u>`, `<4t>`, `<6u>`, `<4>`, ... */
export const SOCKET_TAGS = new Set(['u', '4', '6', '4t', '6t', '4u', '6u']);

/**
 * The peer of one datagram, from the `tuple=` of a send or receive on a socket that is not
 * connected, e.g. `> sendto fd=3(<4>0.0.0.0:0) size=95 tuple=0.0.0.0:55658->100.64.0.10:53` or
 * `< recvfrom res=114 data=... tuple=100.64.0.10:53->0.0.0.0:55658`. Message boundaries hold,
 * so the conversation is a datagram one whatever the fd's tag says.
 */
export function datagramAddress(tag: string, tuple: string | undefined): SocketAddress | undefined {
  if (tuple === undefined || tuple === 'NULL' || tag === 'u') return undefined;
  return parseSocketAddress(tag.charCodeAt(0) === 54 /* 6 */ ? '6u' : '4u', tuple);
}

/** The kind of a socket from its fd's tag alone. */
export function kindOfTag(tag: string): SocketKind {
  switch (tag) {
    case 'u': return 'unix';
    case '4t': return 'tcp4';
    case '6t': return 'tcp6';
    case '4u': return 'udp4';
    case '6u': return 'udp6';
    case '6': return 'ip6';
    default: return 'ip4';
  }
}
