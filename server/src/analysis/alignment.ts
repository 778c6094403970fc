// Byte offsets of a connection the capture joined midway. Each end counts the bytes it moves
// from the first one seen, so the writer's offset x and the reader's offset x are the same
// byte only when both counts start at the stream's first byte. A direction is aligned:
//   by open     when its writer connected or accepted inside the capture: every byte it wrote
//               is in the capture, and so is every read of them (a read follows its write);
//   by payload  when exactly one shift of the writer's offsets makes the bytes sysdig printed
//               for its writes (`data=`) agree with those printed for the reads, and makes
//               no read return bytes before they were written, nor an end of file before
//               everything written was read;
//   by eof      when the reader's end of file fixes the shift (it read everything written)
//               and no payload says otherwise.
// Otherwise nothing is aligned and nothing is matched or claimed: never a guess.

import { type Connection, type Endpoint, type StreamAlignment, type Syscall, firstLine, peerOf, primaryLine, primaryNum } from './model';
import { type Payload, TextLines, readPayload } from './payload';

/** The payload of a read or write, when the dump shows it (see payload.ts). */
export type PayloadSource = (call: Syscall) => Payload | undefined;

/**
 * Whether a payload says where each of its bytes was: sysdig's printable form (80
 * characters, any unprintable byte a `.`), `-x`/`-X` hex rows and strace's strings do; `-A`
 * text that had to be guessed does not.
 */
export function positional(payload: Payload | undefined): Payload | undefined {
  return payload !== undefined && payload.form !== 'ascii' && payload.bytes.length > 0 ? payload : undefined;
}

/**
 * The payloads of a dump held in memory, read again from each call's lines: the language
 * server keeps the text anyway, so nothing is kept per call while analysing. The table of
 * line starts is built on the first question only (most dumps align by open).
 */
export function payloadsOfText(text: string): PayloadSource {
  let lines: TextLines | undefined;
  return (call) => {
    lines ??= new TextLines(text);
    return positional(readPayload(lines, call));
  };
}

// A byte tells something when it is certain (known 1, or no `known` at all) and not 0: a
// printable-form `.` (known 2) may stand for any unprintable byte, and zeros pad binary data.
// The loops below test this inline.

const BY_OPEN: StreamAlignment = Object.freeze({ by: 'open' as const, shift: 0 });

/** Payload characters compared at the winning shift that must carry information (not `.`). */
const MIN_TELLING = 8;
/**
 * Fewer are enough when a write and a read have the same bytes from start to end: the same
 * boundaries and the same length are evidence too (`........a=1&b=2`, FastCGI's 15-byte body).
 */
const MIN_TELLING_WHOLE = 4;
/** Length of the substrings that propose shifts, and how many of their characters must tell. */
const GRAM = 8;
const GRAM_TELLING = 4;
/** Calls of each side that propose shifts (every call is still checked against the winner). */
const PROPOSERS = 512;
/** A substring seen more often than this proposes nothing: it is too common to mean a place. */
const GRAM_CAP = 64;
/** Shifts checked in full; more plausible ones than this make the answer unsure. */
const CANDIDATE_CAP = 24;

/**
 * The alignment of the bytes `writer` sent to its peer, or undefined when they cannot be
 * matched to the peer's reads. Datagram sockets keep the rule of message order: both ends
 * must be opened inside the capture.
 */
export function alignmentOf(writer: Endpoint): StreamAlignment | undefined {
  const alignment = claimedAlignment(writer);
  return alignment === undefined || overRead(writer, alignment) > 0 ? undefined : alignment;
}

/** The alignment the opens or the evidence give, before the byte counts are checked against it. */
function claimedAlignment(writer: Endpoint): StreamAlignment | undefined {
  const reader = peerOf(writer);
  if (!reader) return undefined;
  if (writer.connection.datagram) return writer.opened !== undefined && reader.opened !== undefined ? BY_OPEN : undefined;
  if (writer.opened !== undefined) return BY_OPEN;
  return writer.alignment;
}

/**
 * Bytes the reader read past the end of what the writer wrote, under `alignment`: more than 0
 * and the dump contradicts the alignment, e.g. wget's `< recvfrom res=511` that peeked at
 * nginx's headers (MSG_PEEK; sysdig prints no flags) before `< read res=250` took them again.
 * A peek or a lost write shifts every offset after it, so no offset of the direction is
 * compared: alignmentOf gives nothing and contradictionOf says why.
 */
