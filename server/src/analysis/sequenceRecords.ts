// The protocol records on the sequence diagram's arrows: a RecordNamer (sequence.ts) over
// Follow Stream's assembly (stream.ts), which re-reads the payloads from the dump and decodes
// each direction with the protocol decoders. Short names, as an arrow has room for:
// `FCGI_PARAMS ×2, FCGI_STDIN (end)`, `GET /index.html`, `HTTP 502`.

import type { Connection, Endpoint } from './model';
import type { RecordNamer } from './sequence';
import { type DumpLines, type ProtocolRecord, assembleStream, failedWriteRecords, recordsAt } from './stream';

/** At most this many names on one arrow; more are counted. */
const MAX_NAMES = 3;

/**
 * The names of the records in a connection's bytes, e.g. `FCGI_STDIN (end)` for the seed's
 * `89090 07:12:54.259790412 6 httpd (22014) < writev res=8 data=........`; undefined when
 * the dump shows too little of the bytes for a decoder to be certain.
 */
export function streamRecordNamer(lines: DumpLines, connection: Connection): RecordNamer | undefined {
  const stream = assembleStream(lines, connection);
  if (!stream.directions.some((d) => d.records.length > 0)) return undefined;
  const directionOf = (writer: Endpoint) => {
    const from = connection.endpoints.indexOf(writer);
    return stream.directions.find((d) => d.from === from);
  };
  return {
    written(writer, bytes) {
      const direction = directionOf(writer);
      return direction ? names(recordsAt(direction, bytes)) : undefined;
    },
    failed(call) {
      const direction = call.endpoint ? directionOf(call.endpoint) : undefined;
      const chunk = stream.chunks.find((c) => c.call === call);
      return direction && chunk ? names(failedWriteRecords(direction, chunk)) : undefined;
    },
  };
}

function shortName(record: ProtocolRecord): string {
  const f = record.fields;
  let name = record.type;
  if (record.protocol === 'FastCGI' && f.contentLength === 0) name += ' (end)';
  else if (record.protocol === 'HTTP' && record.type === 'request') name = `${f.method} ${String(f.target).slice(0, 24)}`;
  else if (record.protocol === 'HTTP' && record.type === 'response') name = `HTTP ${f.status}`;
  // A record the dump shows only in part ends in `…`; one whole but wrong (a malformed HTTP
  // header) is flagged.
  return !record.complete ? `${name}…` : record.problem ? `${name} ⚠` : name;
}

/** `FCGI_PARAMS ×2, FCGI_STDIN (end)`: runs of one name counted, at most MAX_NAMES shown. */
function names(records: ProtocolRecord[]): string | undefined {
  const runs: { name: string; count: number }[] = [];
  for (const record of records) {
    const name = shortName(record);
    const last = runs[runs.length - 1];
    if (last && last.name === name) last.count++;
    else runs.push({ name, count: 1 });
  }
  if (runs.length === 0) return undefined;
  const shown = runs.slice(0, MAX_NAMES).map((r) => (r.count > 1 ? `${r.name} ×${r.count}` : r.name));
  return shown.join(', ') + (runs.length > MAX_NAMES ? `, +${runs.length - MAX_NAMES}` : '');
}
