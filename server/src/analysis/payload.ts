// Payloads are not in the model: the analysis keeps byte counts, not bytes. Follow Stream
// reads them again from the dump text, one call at a time, by the call's lines. What a dump
// holds of a payload depends on how it was printed:
//   sysdig default  `data=GET /api HTTP/1.1..` at most 80 printable characters, any other byte a `.`
//   sysdig -x / -X  `data=` then rows `\t0x0000: 4854 5450 ...` (exact bytes, up to the snaplen)
//   sysdig -A       `data=` then the printable bytes as lines (exact only when nothing was dropped)
//   strace          `"\1\1\0\1\0\10\0\0"` C escapes (`-x`/`-xx`: `\x01`), cut by `-s` with `"..."...`
// A payload never invents a byte: what the dump does not show is marked unknown or left out.

import { type DumpLines } from './lines';
import { type Syscall } from './model';

export { type DumpLines, TextLines } from './lines';

export type PayloadForm = 'hex' | 'ascii' | 'strace' | 'printable';

/** What a dump shows of the bytes one call moved (or, for a failed write, tried to move). */
export interface Payload {
  /** The bytes as captured, from the call's first byte; never longer than `length`. */
  bytes: Uint8Array;
  /**
   * 1 where the byte in `bytes` is certain, 0 where the dump does not say what it is (the
   * cut-off part of an iovec), 2 for a `.` of sysdig's printable form (a dot, or any byte it
   * could not print); undefined when all are certain.
   */
  known?: Uint8Array;
  /** How many bytes the call moved: `bytes.length` short of it were not captured at all. */
  length: number;
  form: PayloadForm;
  /** sysdig -A's text as printed, when its bytes could not be recovered exactly. */
  text?: string;
}

/** sysdig's printable form keeps at most this many bytes (FORMAT.md §3.6). */
export const PRINTABLE_LIMIT = 80;

// `109 11:34:15.249622390 0 curl (28783) < writev ...`: the start of an event line in any of
// sysdig's time modes; -A continuation lines end where the next one starts.
const EVENT_START = /^\d+ [\d:.]+ \d+ /;
// `23745 12:14:44.321173 writev(`, `12:14:44.321173 read(`, `25075 12:14:44.321634 <... read resumed>`:
// a strace line (a sysdig line has its CPU number and process name there).
const STRACE_LINE = /^(?:\d+ +)?\d\d:\d\d:\d\d\.\d+ (?:[a-z_0-9]+\(|<\.\.\. )/;

/** Whether readPayload reads `text` (an exit line, or its part from `res=`'s value on) as a strace line. */
export function looksLikeStraceLine(text: string): boolean {
  return STRACE_LINE.test(text);
}

/**
 * The payload of a read or write, from its lines in the dump, or undefined when the dump
 * shows none (a read that failed, a format without payloads). For
 *   `89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST127.0.0.1..`
 * it is 80 bytes of sysdig's printable form and 619 not captured.
 */
export function readPayload(lines: DumpLines, call: Syscall): Payload | undefined {
  if (call.role !== 'read' && call.role !== 'write') return undefined;
  const moved = call.res !== undefined && call.res >= 0 ? call.res : call.role === 'write' ? call.size : undefined;
  const exitText = call.exitLine >= 0 ? lines.lineText(call.exitLine) : '';
  if (STRACE_LINE.test(exitText) || (call.exitLine < 0 && STRACE_LINE.test(lines.lineText(call.enterLine)))) {
    // strace prints what a write sends in its call line and what a read got in its result line.
    // A failed write has no count: its buffers' lengths say what it tried to send.
    const line = call.role === 'write' ? call.enterLine : call.exitLine;
    if (line < 0 || (moved === undefined && call.role === 'read')) return undefined;
    return straceStringsPayload(lines.lineText(line), moved, call.role);
  }
  if (call.exitLine < 0 || moved === undefined) return undefined;
  return sysdigPayload(lines, call.exitLine, exitText, moved);
}

/**
 * sysdig's `data=` on an exit line, in whichever buffer mode the dump was printed (the CLI's
 * byte reader reads the printable form of a line it holds as bytes the same way, wasm/scanner.ts
 * printablePayload):
 *   `89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST127.0.0.1..`
 *   `9 19:44:50.040945067 0 httpd (15298) < read res=88 data=` then `\t0x0000: 4745 5420 ...` rows
 */
function sysdigPayload(lines: DumpLines, line: number, text: string, moved: number): Payload | undefined {
  const at = text.indexOf(' data=');
  if (at < 0) return undefined;
  const start = at + 6;
  if (start === text.length) {
    // A record that goes on below: -x/-X rows or -A text.
    const next = lines.lineText(line + 1);
    if (next.startsWith('\t0x')) return hexRows(lines, line + 1, moved);
    return asciiLines(lines, line + 1, moved);
  }
  const expected = Math.min(moved, PRINTABLE_LIMIT);
  // sysdig prints exactly min(res, 80) characters; the line may hold fewer (a damaged line).
  let end = start + expected;
  if (end > text.length) {
    end = text.length;
    while (end > start && text.charCodeAt(end - 1) === 32) end--;
  }
  // With a capture snaplen above 80, sysdig prints 77 bytes and `...` (FORMAT.md §3.6):
  //   `res=86 data=GET /userstats.php HTTP/1.1..Host: localhost..User-Agent: curl/7.47.0..Accept...`
  // Those three dots are not payload. With the default snaplen they could be, but a dot
  // there says nothing certain about its byte anyway, so dropping them loses nothing.
  if (moved > PRINTABLE_LIMIT && end - start === PRINTABLE_LIMIT && text.startsWith('...', end - 3)) end -= 3;
  const bytes = new Uint8Array(end - start);
  const known = new Uint8Array(end - start);
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    bytes[i - start] = code;
    // Every byte that is not printable became `.`: a dot is a dot or any other byte (2).
    known[i - start] = code === 46 ? 2 : code > 126 ? 0 : 1;
  }
  return { bytes, known, length: moved, form: 'printable' };
}

