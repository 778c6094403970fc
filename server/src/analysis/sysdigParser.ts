// Parser for one line of sysdig's default text output (FORMAT.md §1-§3):
//   %evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
// It extracts only what the connection model needs (fd, res, size, tuple, pid) and the
// columns an editor points at; everything else stays in the document text, read on demand.

import type { TraceEvent } from './model';
import { detach } from './strings';
import { ENTER_TIME_TYPES, FULL_PARAM_TYPES, TUPLE_AFTER_DATA_TYPES } from './wasm/shared';

/** A wasm/shared.ts name list as a set, e.g. ' close shutdown ' → {close, shutdown}. */
function nameSet(list: string): Set<string> {
  return new Set(list.trim().split(' '));
}

// The syscall names the scanner (wasm/scanner.ts) reads further too: written once, in wasm/shared.ts.
const FULL_PARAM_TYPE_SET = nameSet(FULL_PARAM_TYPES);
const ENTER_TIME_TYPE_SET = nameSet(ENTER_TIME_TYPES);
const TUPLE_AFTER_DATA_TYPE_SET = nameSet(TUPLE_AFTER_DATA_TYPES);

const SPACE = 32;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const MINUS = 45;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/** Reads `-?\d+` at `pos`; returns the end position, or -1 when there is no number. */
function scanInt(text: string, pos: number): number {
  // Every read stays inside the string: charCodeAt past the end makes V8 deoptimize the
  // caller, which cost this parser half its speed.
  const length = lineEnd;
  let i = pos;
  let negative = false;
  if (i < length && text.charCodeAt(i) === MINUS) {
    negative = true;
    i++;
  }
  const digitsStart = i;
  let value = 0;
  for (let c = i < length ? text.charCodeAt(i) : -1; c >= DIGIT_0 && c <= DIGIT_9; c = ++i < length ? text.charCodeAt(i) : -1) {
    value = value * 10 + (c - DIGIT_0);
  }
  scannedInt = negative ? -value : value;
  return i > digitsStart ? i : -1;
}

/** The value of the number scanInt last read: saves a substring and a Number() per field. */
let scannedInt = 0;

/**
 * Where the line being parsed ends in its text. The analyzer hands the parser a whole chunk or
 * document and the bounds of one line in it: no substring per line, and charCodeAt on a flat
 * string is faster than on a slice. Every read below stops here.
 */
let lineEnd = 0;

/** charCodeAt that answers -1 past the line's end instead of NaN, for the same reason. */
function codeAt(text: string, i: number): number {
  return i < lineEnd ? text.charCodeAt(i) : -1;
}

/**
 * The first `code` in [from, lineEnd) of the text, or -1. String.indexOf would go on past the
 * line, through the rest of a document: a line without ` (` then cost the whole rest of a 10 MB
 * document, once per line (issue 12). The fields searched are short, so a loop costs no more.
 */
