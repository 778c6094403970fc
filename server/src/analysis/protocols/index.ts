// The protocol decoders, tried in order on each direction of a connection. A new protocol is
// one more file here exporting a ProtocolDecoder, and one more entry in DECODERS.

import { fastcgi } from './fastcgi';
import { http } from './http';
import type { DirectionBytes, ProtocolDecoder, ProtocolRecord } from './types';

export type { DirectionBytes, ProtocolDecoder, ProtocolRecord } from './types';

export const DECODERS: ProtocolDecoder[] = [fastcgi, http];

export interface DecodedDirection {
  protocol?: string;
  records: ProtocolRecord[];
  /** Offset from which nothing was decoded, when records stop before the end of the bytes. */
  undecodedFrom?: number;
}

/** The records of one direction, by the first decoder that recognises its first bytes. */
export function decodeDirection(bytes: DirectionBytes): DecodedDirection {
  if (bytes.length === 0) return { records: [] };
  for (const decoder of DECODERS) {
    if (!decoder.detect(bytes)) continue;
    const records = decoder.decode(bytes);
    const last = records[records.length - 1];
    const reached = last ? last.end : 0;
    return { protocol: decoder.name, records, undecodedFrom: reached < bytes.length ? reached : undefined };
  }
  return { records: [] };
}

/** The records that overlap [start, end), in order. */
export function recordsIn(records: ProtocolRecord[], start: number, end: number): ProtocolRecord[] {
  return records.filter((r) => r.start < end && r.end > start);
}