function overRead(writer: Endpoint, alignment: StreamAlignment): number {
  const reader = peerOf(writer)!;
  return readUpTo(reader, alignment.shift) - writer.bytesWritten;
}

/**
 * Why a direction that opened inside the capture, or that the evidence lined up, is not
 * aligned after all: how many bytes more the reader read than the writer wrote. Undefined
 * when nothing contradicts the alignment (or there is none).
 */
export function contradictionOf(writer: Endpoint): number | undefined {
  const alignment = claimedAlignment(writer);
  if (alignment === undefined) return undefined;
  const extra = overRead(writer, alignment);
  return extra > 0 ? extra : undefined;
}

/** Whether every direction of a two-ended connection that carried bytes is aligned, and how. */
export function connectionAlignment(connection: Connection): 'open' | 'payload' | undefined {
  if (connection.endpoints.length !== 2) return undefined;
  let by: 'open' | 'payload' = 'open';
  for (const writer of connection.endpoints) {
    const reader = peerOf(writer);
    if (reader === undefined) return undefined;
    const alignment = alignmentOf(writer);
    if (alignment === undefined) {
      if (writer.bytesWritten > 0 || reader.bytesRead > 0) return undefined;
    } else if (alignment.by !== 'open') by = 'payload';
  }
  return by;
}

/**
 * A direction's alignment looks at no more than this many writes and reads: a connection
 * joined midway that moves more is left unaligned. The CLI keeps that many of each (with
 * their payloads) while it cannot know yet whether it will need them.
 */
export const ALIGNMENT_CALLS = 1024;

/** What the alignment of one direction reads: the writer's writes and the reader's reads. */
export interface DirectionCalls {
  /** Successful writes of the writer, in offset order. */
  writes: Syscall[];
  /** Successful reads of the reader, in offset order. */
  reads: Syscall[];
  /** Every read call of the reader in dump order, with those that failed or saw end of file. */
  readCalls: Syscall[];
}

/**
 * Aligns, from the evidence in the capture, each direction of a stream connection whose writer
 * was not opened inside it. A post-pass over finished connections, called by the analyzer.
 * The language server gives every call of the connection and reads payloads from the text;
 * the CLI gives what it kept of each end (`Endpoint.sample`), the same calls when there are at
 * most ALIGNMENT_CALLS.
 */
export function alignConnection(connection: Connection, payloadOf: PayloadSource, sampled = false): void {
  if (connection.datagram || connection.endpoints.length !== 2 || connection.unknownPeer !== undefined) return;
  for (const writer of connection.endpoints) {
    if (writer.opened !== undefined || writer.alignment !== undefined) continue;
    const reader = peerOf(writer);
    if (reader === undefined) continue;
    const calls = sampled ? sampledCalls(writer, reader) : directionCalls(writer, reader);
    if (calls === undefined || calls.writes.length === 0 || calls.reads.length === 0) continue;
    writer.alignment = alignDirection(writer, reader, calls, payloadOf);
  }
}

function sampledCalls(writer: Endpoint, reader: Endpoint): DirectionCalls | undefined {
  if (writer.sample === undefined || reader.sample === undefined || writer.sample.full || reader.sample.full) return undefined;
  return { writes: writer.sample.writes, reads: reader.sample.reads, readCalls: reader.sample.readCalls };
}

function directionCalls(writer: Endpoint, reader: Endpoint): DirectionCalls | undefined {
  const connection = writer.connection;
  // Reads that returned before the writer's first event took bytes written before the
  // capture: no write can show them, and the CLI does not keep them (a connection whose peer
  // is never seen then costs it nothing), so they are left out here too.
  const late = (c: Syscall) => c.exitLine >= connection.pairedLine;
  const readCalls = connection.calls.filter((c) => c.endpoint === reader && c.role === 'read' && c.exitLine >= 0 && late(c));
  if (writer.writes.length > ALIGNMENT_CALLS || readCalls.length > ALIGNMENT_CALLS) return undefined;
  return { writes: writer.writes, reads: reader.reads.filter(late), readCalls };
}

