// Parser for one line of sysdig's default text output (FORMAT.md §1-§3):
//   %evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
// It extracts only what the connection model needs (fd, res, size, tuple, pid) and the
// columns an editor points at; everything else stays in the document text, read on demand.

import type { TraceEvent } from './model';

// Syscalls whose whole parameter list matters. For any other event only a leading `fd=` is
// read, which is enough to attach fcntl/getsockopt/... on a socket to its connection.
const FULL_PARAM_TYPES = new Set([
  'connect', 'accept', 'accept4', 'close', 'shutdown', 'sendfile',
  'read', 'readv', 'pread', 'preadv', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg',
  'write', 'writev', 'pwrite', 'pwritev', 'send', 'sendto', 'sendmsg', 'sendmmsg',
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'getsockopt', 'setsockopt',
]);

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
  const length = text.length;
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

/** charCodeAt that answers -1 past the end instead of NaN, for the same reason. */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

// Terminal output (`sysdig -r x.scap` on a tty) wraps fields in colour escapes (FORMAT.md §1.1).
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

/**
 * Parses one event line, or returns undefined when the line is not an event (a continuation
 * line of `-A`/`-x` output, garbage). Handles lines like
 *   `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ `
 *   `1405 21:35:33.350505660 0 container:9dbcbd0c435f (-1) > container json={...}`
 *   `53 19:44:31.719834330 0 nginx (15259.15259) < epoll_wait res=1 ` (terminal form, colours stripped)
 */
export function parseSysdigLine(raw: string, line: number): TraceEvent | undefined {
  const text = raw.indexOf('\x1b') >= 0 ? raw.replace(ANSI_ESCAPE, '') : raw;
  // evt.num
  const numEnd = scanInt(text, 0);
  if (numEnd <= 0 || codeAt(text, numEnd) !== SPACE || codeAt(text, 0) === MINUS) return undefined;
  const num = scannedInt;
  // evt.outputtime: HH:MM:SS.nnnnnnnnn or, with -t a/r/d/D, seconds.nanoseconds.
  const timeStart = numEnd + 1;
  let i = timeStart;
  for (let c = codeAt(text, i); isDigit(c) || c === 58 /* : */ || c === 46 /* . */; c = codeAt(text, ++i));
  if (i === timeStart || codeAt(text, i) !== SPACE) return undefined;
  const timeEnd = i;
  // evt.cpu
  const cpuEnd = scanInt(text, timeEnd + 1);
  if (cpuEnd < 0 || codeAt(text, cpuEnd) !== SPACE) return undefined;
  // proc.name is free text (spaces, parentheses), so find the first ` (TID) > ` / ` (TID) < `
  // after it: the shortest name wins, as FORMAT.md's lazy `(.+?)` does.
  const nameStart = cpuEnd + 1;
  let open = text.indexOf(' (', nameStart);
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
      }
      const d = codeAt(text, tidEnd + 2);
      if (codeAt(text, tidEnd) === 41 /* ) */ && codeAt(text, tidEnd + 1) === SPACE
        && (d === 62 /* > */ || d === 60 /* < */) && codeAt(text, tidEnd + 3) === SPACE) {
        pid = pidValue;
        dirPos = tidEnd + 2;
        break;
      }
    }
    open = text.indexOf(' (', open + 1);
  }
  if (dirPos < 0 || open === nameStart - 1) return undefined;
  const typeCol = dirPos + 2;
  let typeEnd = text.indexOf(' ', typeCol);
  if (typeEnd < 0) typeEnd = text.length;
  if (typeEnd === typeCol) return undefined;
  const type = text.slice(typeCol, typeEnd);
  const event: TraceEvent = {
    line,
    num,
    time: text.slice(timeStart, timeEnd),
    process: text.slice(nameStart, open),
    tid,
    pid,
    exit: codeAt(text, dirPos) === 60,
    type,
    fdCol: -1,
    resCol: -1,
    typeCol,
  };
  const infoStart = typeEnd + 1;
  if (infoStart < text.length) {
    if (FULL_PARAM_TYPES.has(type)) readParams(text, infoStart, event);
    else if (text.startsWith('fd=', infoStart)) readFd(text, infoStart + 3, nextParamStart(text, infoStart + 3), event);
  }
  return event;
}

/**
 * Where the value starting at `from` ends: at the next ` name=` (FORMAT.md §2: no quoting, a
 * value runs until the next parameter name), or at the end of the line without its trailing space.
 */
function nextParamStart(text: string, from: number): number {
  let sp = text.indexOf(' ', from);
  while (sp >= 0) {
    let j = sp + 1;
    let c = codeAt(text, j);
    while ((c >= 97 && c <= 122) || isDigit(c) || c === 95 /* _ */) c = codeAt(text, ++j);
    if (c === 61 /* = */ && j > sp + 1) return sp;
    sp = text.indexOf(' ', sp + 1);
  }
  let end = text.length;
  if (codeAt(text, end - 1) === SPACE) end--;
  return end;
}

/**
 * Reads the `name=value` list of an event we model, e.g.
 *   `fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s queuepct=0`
 * It stops at `data=`: the payload is free text (it can hold ` x=`), and nothing the model
 * needs comes after it in sysdig 0.29 (byte counts come from `res=`, never from `data=`).
 */
function readParams(text: string, start: number, event: TraceEvent): void {
  let pos = start;
  while (pos < text.length) {
    const eq = text.indexOf('=', pos);
    if (eq < 0) return;
    const name = text.slice(pos, eq);
    if (name === 'data') return;
    const valueStart = eq + 1;
    const valueEnd = nextParamStart(text, valueStart);
    switch (name) {
      case 'fd':
      case 'out_fd':
        if (event.fdCol < 0) readFd(text, valueStart, valueEnd, event);
        break;
      case 'res':
        readRes(text, valueStart, valueEnd, event);
        break;
      case 'size': {
        if (scanInt(text, valueStart) > 0) event.size = scannedInt;
        break;
      }
      case 'tuple':
        event.tuple = text.slice(valueStart, valueEnd);
        break;
      case 'pid': {
        // `pid=22369(bash)` on clone/execve exits: ties this thread to its process.
        if (scanInt(text, valueStart) > 0) event.pid = scannedInt;
        break;
      }
    }
    pos = valueEnd + 1;
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
  const close = text.lastIndexOf(')', end - 1);
  if (close <= numEnd) return;
  if (codeAt(text, numEnd + 1) === 60 /* < */) {
    const tagEnd = text.indexOf('>', numEnd + 2);
    if (tagEnd > 0 && tagEnd < close) {
      event.fdTag = text.slice(numEnd + 2, tagEnd);
      event.fdName = text.slice(tagEnd + 1, close);
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
    const close = text.indexOf(')', numEnd);
    if (close > 0 && close <= end) event.errno = text.slice(numEnd + 1, close);
  }
}