/**
 * -x and -X rows, until the line that closes the record (` ` or ` tuple=...`):
 *   `\t0x0000: 75d0 8583 0001 0000 0001 0000 0762 6163  u............bac`
 */
function hexRows(lines: DumpLines, first: number, moved: number): Payload {
  const out: number[] = [];
  for (let line = first; line < lines.lineCount; line++) {
    const text = lines.lineText(line);
    if (!text.startsWith('\t0x')) break;
    let pos = text.indexOf(':') + 1;
    // Groups of 4 hex digits (2 bytes) and a last one of 2, each after one space; -X's ASCII
    // column comes after two spaces.
    while (pos > 0 && pos < text.length && text.charCodeAt(pos) === 32 && text.charCodeAt(pos + 1) !== 32) {
      let digits = 0;
      while (digits < 4 && isHex(text.charCodeAt(pos + 1 + digits))) digits++;
      if (digits !== 2 && digits !== 4) break;
      for (let d = 0; d < digits; d += 2) out.push(parseInt(text.slice(pos + 1 + d, pos + 3 + d), 16));
      pos += 1 + digits;
    }
  }
  const bytes = Uint8Array.from(out.slice(0, moved));
  return { bytes, length: moved, form: 'hex' };
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

/**
 * -A text: printable bytes kept, `\r\n` and `\r` printed as a line break, every other byte
 * dropped. The bytes are recovered only when the counts prove nothing was dropped:
 *   `137 19:44:50.040945067 0 httpd (15298) < read res=88 data=` then `GET /foobar.bin HTTP/1.1` ...
 */
function asciiLines(lines: DumpLines, first: number, moved: number): Payload {
  const parts: string[] = [];
  let line = first;
  for (; line < lines.lineCount; line++) {
    const text = lines.lineText(line);
    if (EVENT_START.test(text)) break;
    parts.push(text);
  }
  let text = parts.join('\n');
  // The record ends with sysdig's separator space, or with ` tuple=...` and that space.
  text = text.replace(/ tuple=\S*\s*$/, '').replace(/ $/, '');
  let newlines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
  const captured = Math.min(moved, PRINTABLE_LIMIT);
  const exact = (length: number) => length === moved || length === captured;
  if (exact(text.length + newlines)) return asciiBytes(text.replace(/\n/g, '\r\n'), moved);
  if (newlines === 0 && exact(text.length)) return asciiBytes(text, moved);
  return { bytes: new Uint8Array(0), length: moved, form: 'ascii', text };
}

function asciiBytes(text: string, moved: number): Payload {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return { bytes, length: moved, form: 'ascii' };
}

// `14<UNIX-STREAM:[1550442->1550446]>` and `3<TCP:[127.0.0.1:28080->127.0.0.1:53334]>`: a strace fd.
const STRACE_FD = /^\d+<[A-Za-z0-9-]+:\[.*?\]>/;

/**
 * The bytes of a strace write (from its call line) or read (from its result line):
 *   `23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [{iov_base="\1\1\0\1\0\10\0\0", iov_len=8}, ...], 2) = 16`
 *   `25075 12:14:44.321634 <... read resumed>"\1\1\0\1\0\10\0\0\0\1\0\0\0\0\0\0", 4096) = 16`
 */
function straceStringsPayload(text: string, count: number | undefined, role: 'read' | 'write'): Payload | undefined {
  let pos: number;
  const resumed = text.indexOf(' resumed>');
  if (resumed >= 0 && role === 'read') pos = resumed + 9;
  else {
    const open = text.indexOf('(');
    if (open < 0) return undefined;
    const fd = STRACE_FD.exec(text.slice(open + 1, open + 1 + 600));
    pos = open + 1 + (fd ? fd[0].length : (/^\d+/.exec(text.slice(open + 1))?.[0].length ?? 0));
    while (text.charCodeAt(pos) === 44 || text.charCodeAt(pos) === 32) pos++;
  }
  const bytes: number[] = [];
  const known: number[] = [];
  const push = (values: number[], length: number, truncated: boolean) => {
    for (const v of values) {
      bytes.push(v);
      known.push(1);
    }
    // A string cut by strace's -s: the rest of this buffer is not in the trace.
    if (truncated) for (let i = values.length; i < length; i++) {
      bytes.push(0);
      known.push(0);
    }
  };
  let moved = count ?? Number.MAX_SAFE_INTEGER;
  if (text.charCodeAt(pos) === 34) {
    const string = readCString(text, pos);
    if (!string) return undefined;
    // `write(5<...>, "Hello World", 11 <unfinished ...>`: the count follows the buffer.
    if (count === undefined) moved = Number(/^, (\d+)/.exec(text.slice(string.end, string.end + 24))?.[1] ?? string.bytes.length);
    push(string.bytes, moved, string.truncated);
  } else {
    // writev/readv `[{iov_base="...", iov_len=8}, ...]`, sendmsg/recvmsg `{..., msg_iov=[...], ...}`.
    const iov = text.startsWith('{', pos) ? text.indexOf('msg_iov=[', pos) : text.startsWith('[', pos) ? pos : -1;
    if (iov < 0) return undefined;
    let at = text.indexOf('iov_base="', iov);
    let remaining = moved;
    while (at >= 0 && remaining > 0) {
      const string = readCString(text, at + 9);
      if (!string) break;
      const lengthMatch = /^, iov_len=(\d+)/.exec(text.slice(string.end, string.end + 30));
      const iovLength = lengthMatch ? Number(lengthMatch[1]) : string.bytes.length;
      // A read fills its buffers in order; strace shows each with the bytes it got.
      const length = Math.min(role === 'write' ? iovLength : string.truncated ? remaining : string.bytes.length, remaining);
      push(string.bytes.slice(0, length), length, string.truncated);
      remaining -= length;
      if (string.truncated && role === 'read') break;
      at = text.indexOf('iov_base="', string.end);
    }
  }
  // A failed write moved nothing: what it tried to send is what its buffers held.
  if (count === undefined) moved = bytes.length;
  const out = Uint8Array.from(bytes.slice(0, moved));
  const mask = Uint8Array.from(known.slice(0, moved));
  return { bytes: out, known: mask.every((k) => k === 1) ? undefined : mask, length: moved, form: 'strace' };
}

const C_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, a: 7, b: 8, e: 27, '"': 34, '\\': 92, "'": 39, '?': 63 };