/** A bound on the shift and the read that sets it (the evidence a hover names). */
interface Bound {
  shift: number;
  read: Syscall | undefined;
}

/**
 * The smallest shift that lets no read return a byte before a write was entered that could
 * hold it: a read ending at reader offset e, when the writes entered before it end at writer
 * offset w, needs e - shift <= w. Bytes written before the capture have negative writer
 * offsets, so a larger shift is never ruled out here.
 */
function lowestShift(writes: Syscall[], reads: Syscall[]): Bound {
  const entered = writes.map((w) => ({ line: firstLine(w), end: w.rangeEnd })).sort((a, b) => a.line - b.line);
  for (let i = 1; i < entered.length; i++) entered[i].end = Math.max(entered[i].end, entered[i - 1].end);
  const bound: Bound = { shift: -Infinity, read: undefined };
  let i = 0;
  for (const read of reads) {
    const line = primaryLine(read);
    // Reads are in dump order of their exits, so the writes entered before them only grow.
    while (i < entered.length && entered[i].line < line) i++;
    const written = i > 0 ? entered[i - 1].end : 0;
    if (read.rangeEnd - written > bound.shift) {
      bound.shift = read.rangeEnd - written;
      bound.read = read;
    }
  }
  return bound;
}

/**
 * The largest shift that lets every read that drained the stream have read what was written
 * before it began. A stream read that returns less than its buffer (`> read fd=5 size=4096`
 * then `< read res=703`), or EAGAIN, or end of file, found nothing more to read: every write
 * that had returned before it started was read by then. A write returns once its bytes are
 * queued at the reader (unix sockets; TCP on one host), so a reader offset e at such a read,
 * with the writes returned before it ending at writer offset w, needs e - shift >= w.
 * Measured on every connection of the corpus opened inside its capture: 806 such reads,
 * none against the rule.
 */
function highestShift(writes: Syscall[], readCalls: Syscall[]): Bound {
  const returned = writes.map((w) => ({ line: primaryLine(w), end: w.rangeEnd })).sort((a, b) => a.line - b.line);
  for (let i = 1; i < returned.length; i++) returned[i].end = Math.max(returned[i].end, returned[i - 1].end);
  const bound: Bound = { shift: Infinity, read: undefined };
  let readSoFar = 0;
  for (const call of readCalls) {
    let end: number | undefined;
    // `size=` is the buffer only on an enter (recvmsg prints the message's size on its exit).
    if (call.rangeStart >= 0 && call.enterLine >= 0 && call.size !== undefined && call.res! < call.size) end = call.rangeEnd;
    else if (call.errno === 'EAGAIN' || (call.res === 0 && call.errno === undefined)) end = readSoFar;
    if (call.rangeStart >= 0) readSoFar = call.rangeEnd;
    if (end === undefined) continue;
    const line = firstLine(call);
    let lo = 0;
    let hi = returned.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (returned[mid].line < line) lo = mid + 1;
      else hi = mid;
    }
    const written = lo > 0 ? returned[lo - 1].end : 0;
    if (end - written < bound.shift) {
      bound.shift = end - written;
      bound.read = call;
    }
  }
  return bound;
}

