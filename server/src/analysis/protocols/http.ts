// HTTP/1.x messages (RFC 9112): a start line, header lines, an empty line, then a body whose
// length comes from Content-Length, chunked transfer coding, or the close of the connection.
// Real bytes (corpus/sysdig/sysdig-inspect__502Error.scap.txt, python's sendto calls):
//   `HTTP/1.0 200 OK..` `Server: BaseHTTP/0.3 Python/2.7.13..` `text/plain: Content-type..` `..` `foo`
// sysdig's printable form shows `\r\n` as `..` (unknown bytes): a line break there is assumed,
// and said to be.

import { type DirectionBytes, type ProtocolDecoder, type ProtocolRecord } from './types';

const METHODS = /^(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH|PROPFIND|MKCOL|COPY|MOVE|LOCK|UNLOCK) (\S+) (HTTP\/1\.[01])$/;
const STATUS = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/;
// RFC 9110 5.6.2: a field name is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNKNOWN = '\u0000';
/** A `.` of sysdig's printable form: a dot, or a byte it could not print (`\r`, `\n`, ...). */
const DOT = '\uffff';
const MAX_LINE = 16384;

/**
 * The direction read as text, one character per byte: unknown bytes are NUL and printable-form
 * dots DOT. Characters are made when asked for, so a 20 MB response body costs nothing until a
 * line of it is read.
 */
class ByteText {
  readonly length: number;

  constructor(private readonly bytes: DirectionBytes) {
    // Past the stored bytes nothing is known: the text stops there, and so does every line.
    this.length = bytes.data.length;
  }

  charAt(i: number): string {
    if (i < 0 || i >= this.length) return '';
    const known = this.bytes.known[i];
    return known === 1 ? String.fromCharCode(this.bytes.data[i]) : known === 2 ? DOT : UNKNOWN;
  }

  slice(start: number, end: number): string {
    let s = '';
    for (let i = start; i < Math.min(end, this.length); i++) s += this.charAt(i);
    return s;
  }

  /** The first unknown byte at or after `from`, or the end. */
  firstUnknown(from: number): number {
    for (let i = from; i < this.length; i++) if (this.bytes.known[i] === 0) return i;
    return this.length;
  }
}

interface Line {
  text: string;
  /** Offset just past the line break. */
  next: number;
  /** The line break was two unknown bytes, taken for `\r\n`. */
  assumed: boolean;
}

/**
 * The line starting at `at`: up to `\r\n` or `\n`, or up to two dots of sysdig's printable
 * form (`HTTP/1.1..Host: localhost..`), which are taken for `\r\n` and said to be. A lone
 * printable-form dot is taken for a dot (`1.1`).
 */
function readLine(text: ByteText, at: number): Line | undefined {
  const limit = Math.min(text.length, at + MAX_LINE);
  for (let i = at; i < limit; i++) {
    const c = text.charAt(i);
    if (c === '\n') return { text: plain(text.slice(at, i > at && text.charAt(i - 1) === '\r' ? i - 1 : i)), next: i + 1, assumed: false };
    if (c === DOT && text.charAt(i + 1) === DOT) return { text: plain(text.slice(at, i)), next: i + 2, assumed: true };
    if (c === UNKNOWN) return undefined;
  }
  return undefined;
}

function plain(line: string): string {
  return line.includes(DOT) ? line.replaceAll(DOT, '.') : line;
}

function startLine(text: string): boolean {
  return METHODS.test(text) || STATUS.test(text);
}

