// AssemblyScript, compiled to WebAssembly by scripts/build.mjs (`asc`): the CLI's line scanner.
//
// It does for bytes what sysdigParser.ts's parseSpan does for a string, field for field, so
// the CLI can analyse a dump without turning it into strings first: it cuts the bytes the
// CLI hands it into lines and writes one record of numbers per line (byteScanner.ts reads
// them). Names, syscall types, fd tags, socket names and errnos become ids in one intern
// table, so a name seen on 10 000 lines is decoded into a string once.
//
// sysdigParser.ts stays the reference: the language server and every line this scanner does
// not recognise (continuation lines, colour codes, other formats) go through it, and
// test/unit/byteScanner.test.ts checks both give the same analysis on every fixture.
// Numbers are f64 with the same arithmetic as the JavaScript parser, so even a 20-digit
// event number comes out the same double.

import {
  RECORD_BYTES, RECORD_CAP, D_NUM, D_TIME, D_TID, D_PID, D_FD, D_RES, D_SIZE, I_KIND, I_START, I_END, I_EXIT,
  I_TYPE, I_TYPE_COL, I_PROCESS, I_FD_COL, I_TAG, I_FD_NAME, I_RES_COL, I_ERRNO, I_TUPLE_START, I_TUPLE_END,
  I_OPEN, I_DATA_COL, FULL_PARAM_TYPES, ENTER_TIME_TYPES, TUPLE_AFTER_DATA_TYPES,
} from './shared';

// ---- Memory layout (fixed at start; the module never allocates) ----

/** The longest line the analysis accepts (analyzer.ts MAX_LINE_LENGTH) plus one read. */
const IN_CAP: i32 = (1 << 20) + (1 << 18);
const SLOT_BITS: i32 = 17;
const SLOTS: i32 = 1 << SLOT_BITS;
/** Intern entries before the table starts over (at a scan boundary, see scan()). */
const ENTRY_CAP: i32 = 1 << 16;
const ARENA_CAP: i32 = 1 << 21;

let inBase: usize = 0;
let recordBase: usize = 0;
let slotBase: usize = 0;
let entryBase: usize = 0;
let arenaBase: usize = 0;
/** printablePayload's answer: up to PAYLOAD_CAP bytes, then as many `known` flags. */
let payloadBase: usize = 0;
const PAYLOAD_CAP: i32 = 128;
let arenaUsed: i32 = 0;
let entryCount: i32 = 0;

/** Where the next scan should start: the byte after the last complete line it handled. */
let consumed: i32 = 0;
/** Set when scan() emptied the intern table: the caller must forget its id → string map. */
let internReset: i32 = 0;
/** Set when a name of the current line found the intern table full. */
let internFull = false;

export function init(): void {
  let base = (__heap_base + 15) & ~15;
  inBase = base;
  base += IN_CAP + 16;
  recordBase = base;
  base += <usize>(RECORD_CAP * RECORD_BYTES);
  slotBase = base;
  base += <usize>(SLOTS * 4);
  entryBase = base;
  base += <usize>(ENTRY_CAP * 12);
  arenaBase = base;
  base += <usize>ARENA_CAP + 16;
  payloadBase = base;
  base += <usize>(PAYLOAD_CAP * 2);
  const pages = <i32>((base + 0xffff) >> 16);
  const have = memory.size();
  if (pages > have) memory.grow(pages - have);
  clearIntern();
}

export function inputOffset(): usize { return inBase; }
export function inputCapacity(): i32 { return IN_CAP; }
export function recordOffset(): usize { return recordBase; }
export function arenaOffset(): usize { return arenaBase; }
export function payloadOffset(): usize { return payloadBase; }
export function consumedBytes(): i32 { return consumed; }
export function internWasReset(): i32 { return internReset; }
/** The arena offset and length of intern entry `id`, for the caller to decode once. */
export function entryStart(id: i32): i32 { return load<i32>(entryBase + <usize>id * 12); }
export function entryLength(id: i32): i32 { return load<i32>(entryBase + <usize>id * 12 + 4); }
/** The entry is a syscall whose whole parameter list the model reads (its flags' bit 0). */
function entryFull(id: i32): bool { return (load<i32>(entryBase + <usize>id * 12 + 8) & 1) != 0; }
/** The entry is close or shutdown, whose enter time the model keeps (its flags' bit 1). */
function entryCloses(id: i32): bool { return (load<i32>(entryBase + <usize>id * 12 + 8) & 2) != 0; }
/** The entry is recvfrom or recvmsg, whose exit prints a tuple after its payload (its flags' bit 2). */
function entryTupleAfterData(id: i32): bool { return (load<i32>(entryBase + <usize>id * 12 + 8) & 4) != 0; }