function alignDirection(writer: Endpoint, reader: Endpoint, calls: DirectionCalls, payloadOf: PayloadSource): StreamAlignment | undefined {
  const { writes, reads } = calls;
  const lowest = lowestShift(writes, reads);
  const highest = highestShift(writes, calls.readCalls);
  // End of file: the reader read everything the writer wrote, so the last written byte is
  // the last one read. A write after it means events are missing: nothing is claimed.
  const eof = reader.eof;
  if (eof !== undefined) {
    const eofLine = primaryLine(eof);
    let readBefore = 0;
    for (const read of reads) if (primaryLine(read) < eofLine) readBefore = read.rangeEnd;
    for (const write of writes) if (firstLine(write) > eofLine) return undefined;
    const shift = readBefore - writer.bytesWritten;
    if (shift < lowest.shift || shift > highest.shift) return undefined;
    lowest.shift = shift;
    highest.shift = shift;
    lowest.read = eof;
    highest.read = eof;
  }
  // No shift fits every read: events are missing (a lost exit, a dropped buffer).
  if (lowest.shift > highest.shift) return undefined;
  // Only TCP is surely a stream: a unix socket may keep message boundaries (SOCK_DGRAM,
  // SOCK_SEQPACKET), and then a short read says nothing about what is still queued. There
  // the drained reads only veto a payload's answer; they do not choose among answers.
  const stream = writer.connection.kind === 'tcp4' || writer.connection.kind === 'tcp6' || eof !== undefined;
  const veto = highest.shift;
  if (!stream) highest.shift = Infinity;

  const payloads = new Map<Syscall, Payload | null>();
  const payload = (call: Syscall): Payload | undefined => {
    let known = payloads.get(call);
    if (known === undefined) {
      known = payloadOf(call) ?? null;
      payloads.set(call, known);
    }
    return known ?? undefined;
  };

  let alignment: StreamAlignment;
  if (lowest.shift === highest.shift) {
    // The sizes leave one shift: the payloads there must not disagree. No other shift is
    // possible, so none is searched for: proposeShifts would find candidates that are all
    // ruled out (nearly every direction of a real capture, and most of the CLI's cost there).
    const shift = lowest.shift;
    const evidence = checkShift(writes, reads, shift, payload);
    if (evidence === undefined) return undefined;
    if (enough(evidence)) alignment = { by: 'payload', shift, write: evidence.write, read: evidence.read };
    else if (eof !== undefined) alignment = { by: 'eof', shift, read: eof };
    else alignment = { by: 'size', shift, read: lowest.read, write: undefined };
    if (alignment.by === 'size' && highest.read !== lowest.read) alignment.write = highest.read;
  } else {
    const candidates = proposeShifts(writes, reads, payload);
    const valid: { shift: number; evidence: Evidence }[] = [];
    let checked = 0;
    for (const [shift] of [...candidates].sort((a, b) => b[1] - a[1])) {
      if (shift < lowest.shift || shift > highest.shift) continue;
      // More plausible shifts than can be checked: the answer would not be sure.
      if (checked++ >= CANDIDATE_CAP) return undefined;
      const evidence = checkShift(writes, reads, shift, payload);
      if (evidence !== undefined && enough(evidence)) valid.push({ shift, evidence });
      // Two shifts that fit: the answer is already no.
      if (valid.length > 1) return undefined;
    }
    if (valid.length !== 1) return undefined;
    const [{ shift, evidence }] = valid;
    alignment = { by: 'payload', shift, write: evidence.write, read: evidence.read };
  }
  return alignment.shift > veto ? undefined : alignment;
}

/**
 * Shifts under which some write's payload and some read's payload overlap on a substring of
 * GRAM characters that tell something, with how many such overlaps propose each. Two
 * overlapping windows always have one starting inside the other, so indexing every substring
 * of one side and looking up the first telling substring of the other finds them.
 */
function proposeShifts(writes: Syscall[], reads: Syscall[], payload: (call: Syscall) => Payload | undefined): Map<number, number> {
  const votes = new Map<number, number>();
  const propose = (indexed: Syscall[], probes: Syscall[], sign: 1 | -1) => {
    // Each probe looks up one substring only, its first telling one: those are found first,
    // and the indexed side then keeps the places of those substrings alone (most of its
    // substrings are never asked for, and a list per substring cost more than the rest).
    // Substrings are keyed by a rolling hash (a small integer: no string per position). Two
    // substrings with the same hash only propose a shift, which checkShift then verifies.
    const places = new Map<number, number[]>();
    const probeCount = Math.min(probes.length, PROPOSERS);
    const probeHash: number[] = [];
    const probeAt: number[] = [];
    for (let c = 0; c < probeCount; c++) {
      const p = payload(probes[c]);
      probeAt.push(-1);
      probeHash.push(0);
      if (!p) continue;
      // The probe's first telling substring: a payload often opens with a binary header
      // (FastCGI's 8 bytes print as `........`), which says nothing.
      forEachTellingGram(p, (hash, j) => {
        probeHash[c] = hash;
        probeAt[c] = j;
        if (!places.has(hash)) places.set(hash, []);
        return false;
      });
    }
    if (places.size === 0) return;
    const count = Math.min(indexed.length, PROPOSERS);
    for (let c = 0; c < count; c++) {
      const call = indexed[c];
      const p = payload(call);
      if (!p) continue;
      const start = call.rangeStart;
      forEachTellingGram(p, (hash, k) => {
        const list = places.get(hash);
        if (list !== undefined && list.length <= GRAM_CAP) list.push(start + k);
        return true;
      });
    }
    for (let c = 0; c < probeCount; c++) {
      const j = probeAt[c];
      if (j < 0) continue;
      const list = places.get(probeHash[c])!;
      if (list.length <= GRAM_CAP) {
        const call = probes[c];
        for (const at of list) {
          // shift = reader offset - writer offset of the same byte.
          const shift = sign * (call.rangeStart + j - at);
          votes.set(shift, (votes.get(shift) ?? 0) + 1);
        }
      }
    }
  };
  propose(writes, reads, 1);
  propose(reads, writes, -1);
  return votes;
}