function decodeMessage(bytes: DirectionBytes, text: ByteText, at: number): ProtocolRecord | undefined {
  const first = readLine(text, at);
  if (!first || !startLine(first.text)) return undefined;
  const request = METHODS.exec(first.text);
  const status = STATUS.exec(first.text);
  const fields: Record<string, unknown> = {};
  let type: string;
  let summary: string;
  if (request) {
    type = 'request';
    fields.method = request[1];
    fields.target = request[2];
    fields.version = request[3];
    summary = `${request[1]} ${request[2]} ${request[3]}`;
  } else {
    type = 'response';
    fields.version = status![1];
    fields.status = Number(status![2]);
    fields.reason = status![3] ?? '';
    summary = `${status![1]} ${status![2]}${status![3] ? ` ${status![3]}` : ''}`;
  }
  const headers: [string, string][] = [];
  const malformed: string[] = [];
  const malformedAt: number[] = [];
  let assumed = first.assumed;
  let pos = first.next;
  let ended = false;
  for (;;) {
    const line = readLine(text, pos);
    if (!line) break;
    const lineStart = pos;
    pos = line.next;
    assumed ||= line.assumed;
    if (line.text.length === 0) {
      ended = true;
      break;
    }
    const colon = line.text.indexOf(':');
    const name = colon > 0 ? line.text.slice(0, colon) : '';
    if (!TOKEN.test(name)) {
      malformed.push(line.text);
      malformedAt.push(lineStart);
    }
    else headers.push([name, line.text.slice(colon + 1).trim()]);
  }
  fields.headers = headers;
  const problems: string[] = [];
  if (malformed.length > 0) {
    fields.malformed = malformed;
    fields.malformedAt = malformedAt;
    problems.push(`malformed header line${malformed.length > 1 ? 's' : ''} ${malformed.map((m) => JSON.stringify(m)).join(', ')}: a header is \`name: value\` and a name is a token (no \`/\`, spaces or \`:\`)`);
  }
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  let end = pos;
  let complete = ended;
  if (!ended) {
    problems.push(pos >= bytes.length ? `the headers run past the ${bytes.length - at} bytes seen` : `the headers are cut at byte ${text.firstUnknown(pos)} by bytes not in the dump`);
    end = Math.max(pos, text.firstUnknown(pos));
  } else {
    const length = header('content-length');
    const chunked = /chunked/i.test(header('transfer-encoding') ?? '');
    if (chunked) {
      fields.chunked = true;
      const body = chunkedBody(text, pos);
      fields.bodyLength = body.length;
      end = body.end;
      if (!body.complete) {
        complete = false;
        problems.push(`the chunked body is not whole in the dump after byte ${body.end}`);
      }
    } else if (length !== undefined && /^\d+$/.test(length)) {
      fields.contentLength = Number(length);
      fields.bodyLength = Number(length);
      end = pos + Number(length);
      if (end > bytes.length) {
        complete = false;
        problems.push(`the body runs past the bytes seen (${bytes.length - pos} of ${length})`);
      }
    } else if (type === 'response' && !(fields.status as number >= 100 && fields.status as number < 200) && fields.status !== 204 && fields.status !== 304) {
      // No length: the body runs to the close of the connection.
      end = bytes.length;
      fields.bodyLength = end - pos;
    } else {
      fields.bodyLength = 0;
    }
  }
  summary += `, ${headers.length} header${headers.length === 1 ? '' : 's'}`;
  if (fields.bodyLength !== undefined) summary += fields.bodyLength === 0 ? ', no body' : `, body ${fields.bodyLength} bytes${fields.chunked ? ' (chunked)' : ''}`;
  if (assumed) {
    fields.lineBreaksAssumed = true;
    problems.push('line breaks read from sysdig\'s `..` (two bytes it printed as dots) are taken for `\\r\\n`');
  }
  return {
    protocol: 'HTTP', type, start: at, end: Math.min(end, bytes.length), complete: complete && end <= bytes.length,
    fields, summary, problem: problems.length > 0 ? problems.join('; ') : undefined,
  };
}

/** `1a\r\n` + 26 bytes + `\r\n` ... `0\r\n\r\n`. */
function chunkedBody(text: ByteText, at: number): { length: number; end: number; complete: boolean } {
  let length = 0;
  let pos = at;
  for (;;) {
    const line = readLine(text, pos);
    if (!line || !/^[0-9a-fA-F]+/.test(line.text)) return { length, end: pos, complete: false };
    const size = parseInt(line.text, 16);
    pos = line.next;
    if (size === 0) {
      // Trailer fields, then the empty line.
      for (;;) {
        const trailer = readLine(text, pos);
        if (!trailer) return { length, end: pos, complete: false };
        pos = trailer.next;
        if (trailer.text.length === 0) return { length, end: pos, complete: true };
      }
    }
    length += size;
    pos += size;
    const crlf = readLine(text, pos);
    if (!crlf || crlf.text.length !== 0) return { length, end: Math.min(pos, text.length), complete: false };
    pos = crlf.next;
  }
}

export const http: ProtocolDecoder = {
  name: 'HTTP',
  detect(bytes) {
    const line = readLine(new ByteText(bytes), 0);
    return line !== undefined && startLine(line.text);
  },
  decode(bytes) {
    const text = new ByteText(bytes);
    const records: ProtocolRecord[] = [];
    let at = 0;
    while (at < bytes.length) {
      const record = decodeMessage(bytes, text, at);
      if (!record) break;
      records.push(record);
      if (record.end <= at) break;
      at = record.end;
    }
    return records;
  },
};