// ---- Record fields, read by byteScanner.ts: their layout is in shared.ts ----

const SPACE: i32 = 32;
const MINUS: i32 = 45;

// ---- The line being parsed (absolute addresses) ----
let lineEnd: usize = 0;
let scannedInt: f64 = 0;
let record: usize = 0;

@inline function putDouble(field: i32, value: f64): void {
  store<f64>(record + (<usize>field << 3), value);
}

@inline function putInt(field: i32, value: i32): void {
  store<i32>(record + (<usize>field << 2), value);
}

@inline function getInt(field: i32): i32 {
  return load<i32>(record + (<usize>field << 2));
}

@inline function codeAt(i: usize): i32 {
  return i < lineEnd ? <i32>load<u8>(i) : -1;
}

@inline function isDigit(c: i32): bool {
  return c >= 48 && c <= 57;
}

/** The first `c` in [from, lineEnd), or -1: String.indexOf bounded to the line. */
function find(c: i32, from: usize): isize {
  // Sixteen bytes a step. A step may read past the line (the input area is followed by
  // more memory); bits past lineEnd are masked off, so only the line can match.
  const needle = i8x16.splat(<i8>c);
  for (let p = from; p < lineEnd; p += 16) {
    let mask = i8x16.bitmask(i8x16.eq(v128.load(p), needle));
    const left = lineEnd - p;
    if (left < 16) mask &= (1 << <i32>left) - 1;
    if (mask != 0) return <isize>(p + <usize>ctz(mask));
  }
  return -1;
}

/** The first ` (` wholly inside the line, from `from`. */
function findSpaceParen(from: usize): isize {
  for (let sp = find(SPACE, from); sp >= 0; sp = find(SPACE, <usize>sp + 1)) {
    if (<usize>sp + 1 >= lineEnd) return -1;
    if (load<u8>(<usize>sp + 1) == 40) return sp;
  }
  return -1;
}

// `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE)`: reads `-?\d+` at pos
// into scannedInt; returns the end, or -1 when there is no number (sysdigParser.ts scanInt).
function scanInt(pos: usize): isize {
  let i = pos;
  let negative = false;
  if (codeAt(i) == MINUS) {
    negative = true;
    i++;
  }
  const digitsStart = i;
  // Integers up to 15 digits are exact in both i64 and f64, so summing in i64 gives the very
  // double the JavaScript parser computes; from the 16th digit on, f64 steps as it does.
  // Every line has three to six numbers: the first loop is bounded once, not per byte, and
  // tells a digit with one unsigned comparison.
  const limit = min(lineEnd, digitsStart + 15);
  let whole: i64 = 0;
  while (i < limit) {
    const digit = <u32>load<u8>(i) - 48;
    if (digit > 9) break;
    whole = whole * 10 + <i64>digit;
    i++;
  }
  let value = <f64>whole;
  let c = codeAt(i);
  while (isDigit(c)) {
    value = value * 10 + <f64>(c - 48);
    c = codeAt(++i);
  }
  scannedInt = negative ? -value : value;
  return i > digitsStart ? <isize>i : -1;
}

// `07:12:54.260023713` at `at`, separators checked: ns modulo one day, or NaN (sysdigParser.ts fixedTime).
function fixedTime(at: usize): f64 {
  let seconds: f64 = 0;
  let nanos: f64 = 0;
  for (let k = 0; k < 18; k++) {
    if (k == 2 || k == 5 || k == 8) continue;
    const d = <i32>load<u8>(at + <usize>k) - 48;
    if (d < 0 || d > 9) return NaN;
    if (k < 2) seconds = seconds * 10 + <f64>d;
    else if (k < 5) seconds = k == 3 ? seconds * 6 + <f64>d : seconds * 10 + <f64>d;
    else if (k < 8) seconds = k == 6 ? seconds * 6 + <f64>d : seconds * 10 + <f64>d;
    else nanos = nanos * 10 + <f64>d;
  }
  return (seconds % 86400) * 1e9 + nanos;
}