/**
 * Calls `visit(hash, k)` for each substring of GRAM characters at k with at least GRAM_TELLING
 * telling ones, in order, until it returns false. The hash and the count of telling
 * characters roll along the payload, so each position costs a few operations.
 */
function forEachTellingGram(p: Payload, visit: (hash: number, k: number) => boolean): void {
  const bytes = p.bytes;
  const known = p.known;
  if (bytes.length < GRAM) return;
  let hash = 0;
  let telling = 0;
  // 31^GRAM mod 2^32, to take the leaving character out of the hash.
  let out = 1;
  for (let i = 0; i < GRAM; i++) out = Math.imul(out, 31);
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes[i];
    hash = (Math.imul(hash, 31) + code) | 0;
    // isTelling, inline: this loop runs over every byte of every payload.
    if (code !== 0 && (known === undefined || known[i] === 1)) telling++;
    if (i >= GRAM) {
      const leaving = bytes[i - GRAM];
      hash = (hash - Math.imul(leaving, out)) | 0;
      if (leaving !== 0 && (known === undefined || known[i - GRAM] === 1)) telling--;
    }
    if (i >= GRAM - 1 && telling >= GRAM_TELLING && !visit(hash & 0x3fffffff, i - GRAM + 1)) return;
  }
}

interface Evidence {
  /** Telling characters that agree over all overlaps. */
  telling: number;
  /** Of those, the ones in a write and a read that begin and end at the same byte. */
  tellingWhole: number;
  /** The first write and read whose payloads agree on at least MIN_TELLING telling characters. */
  write?: Syscall;
  read?: Syscall;
}

function enough(evidence: Evidence): boolean {
  return evidence.telling >= MIN_TELLING || evidence.tellingWhole >= MIN_TELLING_WHOLE;
}

/**
 * Compares, under `shift`, every write's payload with the payloads of the reads it overlaps.
 * Undefined when any byte disagrees; otherwise how many telling characters agree.
 */
function checkShift(writes: Syscall[], reads: Syscall[], shift: number, payload: (call: Syscall) => Payload | undefined): Evidence | undefined {
  const evidence: Evidence = { telling: 0, tellingWhole: 0 };
  let best = 0;
  let first = 0;
  for (const write of writes) {
    const wp = payload(write);
    if (!wp) continue;
    const from = write.rangeStart + shift;
    const to = from + wp.bytes.length;
    // Reads are in offset order: find the first one ending after `from`.
    let lo = first;
    let hi = reads.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (reads[mid].rangeEnd <= from) lo = mid + 1;
      else hi = mid;
    }
    first = lo;
    for (let i = lo; i < reads.length && reads[i].rangeStart < to; i++) {
      const read = reads[i];
      const rp = payload(read);
      if (!rp) continue;
      const start = Math.max(from, read.rangeStart);
      const end = Math.min(to, read.rangeStart + rp.bytes.length);
      const telling = overlapTelling(wp, rp, start - from, start - read.rangeStart, end - start);
      if (telling < 0) return undefined;
      evidence.telling += telling;
      if (read.rangeStart === from && read.rangeEnd - read.rangeStart === write.rangeEnd - write.rangeStart) evidence.tellingWhole += telling;
      if (telling > best && (evidence.write === undefined || best < MIN_TELLING)) {
        best = telling;
        evidence.write = write;
        evidence.read = read;
      }
    }
  }
  return evidence;
}