/**
 * A C string literal as strace prints it, from its opening quote: `"\1\4\0\1\2\210\0\0\16\1CONTENT_LENGTH7"`,
 * with -x `"\x01\x04"`. A `...` right after the closing quote means strace cut it (-s).
 */
export function readCString(text: string, quote: number): { bytes: number[]; end: number; truncated: boolean } | undefined {
  const bytes: number[] = [];
  let i = quote + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const truncated = text.startsWith('...', i + 1);
      return { bytes, end: i + 1 + (truncated ? 3 : 0), truncated };
    }
    if (c !== 92) {
      bytes.push(c & 0xff);
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === 'x') {
      let j = i + 2;
      while (j < i + 4 && isHex(text.charCodeAt(j))) j++;
      bytes.push(parseInt(text.slice(i + 2, j), 16));
      i = j;
    } else if (next >= '0' && next <= '7') {
      // Octal, at most three digits: strace pads to three when a digit follows.
      let j = i + 1;
      while (j < i + 4 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 55) j++;
      bytes.push(parseInt(text.slice(i + 1, j), 8) & 0xff);
      i = j;
    } else if (next !== undefined && C_ESCAPES[next] !== undefined) {
      bytes.push(C_ESCAPES[next]);
      i += 2;
    } else {
      return undefined;
    }
  }
  // The line ended inside the string: a damaged line.
  return undefined;
}
