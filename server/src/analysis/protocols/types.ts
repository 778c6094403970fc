// What every protocol decoder takes and gives. A decoder sees one direction of a connection
// as bytes at stream offsets, with the bytes the dump does not show marked unknown, and
// returns the records it can be certain of, in offset order.

/**
 * One direction's bytes: `data[i]` is byte i of the direction when `known[i]` is 1. A 0 is a
 * byte the dump does not show; a 2 is a `.` of sysdig's printable form, which is a dot or any
 * byte sysdig could not print (only a text protocol may read it, and must say so).
 */
export interface DirectionBytes {
  /** The bytes up to the last one the dump shows; `data.length` may be less than `length`. */
  data: Uint8Array;
  known: Uint8Array;
  /** How many bytes went this way; past `data.length` none is known. */
  length: number;
}

/** A protocol record at offsets [start, end) of its direction. */
export interface ProtocolRecord {
  protocol: string;
  /** `FCGI_STDIN`, `request`, `response`, ... */
  type: string;
  start: number;
  end: number;
  /** False when the record runs past the bytes seen, or some of its bytes are unknown. */
  complete: boolean;
  /** The decoded fields (FastCGI: requestId, contentLength, ...; HTTP: method, status, headers, ...). */
  fields: Record<string, unknown>;
  /** One line for people: `FCGI_STDIN, request 1, length 0: the end-of-body marker`. */
  summary: string;
  /** What is wrong with it or missing from it, when something is. */
  problem?: string;
}

export interface ProtocolDecoder {
  name: string;
  /** Whether the direction's first bytes are this protocol's, for certain. */
  detect(bytes: DirectionBytes): boolean;
  decode(bytes: DirectionBytes): ProtocolRecord[];
}

/** How many bytes from `start` are known in a row (at most `limit`). */
export function knownRun(bytes: DirectionBytes, start: number, limit: number): number {
  let n = 0;
  while (n < limit && start + n < bytes.data.length && bytes.known[start + n] === 1) n++;
  return n;
}