/**
 * How many telling bytes the write's payload `wp` from its byte i and the read's `rp` from its
 * byte j have in common over `length` bytes, or -1 when a byte both show differs. A function
 * of its own: the loop is small, so V8 optimises it early and cheaply (inside checkShift it
 * made the CLI compile all of checkShift, on captures where it runs a few thousand times).
 */
function overlapTelling(wp: Payload, rp: Payload, i: number, j: number, length: number): number {
  const wb = wp.bytes;
  const rb = rp.bytes;
  const wk = wp.known;
  const rk = rp.known;
  let telling = 0;
  for (let k = 0; k < length; k++, i++, j++) {
    // A byte the dump does not show on either side (known 0) compares with nothing; a
    // printable-form `.` (known 2) compares, but says little (see above).
    const a = wk === undefined ? 1 : wk[i];
    const b = rk === undefined ? 1 : rk[j];
    if (a === 0 || b === 0) continue;
    const byte = wb[i];
    if (byte !== rb[j]) return -1;
    if (a === 1 && b === 1 && byte !== 0) telling++;
  }
  return telling;
}

/** Where a direction's matching stops: the first write that a matched read returned before. */
export interface CausalBreak {
  /** Writer offset of that write's first byte: no byte from here on is matched. */
  offset: number;
  write: Syscall;
  read: Syscall;
}

const causalBreaks = new WeakMap<Endpoint, CausalBreak | null>();

/**
 * The first write of an aligned direction whose matched read returned (its exit line) before
 * the write was entered, e.g. nginx's `> writev size=342` (the `HTTP/1.1 404` header) matched
 * to a wget `< read res=4724` 9 ms earlier: the dump contradicts the offsets from there on (a
 * peek or a lost write the byte totals do not show). Undefined when every match is causal.
 * Language server and `follow` only (it needs every call); computed once per direction.
 */
export function causalBreakOf(writer: Endpoint): CausalBreak | undefined {
  const known = causalBreaks.get(writer);
  if (known !== undefined) return known ?? undefined;
  let found: CausalBreak | null = null;
  const alignment = alignmentOf(writer);
  const reader = peerOf(writer);
  if (alignment !== undefined && reader !== undefined && !writer.connection.datagram) {
    for (const write of writer.writes) {
      const entered = firstLine(write);
      const read = overlapping(reader.reads, write.rangeStart + alignment.shift, write.rangeEnd + alignment.shift)
        .find((r) => returnedOnItsOwnLine(r) && r.exitLine < entered);
      if (read !== undefined) {
        found = { offset: write.rangeStart, write, read };
        break;
      }
    }
  }
  causalBreaks.set(writer, found);
  return found ?? undefined;
}

/**
 * Whether a call's exit line is when it returned: a record of its own (sysdig's `<`, strace's
 * `<... read resumed>`). A complete strace line stands where the call started, e.g.
 * `23755 12:14:30.495195 recvfrom(11<UNIX-STREAM:[1542629->1542051]>, "\1\6..."..., 4096, 0, NULL, NULL) = 59`
 * comes before uWSGI's write of the bytes it returned, so it says nothing of order.
 */
function returnedOnItsOwnLine(call: Syscall): boolean {
  return call.exitLine >= 0 && call.exitLine !== call.enterLine;
}

/** `1263/1278`: the events that show an alignment, for hover text. */
export function alignmentEvents(alignment: StreamAlignment): string {
  return [alignment.write, alignment.read].filter((c): c is Syscall => c !== undefined).map(primaryNum).join('/');
}

/** The calls in `list` (sorted by range) whose byte ranges overlap [start, end). */
export function overlapping(list: Syscall[], start: number, end: number): Syscall[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].rangeEnd <= start) lo = mid + 1;
    else hi = mid;
  }
  const found: Syscall[] = [];
  for (let i = lo; i < list.length && list[i].rangeStart < end; i++) found.push(list[i]);
  return found;
}

/** How far into the writer's offsets the reader has read (0 when it read only older bytes). */
export function readUpTo(reader: Endpoint, shift: number): number {
  return Math.max(0, reader.bytesRead - shift);
}