function findInLine(text: string, code: number, from: number): number {
  for (let i = from; i < lineEnd; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

/** The first ` (` wholly inside the line, from `from` (wasm/scanner.ts findSpaceParen). */
function findSpaceParen(text: string, from: number): number {
  for (let sp = findInLine(text, SPACE, from); sp >= 0; sp = findInLine(text, SPACE, sp + 1)) {
    if (sp + 1 >= lineEnd) return -1;
    if (text.charCodeAt(sp + 1) === 40 /* ( */) return sp;
  }
  return -1;
}

/**
 * The time `07:12:54.260023713` at `at` (separators already checked) in ns modulo one day,
 * or NaN when a position holds no digit.
 */
function fixedTime(text: string, at: number): number {
  let seconds = 0;
  let nanos = 0;
  for (let k = 0; k < 18; k++) {
    if (k === 2 || k === 5 || k === 8) continue;
    const d = text.charCodeAt(at + k) - DIGIT_0;
    if (d < 0 || d > 9) return NaN;
    if (k < 2) seconds = seconds * 10 + d;
    else if (k < 5) seconds = k === 3 ? seconds * 6 + d : seconds * 10 + d;
    else if (k < 8) seconds = k === 6 ? seconds * 6 + d : seconds * 10 + d;
    else nanos = nanos * 10 + d;
  }
  return (seconds % 86400) * 1e9 + nanos;
}

// Terminal output (`sysdig -r x.scap` on a tty) wraps fields in colour escapes (FORMAT.md §1.1).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/**
 * `53 19:44:31.719834330 0 ^[[01;32mnginx^[[00m (^[[01;36m15259^[[00m.15259) < ...` without its
 * colour codes, and for each column of the result the column it had in the line.
 */
function stripAnsi(raw: string): { text: string; columns: number[] } {
  const columns: number[] = [];
  let text = '';
  let last = 0;
  ANSI_ESCAPE.lastIndex = 0;
  for (let m = ANSI_ESCAPE.exec(raw); m; m = ANSI_ESCAPE.exec(raw)) {
    for (let i = last; i < m.index; i++) columns.push(i);
    text += raw.slice(last, m.index);
    last = m.index + m[0].length;
  }
  for (let i = last; i <= raw.length; i++) columns.push(i);
  text += raw.slice(last);
  return { text, columns };
}

/**
 * Per thread, the last process name and syscall name seen. A thread prints the same name on
 * every line and the same syscall on its enter and exit, so most lines reuse a string
 * instead of allocating one: a large share of the parser's garbage.
 */
export interface ParseCache {
  names: Map<number, string>;
  types: Map<number, string>;
  /** Every syscall name seen, once. */
  typeNames: Map<string, string>;
}

export function newParseCache(): ParseCache {
  return { names: new Map(), types: new Map(), typeNames: new Map() };
}

function cached(map: Map<number, string> | undefined, tid: number, text: string, start: number, end: number, canonical?: Map<string, string>): string {
  if (map === undefined) return text.slice(start, end);
  const known = map.get(tid);
  if (known !== undefined && known.length === end - start && text.startsWith(known, start)) return known;
  const slice = text.slice(start, end);
  let fresh = canonical?.get(slice);
  if (fresh === undefined) {
    // A copy, not a slice: the cache outlives the line and must not keep its input chunk alive.
    fresh = detach(slice);
    if (canonical !== undefined && canonical.size < CANONICAL_LIMIT) canonical.set(fresh, fresh);
  }
  map.set(tid, fresh);
  return fresh;
}

/**
 * One string per syscall name for the whole analysis: the language server keeps a name on
 * each of its calls, and 20 000 copies of `read` are 0.5 MB. A few hundred names exist; the
 * limit only guards against garbage.
 */
const CANONICAL_LIMIT = 4096;

export function newTraceEvent(): TraceEvent {
  return {
    line: 0, num: 0, time: NaN, process: '', tid: 0, pid: undefined, exit: false, type: '',
    fd: undefined, fdTag: undefined, fdName: undefined, res: undefined, errno: undefined,
    size: undefined, tuple: undefined, local: undefined, fdCol: -1, resCol: -1, typeCol: 0, dataCol: -1,
  };
}

/**
 * Parses one event line, or returns undefined when the line is not an event (a continuation
 * line of `-A`/`-x` output, garbage). Handles lines like
 *   `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ `
 *   `1405 21:35:33.350505660 0 container:9dbcbd0c435f (-1) > container json={...}`
 *   `53 19:44:31.719834330 0 nginx (15259.15259) < epoll_wait res=1 ` (terminal form, colours stripped)
 * Only the syscalls the connection model needs get their whole parameter list read, unless
 * `allParams` asks for it (a hover on any line).
 */
export function parseSysdigLine(raw: string, line: number, into?: TraceEvent, cache?: ParseCache, allParams = false): TraceEvent | undefined {
  return parseSysdigSpan(raw, 0, raw.length, line, into, cache, allParams);
}

/**
 * parseSysdigLine for the line at [start, end) of a larger text (a read chunk, a document),
 * e.g. the line `88633 07:12:54.259291681 7 uwsgi (20882) < read res=16 data=................ `
 * in the middle of a 256 KiB chunk. Columns in the event are relative to the line's start.
 */
export function parseSysdigSpan(raw: string, start: number, end: number, line: number, into?: TraceEvent, cache?: ParseCache, allParams = false): TraceEvent | undefined {
  const plain = parseSpan(raw, start, end, line, into, cache, allParams, undefined);
  if (plain !== undefined) return plain;
  // Terminal output colours the thread id, so a coloured line never parses plain: only then
  // is it worth looking for escapes. Such a line still starts with its event number, so
  // continuation rows (`-x` hex, `-A` text) and garbage are passed over without a substring.
  const first = raw.charCodeAt(start);
  if (!(first >= DIGIT_0 && first <= DIGIT_9)) return undefined;
  const text = raw.slice(start, end);
  if (text.indexOf('\x1b') < 0) return undefined;
  const stripped = stripAnsi(text);
  return parseSpan(stripped.text, 0, stripped.text.length, line, into, cache, allParams, stripped.columns);
}

function parseSpan(text: string, base: number, end: number, line: number, into: TraceEvent | undefined, cache: ParseCache | undefined, allParams: boolean, columns: number[] | undefined): TraceEvent | undefined {
  lineEnd = end;
  // evt.num
  const numEnd = scanInt(text, base);
  if (numEnd <= base || codeAt(text, numEnd) !== SPACE || codeAt(text, base) === MINUS) return undefined;
  const num = scannedInt;
  // evt.outputtime: HH:MM:SS.nnnnnnnnn or, with -t a/r/d/D, seconds.nanoseconds. It becomes
  // ns modulo one day, computed while scanning: no substring, no split. `-t a` prints the
  // nanoseconds without zero padding, so the digits after the dot are a count, not a fraction.
  const timeStart = numEnd + 1;
  let i = timeStart;
  let seconds = 0;
  let field = 0;
  let nanos = 0;
  let sawDot = false;
  // The default `HH:MM:SS.nnnnnnnnn` has fixed separators: the digits are read only for the
  // events whose time the model keeps (see below), which saves a fifth of the header's cost.
  const fixedLayout = codeAt(text, i + 2) === 58 && codeAt(text, i + 5) === 58 && codeAt(text, i + 8) === 46 && codeAt(text, i + 18) === SPACE;
  if (fixedLayout) i += 18;
  else for (let c = codeAt(text, i); ; c = codeAt(text, ++i)) {
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      if (sawDot) nanos = nanos * 10 + (c - DIGIT_0);
      else field = field * 10 + (c - DIGIT_0);
    } else if (c === 58 /* : */ && !sawDot) {
      seconds = seconds * 60 + field;
      field = 0;
    } else if (c === 46 /* . */ && !sawDot) {
      seconds = seconds * 60 + field;
      sawDot = true;
    } else break;
  }
  if (i === timeStart || codeAt(text, i) !== SPACE) return undefined;
  const timeEnd = i;
  // evt.cpu
  const cpuEnd = scanInt(text, timeEnd + 1);
  if (cpuEnd < 0 || codeAt(text, cpuEnd) !== SPACE) return undefined;
  // proc.name is free text (spaces, parentheses), so find the first ` (TID) > ` / ` (TID) < `
  // after it: the shortest name wins, as FORMAT.md's lazy `(.+?)` does.
  const nameStart = cpuEnd + 1;
  let open = findSpaceParen(text, nameStart);
  let tid = 0;
  let pid: number | undefined;
  let dirPos = -1;
  while (open >= 0) {
    const tidStart = open + 2;
    let tidEnd = scanInt(text, tidStart);
    if (tidEnd > 0) {
      tid = scannedInt;
      let pidValue: number | undefined;
      if (codeAt(text, tidEnd) === 46 /* . */) {
        // `(PID.TID)` of the terminal format.
        const realTidEnd = scanInt(text, tidEnd + 1);
        if (realTidEnd > 0) {
          pidValue = tid;
          tid = scannedInt;
          tidEnd = realTidEnd;
        }
      } else if (codeAt(text, tidEnd) === 58 /* : */) {
        // `(TID:VTID)` of `-pc` output, where the vtid may be `<NA>`: the tid is what pairs.
        // The `)` is looked for within 12 characters only: a line of 260 000 ` (1:` would
        // otherwise search to the line's end for each of them.
        const limit = Math.min(lineEnd, tidEnd + 13);
        for (let close = tidEnd + 1; close < limit; close++) {
          if (text.charCodeAt(close) === 41 /* ) */) {
            tidEnd = close;
            break;
          }
        }
      }
      const d = codeAt(text, tidEnd + 2);
      if (codeAt(text, tidEnd) === 41 /* ) */ && codeAt(text, tidEnd + 1) === SPACE
        && (d === 62 /* > */ || d === 60 /* < */) && codeAt(text, tidEnd + 3) === SPACE) {
        pid = pidValue;
        dirPos = tidEnd + 2;
        break;
      }
    }
    open = findSpaceParen(text, open + 1);
  }
  if (dirPos < 0 || open === nameStart - 1) return undefined;
  const typeCol = dirPos + 2;
  let typeEnd = findInLine(text, SPACE, typeCol);
  if (typeEnd < 0) typeEnd = lineEnd;
  if (typeEnd === typeCol) return undefined;
  const type = cached(cache?.types, tid, text, typeCol, typeEnd, cache?.typeNames);
  // A caller that parses millions of lines passes one event to refill: no garbage per line.
  const event = into ?? newTraceEvent();
  event.line = line;
  event.num = num;
  event.time = fixedLayout ? NaN : sawDot ? (seconds % 86400) * 1e9 + nanos : NaN;
  event.process = '';
  event.tid = tid;
  event.pid = pid;
  event.exit = codeAt(text, dirPos) === 60;
  event.type = type;
  event.typeCol = typeCol;
  readInfo(text, typeEnd + 1, event, allParams);
  // Like the time, the process name is read only where the model can keep the call: a line
  // that names a socket, a connect or an accept (or when every field is asked for).
  if (!cache || allParams || event.fdName !== undefined || type === 'connect' || type === 'accept' || type === 'accept4') {
    event.process = cached(cache?.names, tid, text, nameStart, open);
  }
  if (fixedLayout && (event.errno !== undefined || (ENTER_TIME_TYPE_SET.has(type) && !event.exit) || allParams)) {
    event.time = fixedTime(text, timeStart);
  }
  if (columns) {
    // Columns point into the line as the document holds it, colour codes included.
    event.typeCol = columns[event.typeCol];
    if (event.fdCol >= 0) event.fdCol = columns[event.fdCol];
    if (event.resCol >= 0) event.resCol = columns[event.resCol];
    if (event.dataCol >= 0) event.dataCol = columns[event.dataCol];
  } else if (base > 0) {
    event.typeCol -= base;
    if (event.fdCol >= 0) event.fdCol -= base;
    if (event.resCol >= 0) event.resCol -= base;
    if (event.dataCol >= 0) event.dataCol -= base;
  }
  return event;
}

/**
 * Clears what the previous line left in a reused event, then reads the `evt.info` part
 * starting at `infoStart`: the whole parameter list for the syscalls the model needs (or
 * for all with `allParams`), else only a leading `fd=`.
 */
function readInfo(text: string, infoStart: number, event: TraceEvent, allParams: boolean): void {
  event.fd = undefined;
  event.fdTag = undefined;
  event.fdName = undefined;
  event.res = undefined;
  event.errno = undefined;
  event.size = undefined;
  event.tuple = undefined;
  event.local = undefined;
  event.fdCol = -1;
  event.resCol = -1;
  event.dataCol = -1;
  if (infoStart >= lineEnd) return;
  if (allParams || FULL_PARAM_TYPE_SET.has(event.type)) readParams(text, infoStart, event);
  else if (text.startsWith('fd=', infoStart)) readFd(text, infoStart + 3, nextParamStart(text, infoStart + 3), event);
}

/**
 * Where the value starting at `from` ends: at the next ` name=` (FORMAT.md §2: no quoting, a
 * value runs until the next parameter name), or at the end of the line without its trailing
 * space. In `fd=13(<u>ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket) tuple=...`
 * the fd's value runs over the space before the path and stops before ` tuple=`.
 */
function nextParamStart(text: string, from: number): number {
  let sp = findInLine(text, SPACE, from);
  while (sp >= 0) {
    let j = sp + 1;
    let c = codeAt(text, j);
    while ((c >= 97 && c <= 122) || isDigit(c) || c === 95 /* _ */) c = codeAt(text, ++j);
    if (c === 61 /* = */ && j > sp + 1) return sp;
    sp = findInLine(text, SPACE, sp + 1);
  }
  let end = lineEnd;
  if (codeAt(text, end - 1) === SPACE) end--;
  return end;
}

// The parameters the model reads, told apart by their length and a letter or two rather
// than by a substring per parameter.
const PARAM_OTHER = 0;
const PARAM_FD = 1;
const PARAM_RES = 2;
const PARAM_SIZE = 3;
const PARAM_TUPLE = 4;
const PARAM_PID = 5;
const PARAM_DATA = 6;

/** Which of the parameters above text[start, end) names, e.g. `res` in `< read res=699 data=...`. */
function paramName(text: string, start: number, end: number): number {
  const c = text.charCodeAt(start);
  switch (end - start) {
    case 2:
      return c === 102 /* f */ && text.charCodeAt(start + 1) === 100 /* d */ ? PARAM_FD : PARAM_OTHER;
    case 3:
      if (c === 114 /* r */) return text.charCodeAt(start + 1) === 101 && text.charCodeAt(start + 2) === 115 ? PARAM_RES : PARAM_OTHER;
      return c === 112 /* p */ && text.charCodeAt(start + 1) === 105 && text.charCodeAt(start + 2) === 100 ? PARAM_PID : PARAM_OTHER;
    case 4:
      // startsWith is a builtin call, dearer than three comparisons.
      if (c === 100 /* d */) return text.charCodeAt(start + 1) === 97 && text.charCodeAt(start + 2) === 116 && text.charCodeAt(start + 3) === 97 ? PARAM_DATA : PARAM_OTHER;
      return c === 115 /* s */ && text.charCodeAt(start + 1) === 105 && text.charCodeAt(start + 2) === 122 && text.charCodeAt(start + 3) === 101 ? PARAM_SIZE : PARAM_OTHER;
    case 5:
      return c === 116 /* t */ && text.startsWith('tuple', start) ? PARAM_TUPLE : PARAM_OTHER;
    case 6:
      return c === 111 /* o */ && text.startsWith('out_fd', start) ? PARAM_FD : PARAM_OTHER;
    default:
      return PARAM_OTHER;
  }
}

/**
 * Reads the `name=value` list of an event we model, e.g.
 *   `fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s queuepct=0`
 * It stops at `data=`: the payload is free text (it can hold ` x=`), and nothing the model
 * needs comes after it in sysdig 0.29 (byte counts come from `res=`, never from `data=`).
 */
function readParams(text: string, start: number, event: TraceEvent): void {
  let pos = start;
  while (pos < lineEnd) {
    const eq = findInLine(text, 61 /* = */, pos);
    if (eq < 0) return;
    const name = paramName(text, pos, eq);
    if (name === PARAM_DATA) {
      event.dataCol = eq + 1;
      if (event.exit && TUPLE_AFTER_DATA_TYPE_SET.has(event.type)) readTupleAfterData(text, eq + 1, event);
      return;
    }
    const valueStart = eq + 1;
    const valueEnd = nextParamStart(text, valueStart);
    switch (name) {
      case PARAM_FD:
        if (event.fdCol < 0) readFd(text, valueStart, valueEnd, event);
        break;
      case PARAM_RES:
        readRes(text, valueStart, valueEnd, event);
        break;
      case PARAM_SIZE: {
        if (scanInt(text, valueStart) > 0) event.size = scannedInt;
        break;
      }
      case PARAM_TUPLE:
        event.tuple = text.slice(valueStart, valueEnd);
        break;
      case PARAM_PID: {
        // `pid=22369(bash)` on clone/execve exits: ties this thread to its process.
        if (scanInt(text, valueStart) > 0) event.pid = scannedInt;
        break;
      }
    }
    pos = valueEnd + 1;
  }
}

/**
 * A receive's exit prints the sender after its payload:
 *   `610 11:34:15.250902568 1 curl (28784) < recvfrom res=188 data=.......tickets.ticket-generator.svc.clu tuple=100.64.0.10:53->0.0.0.0:55658 `
 * The tuple is the last parameter, so it is looked for from the line's end back to the
 * payload's start; with -A or -x the payload and the tuple are on the lines below, not read.
 */
function readTupleAfterData(text: string, dataStart: number, event: TraceEvent): void {
  let end = lineEnd;
  if (codeAt(text, end - 1) === SPACE) end--;
  // A loop, not lastIndexOf: that would search on before the line, through the whole document.
  for (let at = end - 7; at >= dataStart; at--) {
    if (text.charCodeAt(at) === SPACE && text.charCodeAt(at + 6) === 61 /* = */ && text.startsWith(' tuple=', at)) {
      event.tuple = text.slice(at + 7, end);
      return;
    }
  }
}

/**
 * Reads an fd value (FORMAT.md §3.1): `26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)`,
 * `3(<u>)`, bare `3`, or `-2(ENOENT)`. The name can contain `(` and `)`, so the last `)` of
 * the value closes it.
 */
function readFd(text: string, start: number, end: number, event: TraceEvent): void {
  const numEnd = scanInt(text, start);
  if (numEnd < 0) return;
  event.fd = scannedInt;
  event.fdCol = start;
  if (codeAt(text, numEnd) !== 40 /* ( */) return;
  // The closing parenthesis is almost always the value's last character: look back from there.
  let close = end - 1;
  while (close > numEnd && text.charCodeAt(close) !== 41 /* ) */) close--;
  if (close <= numEnd) return;
  if (codeAt(text, numEnd + 1) === 60 /* < */) {
    // Tags are one or two characters (FORMAT.md §3.1): no search needed.
    const tagEnd = codeAt(text, numEnd + 3) === 62 /* > */ ? numEnd + 3 : codeAt(text, numEnd + 4) === 62 ? numEnd + 4 : findInLine(text, 62 /* > */, numEnd + 2);
    if (tagEnd > 0 && tagEnd < close) {
      event.fdTag = text.slice(numEnd + 2, tagEnd);
      // Only a socket's name matters to the model (`<u>`, `<4t>`, `<6u>`...); a file's path is
      // left in the text rather than copied out for every read and write.
      const kind = text.charCodeAt(numEnd + 2);
      if (kind === 117 /* u */ || kind === 52 /* 4 */ || kind === 54 /* 6 */) event.fdName = text.slice(tagEnd + 1, close);
    }
  } else if (event.fd < 0) {
    event.errno = text.slice(numEnd + 1, close);
  }
}

/** Reads `res=699`, `res=-32(EPIPE)`, `res=0(<f>/dev/null)` (fd-returning calls). */
function readRes(text: string, start: number, end: number, event: TraceEvent): void {
  const numEnd = scanInt(text, start);
  if (numEnd < 0) return;
  event.res = scannedInt;
  event.resCol = start;
  if (event.res < 0 && codeAt(text, numEnd) === 40 /* ( */) {
    const close = findInLine(text, 41 /* ) */, numEnd);
    if (close > 0 && close <= end) event.errno = text.slice(numEnd + 1, close);
  }
}


/** A column range on a line: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** Where each part of an event line is, for an editor to point at. */
export interface EventSpans {
  process: Span;
  tid: Span;
  type: Span;
  /** The value of each `name=value` parameter, by name (the first one of a name). */
  params: Map<string, Span>;
}

/**
 * The columns of every part of an event line, computed on demand (the analysis keeps only the
 * fd, res and syscall columns of the calls it retains). For
 *   `89045 07:12:54.259748834 6 uwsgi (20882) < read res=699 data=..........HTTP_HOST127.0.0.1..`
 * it gives process 26–31, tid 33–38, type 42–46, res 51–54 and data 60 to the end. The payload
 * is free text, so `data=` spans min(res, 80) characters when that is where it ends (FORMAT.md
 * §3.6), else up to the next parameter.
 */
export function eventSpans(raw: string): EventSpans | undefined {
  if (raw.indexOf('\x1b') >= 0) return undefined;
  const event = parseSysdigLine(raw, 0, undefined, undefined, true);
  if (!event) return undefined;
  const space = raw.indexOf(' ', event.typeCol);
  const typeEnd = space < 0 ? raw.length : space;
  // The header is `... name (TID) > type`: walk back from the direction to the parentheses.
  const tidEnd = event.typeCol - 4;
  const tidStart = raw.lastIndexOf('(', tidEnd) + 1;
  const nameEnd = tidStart - 2;
  let nameStart = 0;
  for (let spaces = 0; nameStart < raw.length && spaces < 3; nameStart++) if (raw.charCodeAt(nameStart) === SPACE) spaces++;
  const params = new Map<string, Span>();
  let pos = typeEnd + 1;
  while (pos < raw.length) {
    const eq = raw.indexOf('=', pos);
    if (eq < 0) break;
    const name = raw.slice(pos, eq);
    let end = nextParamStart(raw, eq + 1);
    if (name === 'data' && event.res !== undefined && event.res >= 0) {
      const cut = eq + 1 + Math.min(event.res, 80);
      if (cut <= raw.length && (cut === raw.length || raw.charCodeAt(cut) === SPACE)) end = cut;
    }
    if (!params.has(name)) params.set(name, { start: eq + 1, end });
    pos = end + 1;
  }
  return {
    process: { start: nameStart, end: nameEnd },
    tid: { start: tidStart, end: tidEnd },
    type: { start: event.typeCol, end: typeEnd },
    params,
  };
}

// LID-DS records its captures with a custom format (FORMAT.md §10):
//   sysdig -v -b -p "%evt.rawtime %user.uid %proc.pid %proc.name %thread.tid %syscall.type %evt.dir %evt.args"
// The parameters are sysdig's, so they are read as above; the header is different.
const LIDDS_HEADER = /^(\d+)(\d{9}) -?\d+ (\d+) (.+?) (\d+) ([a-z_0-9<>]+) ([<>])(?: |$)/;

/**
 * Parses a line of the LID-DS format, e.g.
 *   `1631078878496797197 33 2902778 apache2 2902778 writev < res=-32(EPIPE) data=FQMDABokO4Jz9bPHZuxEr/YrSMelMX30Ap7uwWok4A== `
 * It has no event number (the 1-based line stands in) but it has the pid.
 */
export function parseLiddsLine(text: string, line: number, into?: TraceEvent): TraceEvent | undefined {
  const match = LIDDS_HEADER.exec(text);
  if (!match) return undefined;
  lineEnd = text.length;
  const event = into ?? newTraceEvent();
  const seconds = Number(match[1]);
  const typeCol = match[0].length - match[7].length - match[6].length - (match[0].endsWith(' ') ? 2 : 1);
  event.line = line;
  event.num = line + 1;
  event.time = (seconds % 86400) * 1e9 + Number(match[2]);
  event.process = match[4];
  event.tid = Number(match[5]);
  event.pid = Number(match[3]);
  event.exit = match[7] === '<';
  event.type = match[6];
  event.typeCol = typeCol;
  readInfo(text, match[0].length, event, false);
  return event;
}

/**
 * Parses a line of `sysdig -j` output, one JSON object per event with sysdig's own fields, e.g.
 *   `{"evt.cpu":0,"evt.dir":"<","evt.info":"res=1 ","evt.num":53,"evt.outputtime":1512416671719834330,"evt.type":"epoll_wait","proc.name":"nginx","thread.tid":15259}`
 * `evt.info` is the default format's parameter list, so it is read as above. Columns point
 * into the JSON line (exact up to the first escaped character of the info, which in practice
 * comes only in the payload, after the fd and the result).
 */
export function parseJsonLine(text: string, line: number, into?: TraceEvent): TraceEvent | undefined {
  if (!text.startsWith('{"evt.')) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const info = record['evt.info'];
  const type = record['evt.type'];
  const dir = record['evt.dir'];
  const tid = record['thread.tid'];
  if (typeof info !== 'string' || typeof type !== 'string' || (dir !== '>' && dir !== '<') || typeof tid !== 'number') return undefined;
  // evt.outputtime is integer ns since the epoch: more digits than a double holds, so it is
  // read from the text, the last nine digits being the nanoseconds.
  const time = /"evt\.outputtime":(\d+)(\d{9})/.exec(text);
  const event = into ?? newTraceEvent();
  event.line = line;
  event.num = typeof record['evt.num'] === 'number' ? record['evt.num'] : line + 1;
  event.time = time ? (Number(time[1]) % 86400) * 1e9 + Number(time[2]) : NaN;
  event.process = typeof record['proc.name'] === 'string' ? record['proc.name'] : '';
  event.tid = tid;
  event.pid = undefined;
  event.exit = dir === '<';
  event.type = type;
  event.typeCol = 0;
  lineEnd = info.length;
  readInfo(info, 0, event, false);
  const infoAt = text.indexOf('"evt.info":"') + 12;
  const typeAt = text.indexOf('"evt.type":"') + 12;
  event.typeCol = typeAt >= 12 ? typeAt : 0;
  if (event.fdCol >= 0) event.fdCol += infoAt;
  if (event.resCol >= 0) event.resCol += infoAt;
  return event;
}