// ---- The intern table: one id per distinct byte string ----

/** The ids of the last line's syscall name and process name, for internLike (-1: none). */
let lastType: i32 = -1;
let lastProcess: i32 = -1;

function clearIntern(): void {
  memory.fill(slotBase, 0xff, <usize>(SLOTS * 4));
  entryCount = 0;
  arenaUsed = 0;
  lastType = -1;
  lastProcess = -1;
}

/** Whether the `length` bytes at `start` are one of the names of `list` (a shared.ts name list). */
function inList(list: string, start: usize, length: i32): bool {
  const chars = changetype<usize>(list);
  const count = list.length;
  // The list is UTF-16 in memory: compare each name's characters with the line's bytes.
  for (let i = 0; i + length + 1 < count; i++) {
    if (load<u16>(chars + (<usize>i << 1)) != SPACE || load<u16>(chars + (<usize>(i + length + 1) << 1)) != SPACE) continue;
    let same = true;
    for (let k = 0; k < length; k++) {
      if (<i32>load<u16>(chars + (<usize>(i + 1 + k) << 1)) != <i32>load<u8>(start + <usize>k)) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  return false;
}

/** Whether the `length` bytes at a and b are the same, eight at a time. */
function sameBytes(a: usize, b: usize, length: i32): bool {
  let i = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  if (i == length) return true;
  // The last 1-7 bytes as one masked word, as intern() hashes them.
  const mask = (<u64>1 << (<u64>(length - i) << 3)) - 1;
  return (load<u64>(a + <usize>i) & mask) == (load<u64>(b + <usize>i) & mask);
}

/** The id of the bytes [start, end), adding them to the table the first time; -1 if it is full. */
function intern(start: usize, end: usize): i32 {
  const length = <i32>(end - start);
  // Eight bytes a step: socket names are 40-70 bytes and come on most lines.
  let hash: u64 = 0x9e3779b97f4a7c15 ^ <u64>length;
  let i = start;
  for (; i + 8 <= end; i += 8) hash = (hash ^ load<u64>(i)) * 0x100000001b3;
  // The last 1-7 bytes in one step: a whole word, the bytes past the end masked off (the
  // word stays inside memory: every area is followed by another, the arena by padding).
  if (i < end) hash = (hash ^ (load<u64>(i) & ((<u64>1 << (<u64>(end - i) << 3)) - 1))) * 0x100000001b3;
  hash ^= hash >> 29;
  let slot = <i32>(hash ^ (hash >> 32)) & (SLOTS - 1);
  while (true) {
    const id = load<i32>(slotBase + (<usize>slot << 2));
    if (id < 0) break;
    const entry = entryBase + <usize>id * 12;
    if (load<i32>(entry + 4) == length && sameBytes(arenaBase + <usize>load<i32>(entry), start, length)) return id;
    slot = (slot + 1) & (SLOTS - 1);
  }
  if (entryCount >= ENTRY_CAP || arenaUsed + length > ARENA_CAP) {
    internFull = true;
    return -1;
  }
  const id = entryCount++;
  memory.copy(arenaBase + <usize>arenaUsed, start, <usize>length);
  const entry = entryBase + <usize>id * 12;
  store<i32>(entry, arenaUsed);
  store<i32>(entry + 4, length);
  // Most new entries are socket and process names: one look in the full list rules them out
  // (the two short lists are part of it, see shared.ts).
  store<i32>(entry + 8, !inList(FULL_PARAM_TYPES, start, length) ? 0
    : 1 | (inList(ENTER_TIME_TYPES, start, length) ? 2 : 0) | (inList(TUPLE_AFTER_DATA_TYPES, start, length) ? 4 : 0));
  arenaUsed += length;
  store<i32>(slotBase + (<usize>slot << 2), id);
  return id;
}

/**
 * intern() for a name that is often the previous line's: a thread's exit follows its enter,
 * and one process writes many lines in a row. That entry is compared first, with no hash.
 */
function internLike(start: usize, end: usize, previous: i32): i32 {
  if (previous >= 0) {
    const entry = entryBase + <usize>previous * 12;
    const length = <i32>(end - start);
    if (load<i32>(entry + 4) == length && sameBytes(arenaBase + <usize>load<i32>(entry), start, length)) return previous;
  }
  return intern(start, end);
}

// ---- Parameters (sysdigParser.ts readInfo and what it calls) ----

// `fd=13(<u>ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket) tuple=...`: where the
// value starting at `from` ends (the next ` name=`, or the line's end without its trailing space).
function nextParamStart(from: usize): usize {
  let sp = find(SPACE, from);
  while (sp >= 0) {
    let j = <usize>sp + 1;
    let c = codeAt(j);
    while ((c >= 97 && c <= 122) || isDigit(c) || c == 95) c = codeAt(++j);
    if (c == 61 && j > <usize>sp + 1) return <usize>sp;
    sp = find(SPACE, <usize>sp + 1);
  }
  let end = lineEnd;
  if (codeAt(end - 1) == SPACE) end--;
  return end;
}

const PARAM_OTHER = 0;
const PARAM_FD = 1;
const PARAM_RES = 2;
const PARAM_SIZE = 3;
const PARAM_TUPLE = 4;
const PARAM_PID = 5;
const PARAM_DATA = 6;

@inline function byteAt(i: usize): i32 {
  return <i32>load<u8>(i);
}

// `res` in `< read res=699 data=...`: which parameter the name [start, end) is.
function paramName(start: usize, end: usize): i32 {
  const c = byteAt(start);
  switch (<i32>(end - start)) {
    case 2: return c == 102 && byteAt(start + 1) == 100 ? PARAM_FD : PARAM_OTHER;
    case 3:
      if (c == 114) return byteAt(start + 1) == 101 && byteAt(start + 2) == 115 ? PARAM_RES : PARAM_OTHER;
      return c == 112 && byteAt(start + 1) == 105 && byteAt(start + 2) == 100 ? PARAM_PID : PARAM_OTHER;
    case 4:
      if (c == 100) return byteAt(start + 1) == 97 && byteAt(start + 2) == 116 && byteAt(start + 3) == 97 ? PARAM_DATA : PARAM_OTHER;
      return c == 115 && byteAt(start + 1) == 105 && byteAt(start + 2) == 122 && byteAt(start + 3) == 101 ? PARAM_SIZE : PARAM_OTHER;
    case 5:
      return c == 116 && byteAt(start + 1) == 117 && byteAt(start + 2) == 112 && byteAt(start + 3) == 108 && byteAt(start + 4) == 101 ? PARAM_TUPLE : PARAM_OTHER;
    case 6:
      return c == 111 && byteAt(start + 1) == 117 && byteAt(start + 2) == 116 && byteAt(start + 3) == 95 && byteAt(start + 4) == 102 && byteAt(start + 5) == 100 ? PARAM_FD : PARAM_OTHER;
    default: return PARAM_OTHER;
  }
}

// `26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)`, `3(<u>)`, `3`, `-2(ENOENT)`.
function readFd(start: usize, end: usize, lineStart: usize): void {
  const numEnd = scanInt(start);
  if (numEnd < 0) return;
  const fd = scannedInt;
  putDouble(D_FD, fd);
  putInt(I_FD_COL, <i32>(start - lineStart));
  const n = <usize>numEnd;
  if (codeAt(n) != 40) return;
  let close = end - 1;
  while (close > n && byteAt(close) != 41) close--;
  if (close <= n) return;
  if (codeAt(n + 1) == 60) {
    let tagEnd: isize;
    if (codeAt(n + 3) == 62) tagEnd = <isize>(n + 3);
    else if (codeAt(n + 4) == 62) tagEnd = <isize>(n + 4);
    else tagEnd = find(62, n + 2);
    if (tagEnd > 0 && <usize>tagEnd < close) {
      putInt(I_TAG, intern(n + 2, <usize>tagEnd));
      const kind = byteAt(n + 2);
      if (kind == 117 || kind == 52 || kind == 54) putInt(I_FD_NAME, intern(<usize>tagEnd + 1, close));
    }
  } else if (fd < 0) {
    putInt(I_ERRNO, intern(n + 1, close));
  }
}

// `res=699`, `res=-32(EPIPE)`, `res=0(<f>/dev/null)`.
function readRes(start: usize, end: usize, lineStart: usize): void {
  const numEnd = scanInt(start);
  if (numEnd < 0) return;
  const res = scannedInt;
  putDouble(D_RES, res);
  putInt(I_RES_COL, <i32>(start - lineStart));
  const n = <usize>numEnd;
  if (res < 0 && codeAt(n) == 40) {
    for (let close = n; close < end; close++) {
      if (byteAt(close) == 41) {
        putInt(I_ERRNO, intern(n + 1, close));
        return;
      }
    }
  }
}

// `fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s queuepct=0`:
// the parameters of an event the model reads, up to `data=`.
function readParams(start: usize, lineStart: usize, tupleAfterData: bool): void {
  let pos = start;
  while (pos < lineEnd) {
    const eq = find(61, pos);
    if (eq < 0) return;
    const name = paramName(pos, <usize>eq);
    if (name == PARAM_DATA) {
      putInt(I_DATA_COL, <i32>(<usize>eq + 1 - lineStart));
      if (tupleAfterData) readTupleAfterData(<usize>eq + 1, lineStart);
      return;
    }
    const valueStart = <usize>eq + 1;
    const valueEnd = nextParamStart(valueStart);
    if (name == PARAM_FD) {
      if (getInt(I_FD_COL) < 0) readFd(valueStart, valueEnd, lineStart);
    } else if (name == PARAM_RES) {
      readRes(valueStart, valueEnd, lineStart);
    } else if (name == PARAM_SIZE) {
      if (scanInt(valueStart) > 0) putDouble(D_SIZE, scannedInt);
    } else if (name == PARAM_TUPLE) {
      putInt(I_TUPLE_START, <i32>(valueStart - lineStart));
      putInt(I_TUPLE_END, <i32>(valueEnd - lineStart));
    } else if (name == PARAM_PID) {
      if (scanInt(valueStart) > 0) putDouble(D_PID, scannedInt);
    }
    pos = valueEnd + 1;
  }
}

// `< recvfrom res=188 data=.......tickets.ticket-generator.svc.clu tuple=100.64.0.10:53->0.0.0.0:55658 `:
// the sender's tuple after the payload, looked for from the line's end (sysdigParser.ts readTupleAfterData).
function readTupleAfterData(dataStart: usize, lineStart: usize): void {
  let end = lineEnd;
  if (codeAt(end - 1) == SPACE) end--;
  if (end < dataStart + 7) return;
  for (let at = end - 7; at >= dataStart; at--) {
    // " tuple=" as the bytes 20 74 75 70 6c 65 3d.
    if (load<u32>(at) == 0x70757420 && load<u16>(at + 4) == 0x656c && load<u8>(at + 6) == 61) {
      putInt(I_TUPLE_START, <i32>(at + 7 - lineStart));
      putInt(I_TUPLE_END, <i32>(end - lineStart));
      return;
    }
  }
}

// ---- One line ----

// `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ `:
// fills the record at `record` and returns true, or returns false for a line this scanner
// leaves to the JavaScript parser (sysdigParser.ts parseSpan, which it mirrors).
function parseLine(base: usize): bool {
  internFull = false;
  const numEnd = scanInt(base);
  if (numEnd <= <isize>base || codeAt(<usize>numEnd) != SPACE || codeAt(base) == MINUS) return false;
  putDouble(D_NUM, scannedInt);
  const timeStart = <usize>numEnd + 1;
  let i = timeStart;
  let seconds: f64 = 0;
  let field: f64 = 0;
  let nanos: f64 = 0;
  let sawDot = false;
  const fixedLayout = codeAt(i + 2) == 58 && codeAt(i + 5) == 58 && codeAt(i + 8) == 46 && codeAt(i + 18) == SPACE;
  if (fixedLayout) i += 18;
  else {
    let c = codeAt(i);
    while (true) {
      if (isDigit(c)) {
        if (sawDot) nanos = nanos * 10 + <f64>(c - 48);
        else field = field * 10 + <f64>(c - 48);
      } else if (c == 58 && !sawDot) {
        seconds = seconds * 60 + field;
        field = 0;
      } else if (c == 46 && !sawDot) {
        seconds = seconds * 60 + field;
        sawDot = true;
      } else break;
      c = codeAt(++i);
    }
  }
  if (i == timeStart || codeAt(i) != SPACE) return false;
  const cpuEnd = scanInt(i + 1);
  if (cpuEnd < 0 || codeAt(<usize>cpuEnd) != SPACE) return false;
  const nameStart = <usize>cpuEnd + 1;
  let open = findSpaceParen(nameStart);
  let tid: f64 = 0;
  let pid: f64 = NaN;
  let dirPos: isize = -1;
  while (open >= 0) {
    const tidStart = <usize>open + 2;
    let tidEnd = scanInt(tidStart);
    if (tidEnd > 0) {
      tid = scannedInt;
      let pidValue: f64 = NaN;
      if (codeAt(<usize>tidEnd) == 46) {
        const realTidEnd = scanInt(<usize>tidEnd + 1);
        if (realTidEnd > 0) {
          pidValue = tid;
          tid = scannedInt;
          tidEnd = realTidEnd;
        }
      } else if (codeAt(<usize>tidEnd) == 58) {
        // Within 12 bytes only, as sysdigParser.ts: not to the line's end for every ` (1:`.
        const limit = min(lineEnd, <usize>tidEnd + 13);
        for (let close = <usize>tidEnd + 1; close < limit; close++) {
          if (byteAt(close) == 41) {
            tidEnd = <isize>close;
            break;
          }
        }
      }
      const t = <usize>tidEnd;
      const d = codeAt(t + 2);
      if (codeAt(t) == 41 && codeAt(t + 1) == SPACE && (d == 62 || d == 60) && codeAt(t + 3) == SPACE) {
        pid = pidValue;
        dirPos = <isize>(t + 2);
        break;
      }
    }
    open = findSpaceParen(<usize>open + 1);
  }
  if (dirPos < 0 || open == <isize>nameStart - 1) return false;
  const typeCol = <usize>dirPos + 2;
  let typeEnd = find(SPACE, typeCol);
  if (typeEnd < 0) typeEnd = <isize>lineEnd;
  if (<usize>typeEnd == typeCol) return false;
  const type = internLike(typeCol, <usize>typeEnd, lastType);
  const process = internLike(nameStart, <usize>open, lastProcess);
  lastType = type;
  lastProcess = process;
  if (internFull) return false;
  // Like the JavaScript parser, the default layout's digits are read only where the model keeps
  // a time: close and shutdown enters, and failed calls (below, once the errno is known).
  const exit = codeAt(<usize>dirPos) == 60;
  putDouble(D_TIME, fixedLayout ? (!exit && entryCloses(type) ? fixedTime(timeStart) : NaN) : sawDot ? (seconds % 86400) * 1e9 + nanos : NaN);
  putDouble(D_TID, tid);
  putDouble(D_PID, pid);
  putInt(I_EXIT, exit ? 1 : 0);
  putInt(I_TYPE, type);
  putInt(I_TYPE_COL, <i32>(typeCol - base));
  putInt(I_PROCESS, process);
  putDouble(D_FD, NaN);
  putInt(I_FD_COL, -1);
  putInt(I_TAG, -1);
  putInt(I_FD_NAME, -1);
  putDouble(D_RES, NaN);
  putInt(I_RES_COL, -1);
  putInt(I_ERRNO, -1);
  putDouble(D_SIZE, NaN);
  putInt(I_TUPLE_START, -1);
  putInt(I_TUPLE_END, -1);
  putInt(I_DATA_COL, -1);
  const infoStart = <usize>typeEnd + 1;
  if (infoStart < lineEnd) {
    if (entryFull(type)) readParams(infoStart, base, exit && entryTupleAfterData(type));
    else if (codeAt(infoStart) == 102 && codeAt(infoStart + 1) == 100 && codeAt(infoStart + 2) == 61) {
      readFd(infoStart + 3, nextParamStart(infoStart + 3), base);
    }
  }
  if (fixedLayout && getInt(I_ERRNO) >= 0) putDouble(D_TIME, fixedTime(timeStart));
  // An intern table that filled up mid-line gave no id for a name: JavaScript reads the line.
  return !internFull;
}

/**
 * The first `\n` or `\r` in [from, end), or end: sixteen bytes a step. A `\r` ends a line
 * too when no `\n` follows it (old Mac line ends, which VS Code counts as line breaks).
 */
function findLineBreak(from: usize, end: usize): usize {
  const newline = i8x16.splat(10);
  const cr = i8x16.splat(13);
  let p = from;
  for (; p + 16 <= end; p += 16) {
    const bytes = v128.load(p);
    const mask = i8x16.bitmask(v128.or(i8x16.eq(bytes, newline), i8x16.eq(bytes, cr)));
    if (mask != 0) return p + <usize>ctz(mask);
  }
  while (p < end && load<u8>(p) != 10 && load<u8>(p) != 13) p++;
  return p;
}

/** sysdig's printable form keeps at most this many bytes (payload.ts PRINTABLE_LIMIT). */
const PRINTABLE_LIMIT: i32 = 80;

// `res=141 data=GET /api HTTP/1.1..Host: a..`: the payload of a read or write's exit line in
// sysdig's printable form, from the bytes [from, to) of the input area (the line from its res=
// value on, at most PAYLOAD_CAP bytes), read as payload.ts sysdigPayload reads that text: the
// bytes after the first ` data=`, min(moved, 80) of them, and `known` 2 for a `.`, 0 above 126,
// else 1. Writes them at payloadOffset() and the flags PAYLOAD_CAP bytes further; returns how
// many, or -1 when there is no ` data=` or its value is on the next lines (-x, -X, -A).
export function printablePayload(from: i32, to: i32, moved: f64): i32 {
  const first = inBase + <usize>from;
  const last = inBase + <usize>to;
  let start: usize = 0;
  for (let p = first; p + 6 <= last; p++) {
    // " data=" as the bytes 20 64 61 74 61 3d.
    if (load<u32>(p) == 0x74616420 && load<u16>(p + 4) == 0x3d61) {
      start = p + 6;
      break;
    }
  }
  if (start == 0 || start == last) return -1;
  // sysdig prints exactly min(res, 80) characters; the line may hold fewer (a damaged line).
  let end = start + <usize>(<i32>min(moved, <f64>PRINTABLE_LIMIT));
  if (end > last) {
    end = last;
    while (end > start && load<u8>(end - 1) == SPACE) end--;
  }
  // With a snaplen above 80, sysdig prints 77 bytes and `...`, which are not payload.
  if (moved > <f64>PRINTABLE_LIMIT && end - start == <usize>PRINTABLE_LIMIT
    && load<u8>(end - 3) == 46 && load<u8>(end - 2) == 46 && load<u8>(end - 1) == 46) end -= 3;
  const count = <i32>(end - start);
  for (let k = 0; k < count; k++) {
    const code = <i32>load<u8>(start + <usize>k);
    store<u8>(payloadBase + <usize>k, <u8>code);
    store<u8>(payloadBase + <usize>(PAYLOAD_CAP + k), code == 46 ? 2 : code > 126 ? 0 : 1);
  }
  return count;
}

/**
 * Cuts the bytes [from, length) of the input area into lines and writes a record for each,
 * up to RECORD_CAP; returns the number written. With `final`, bytes after the last newline
 * are a line too (a dump whose last line was cut). consumedBytes() tells where to go on.
 */
export function scan(from: i32, length: i32, final: i32): i32 {
  internReset = 0;
  if (entryCount > ENTRY_CAP - 4096 || arenaUsed > ARENA_CAP - (1 << 19)) {
    // Socket names are the only unbounded kind: a long dump has millions of connections.
    // Emptying the table between scans is safe: the caller has already read every id.
    clearIntern();
    internReset = 1;
  }
  let pos = inBase + <usize>from;
  const end = inBase + <usize>length;
  let count = 0;
  while (count < RECORD_CAP && pos < end) {
    let nl = findLineBreak(pos, end);
    if (nl == end && !final) break;
    let stop = nl;
    if (nl < end && load<u8>(nl) == 13) {
      // `\r\n` ends the line at its `\n` (the record's end keeps the `\r`, as the JavaScript
      // path expects); a lone `\r` ends it there. Whether a `\n` follows is known only
      // once the next byte has been read.
      if (nl + 1 == end && !final) break;
      if (nl + 1 < end && load<u8>(nl + 1) == 10) nl++;
    }
    record = recordBase + <usize>(count * RECORD_BYTES);
    putInt(I_START, <i32>(pos - inBase));
    putInt(I_END, <i32>(nl - inBase));
    lineEnd = stop;
    // Short lines may be blank or a bare colour reset: the JavaScript path tells.
    // Longer than analyzer.ts MAX_LINE_LENGTH: skipped and counted there.
    let parsed = stop - pos >= 16 && stop - pos <= (1 << 20) && parseLine(pos);
    putInt(I_KIND, parsed ? 1 : 0);
    if (parsed) putInt(I_OPEN, byteAt(stop - 1) != SPACE ? 1 : 0);
    count++;
    pos = nl + 1;
  }
  consumed = <i32>(min(pos, end) - inBase);
  return count;
}
