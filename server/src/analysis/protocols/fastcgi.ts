// FastCGI records (the FastCGI 1.0 specification, section 3.3): an 8-byte header
//   version, type, requestId (2 bytes), contentLength (2 bytes), paddingLength, reserved
// then the content and the padding. Real bytes from the seed's race, httpd → uWSGI
// (corpus/strace/revert-httpd-POST-single.strace):
//   `\1\1\0\1\0\10\0\0` `\0\1\0\0\0\0\0\0`   FCGI_BEGIN_REQUEST, request 1, role RESPONDER
//   `\1\4\0\1\2\210\0\0` `\16\1CONTENT_LENGTH7...`   FCGI_PARAMS, 648 bytes of name-value pairs
//   `\1\5\0\1\0\0\0\0`   FCGI_STDIN of length 0: the end-of-body marker

import { type DirectionBytes, type ProtocolDecoder, type ProtocolRecord, knownRun } from './types';

const HEADER = 8;

export const FCGI_TYPES: Record<number, string> = {
  1: 'FCGI_BEGIN_REQUEST', 2: 'FCGI_ABORT_REQUEST', 3: 'FCGI_END_REQUEST', 4: 'FCGI_PARAMS',
  5: 'FCGI_STDIN', 6: 'FCGI_STDOUT', 7: 'FCGI_STDERR', 8: 'FCGI_DATA', 9: 'FCGI_GET_VALUES',
  10: 'FCGI_GET_VALUES_RESULT', 11: 'FCGI_UNKNOWN_TYPE',
};
const ROLES: Record<number, string> = { 1: 'FCGI_RESPONDER', 2: 'FCGI_AUTHORIZER', 3: 'FCGI_FILTER' };
const PROTOCOL_STATUS: Record<number, string> = {
  0: 'FCGI_REQUEST_COMPLETE', 1: 'FCGI_CANT_MPX_CONN', 2: 'FCGI_OVERLOADED', 3: 'FCGI_UNKNOWN_ROLE',
};
/** What an empty record of a stream type means. */
const END_MARKER: Record<number, string> = {
  4: 'the end of the parameters', 5: 'the end-of-body marker', 6: 'the end of the response body',
  7: 'the end of the error stream', 8: 'the end of the data stream',
};

function isHeader(bytes: DirectionBytes, at: number): boolean {
  if (knownRun(bytes, at, HEADER) < HEADER) return false;
  const d = bytes.data;
  return d[at] === 1 && FCGI_TYPES[d[at + 1]] !== undefined && d[at + 7] === 0;
}

/** A name-value pair length: one byte below 128, else four with the top bit set. */
function pairLength(d: Uint8Array, at: number, end: number): [number, number] | undefined {
  if (at >= end) return undefined;
  if (d[at] < 128) return [d[at], at + 1];
  if (at + 4 > end) return undefined;
  return [((d[at] & 0x7f) << 24) + (d[at + 1] << 16) + (d[at + 2] << 8) + d[at + 3], at + 4];
}

function latin1(d: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** FCGI_PARAMS content: `\16\1CONTENT_LENGTH7` is CONTENT_LENGTH=7. Stops at the first unknown byte. */
function decodePairs(bytes: DirectionBytes, start: number, end: number): { params: [string, string][]; rest: number } {
  const params: [string, string][] = [];
  const stop = start + knownRun(bytes, start, end - start);
  let at = start;
  for (;;) {
    const name = pairLength(bytes.data, at, stop);
    if (!name) break;
    const value = pairLength(bytes.data, name[1], stop);
    if (!value) break;
    const nameEnd = value[1] + name[0];
    const valueEnd = nameEnd + value[0];
    if (valueEnd > stop) break;
    params.push([latin1(bytes.data, value[1], nameEnd), latin1(bytes.data, nameEnd, valueEnd)]);
    at = valueEnd;
  }
  return { params, rest: end - at };
}

function decodeRecord(bytes: DirectionBytes, at: number): ProtocolRecord {
  const d = bytes.data;
  const typeCode = d[at + 1];
  const type = FCGI_TYPES[typeCode];
  const requestId = (d[at + 2] << 8) + d[at + 3];
  const contentLength = (d[at + 4] << 8) + d[at + 5];
  const paddingLength = d[at + 6];
  const contentStart = at + HEADER;
  const contentEnd = contentStart + contentLength;
  const end = contentEnd + paddingLength;
  const fields: Record<string, unknown> = { requestId, contentLength, paddingLength };
  const seen = Math.min(contentEnd, bytes.length);
  const contentKnown = knownRun(bytes, contentStart, contentLength) === contentLength;
  let summary = `${type}, request ${requestId}, length ${contentLength}`;
  let problem: string | undefined;
  if (contentLength === 0 && END_MARKER[typeCode]) summary += `: ${END_MARKER[typeCode]}`;
  if (typeCode === 1 && contentKnown && contentLength >= 3) {
    const role = (d[contentStart] << 8) + d[contentStart + 1];
    fields.role = ROLES[role] ?? role;
    fields.keepConnection = (d[contentStart + 2] & 1) === 1;
    summary += `, role ${fields.role}${fields.keepConnection ? ', keep the connection' : ''}`;
  } else if (typeCode === 3 && contentKnown && contentLength >= 5) {
    fields.appStatus = ((d[contentStart] << 24) >>> 0) + (d[contentStart + 1] << 16) + (d[contentStart + 2] << 8) + d[contentStart + 3];
    fields.protocolStatus = PROTOCOL_STATUS[d[contentStart + 4]] ?? d[contentStart + 4];
    summary += `, app status ${fields.appStatus}, ${fields.protocolStatus}`;
  } else if ((typeCode === 4 || typeCode === 9 || typeCode === 10) && contentLength > 0) {
    const { params, rest } = decodePairs(bytes, contentStart, Math.min(contentEnd, bytes.length));
    fields.params = params;
    summary += `, ${params.length} name-value pair${params.length === 1 ? '' : 's'}`;
    if (rest > 0) summary += ` (${rest} more bytes not decoded)`;
  }
  if (contentEnd > bytes.length) problem = `the record runs past the ${bytes.length - at} bytes seen`;
  else if (!contentKnown) problem = `${contentLength - knownRun(bytes, contentStart, contentLength)} of its ${contentLength} content bytes are not in the dump`;
  return {
    protocol: 'FastCGI', type, start: at, end, complete: problem === undefined && seen === contentEnd, fields, summary, problem,
  };
}

export const fastcgi: ProtocolDecoder = {
  name: 'FastCGI',
  detect(bytes) {
    if (!isHeader(bytes, 0)) return false;
    // A second header right after the first record makes it certain; a single short record will do.
    const d = bytes.data;
    const next = HEADER + (d[4] << 8) + d[5] + d[6];
    return next >= bytes.length || knownRun(bytes, next, 2) < 2 || isHeader(bytes, next);
  },
  decode(bytes) {
    const records: ProtocolRecord[] = [];
    let at = 0;
    while (at + HEADER <= bytes.length && isHeader(bytes, at)) {
      const record = decodeRecord(bytes, at);
      records.push(record);
      at = record.end;
    }
    return records;
  },
};
