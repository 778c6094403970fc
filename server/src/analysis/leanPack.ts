// The lean analysis's packed connections. A dump can leave millions of sockets open, e.g.
//   `1 07:00:00.000000001 0 curl (100) > write fd=3(<4t>10.0.0.1:1024->1.1.1.1:80) size=10`
//   `2 07:00:00.000000002 0 curl (100) < write res=10 data=0123456789`
// and never a close: as objects (connection, endpoint, call, byte range, sample, payload,
// their lists) each costs about 2 KB, and the CLI must hold them until the end of the dump.
// Once such a connection has been idle for a while (analyzer.ts decides when), all it holds
// is written into one string of bytes, about a tenth of that, and read back into the same
// objects when one of its sockets is seen again or the dump ends.
//
// Numbers are variable-length integers, most of them as the difference from a value the
// reader knows already (a call's exit line from its enter line, an event number from its
// line), so that a typical call takes about twenty bytes. Any value is kept exactly: one that
// is no integer (NaN, a fraction, an event number above 2^53) is written as its 8 bytes.

import { type Connection, type Endpoint, type SocketKind, type CallRole, Syscall, newEndpoint } from './model';
import { type Payload, PRINTABLE_LIMIT } from './payload';

const KINDS: SocketKind[] = ['unix', 'tcp4', 'tcp6', 'udp4', 'udp6', 'ip4', 'ip6'];
const ROLES: CallRole[] = ['write', 'read', 'connect', 'accept', 'close', 'shutdown', 'other'];
const ENDPOINT_ROLES: Endpoint['role'][] = ['connect', 'accept', 'unknown'];

/** Strings longer than this are written out, not kept in the table of shared names. */
const MAX_SHARED_LENGTH = 64;
/** Shared names kept (syscall, process and errno names): a dump has a few hundred. */
const MAX_SHARED = 65536;
/** Integers written as such: zigzag-coded, they stay below 2^53. */
const MAX_INTEGER = 2 ** 50;

// Call flags, after the role's three bits. A value the reader can tell from others (an event
// number from its line, a size equal to res=) costs a bit, not a byte.
const HAS_ENTER_TIME = 1 << 3;
const HAS_EXIT_TIME = 1 << 4;
const HAS_RANGE = 1 << 5;
const OTHER_PROCESS = 1 << 6;
const OTHER_TID = 1 << 7;
const OTHER_FD = 1 << 8;
const OTHER_ENTER_NUM = 1 << 9;
const OTHER_EXIT_NUM = 1 << 10;
const HAS_ERRNO = 1 << 11;
const OTHER_SIZE = 1 << 12;
const OTHER_COLUMNS = 1 << 14;
const ROLE_BITS = 7;
// Connection flags.
const DATAGRAM = 1;
const LINE_NUMBERED = 2;
const HAS_PATH = 4;
const HAS_UNKNOWN_PEER = 8;
const TUPLE_FORWARD = 16;
const TUPLE_BACKWARD = 32;
// Sample kinds, and flags of a sample whose lists repeat one another (a midway writer's
// sampled writes are its writes; a reader whose reads all returned bytes has one list twice).
const NO_SAMPLE = 0;
const FULL_SAMPLE = 1;
const SAMPLE = 2;
const SAMPLE_FULL = 4;
const WRITES_AS_ENDPOINT = 8;
const READ_CALLS_AS_READS = 16;
// Payload flags: which `known` marks it has (none, those its bytes give, others), whether its
// length is not the call's res= and its byte count not min(res=, 80).
const KNOWN_DERIVED = 1;
const KNOWN_OTHER = 2;
const OTHER_LENGTH = 4;
const OTHER_COUNT = 8;

/** Whether a connection can be packed, and if not, whether it may be later. */
export type Packability = 'yes' | 'later' | 'never';

/**
 * Whether the packed form holds everything of `connection` that the lean analysis keeps:
 * every call it refers to belongs to one of its ends, and no end has what only strace's joins
 * or a finished connection have (a local end, an alignment). Payloads must be sysdig's
 * printable form, the only one the lean analysis samples.
 */
export function packable(connection: Connection): boolean {
  if (connection.released || connection.endpoints.length === 0) return false;
  const ends = connection.endpoints;
  const own = (call: Syscall | undefined) => call === undefined || (call.endpoint !== undefined && ends.includes(call.endpoint));
  for (const call of connection.calls) if (!own(call)) return false;
  for (const e of ends) {
    if (e.connection !== connection || e.local !== undefined || e.alignment !== undefined) return false;
    if (!own(e.opened) || !own(e.closed) || !own(e.shutdown) || !own(e.eof) || !own(e.firstCall) || !own(e.lastCall)) return false;
    for (const call of e.writes) if (!own(call)) return false;
    for (const call of e.reads) if (!own(call)) return false;
    const sample = e.sample;
    if (sample !== undefined) {
      for (const [call, payload] of sample.payloads) if (!own(call) || payload.form !== 'printable' || payload.text !== undefined) return false;
      for (const list of [sample.writes, sample.reads, sample.readCalls]) for (const call of list) if (!own(call)) return false;
    }
  }
  return true;
}

/**
 * Packs connections into strings and back. It keeps the names calls share (syscall, process
 * and errno names) in one table, so that a packed call names them by number.
 */
export class ConnectionPacker {
  private out = new Uint8Array(1024);
  private at = 0;
  private readonly shared: string[] = [];
  private readonly sharedIndex = new Map<string, number>();
  private readonly float = new Float64Array(1);
  private readonly floatBytes = new Uint8Array(this.float.buffer);
  /** The calls of the connection being packed, by identity, and their order. */
  private readonly callIndex = new Map<Syscall, number>();
  // Reading state.
  private text = '';
  private pos = 0;

  /** The connection as a string of bytes (one character each). Check packable() first. */
  pack(connection: Connection): string {
    this.at = 0;
    const calls = this.collectCalls(connection);
    const ends = connection.endpoints;
    let flags = 0;
    if (connection.datagram) flags |= DATAGRAM;
    if (connection.lineNumbered) flags |= LINE_NUMBERED;
    if (connection.path !== undefined) flags |= HAS_PATH;
    if (connection.unknownPeer !== undefined) flags |= HAS_UNKNOWN_PEER;
    const tuple = tupleFromKey(connection.key, connection.tuple);
    if (tuple === 1) flags |= TUPLE_FORWARD;
    else if (tuple === 2) flags |= TUPLE_BACKWARD;
    this.byte(flags);
    this.byte(KINDS.indexOf(connection.kind));
    this.uint(connection.id);
    this.number(connection.pairedLine, -1);
    if (tuple === 0) this.string(connection.tuple, false);
    if (connection.path !== undefined) this.string(connection.path, false);
    if (connection.unknownPeer !== undefined) this.string(connection.unknownPeer, false);
    // Ends, before the calls that name them.
    this.uint(ends.length);
    for (const e of ends) {
      this.number(e.id, connection.id);
      this.string(e.process, true);
      this.uint(e.tids.length);
      let previousTid = 0;
      for (const tid of e.tids) {
        this.number(tid, previousTid);
        previousTid = tid;
      }
      this.number(e.pid, e.tids[0]);
      this.number(e.fd, 0);
      this.byte(ENDPOINT_ROLES.indexOf(e.role));
    }
    // Calls, by id: event numbers and lines then grow from one to the next.
    const numShift = calls.length > 0 ? numberShift(calls[0]) : 0;
    this.number(numShift, 0);
    this.uint(calls.length);
    let previousId = connection.id;
    let previousLine = 0;
    // Columns as the previous call's: calls of one thread print their fields at the same places.
    let typeCol = -1;
    let fdCol = -1;
    let resCol = -1;
    for (const call of calls) {
      const endpoint = call.endpoint!;
      // Each getter once: columns, times and errno are packed or in side tables (model.ts).
      const enterTime = call.enterTime;
      const exitTime = call.exitTime;
      const errno = call.errno;
      const rangeStart = call.rangeStart;
      const callTypeCol = call.typeCol;
      const callFdCol = call.fdCol;
      const callResCol = call.resCol;
      let callFlags = ROLES.indexOf(call.role);
      if (enterTime !== undefined) callFlags |= HAS_ENTER_TIME;
      if (exitTime !== undefined) callFlags |= HAS_EXIT_TIME;
      if (rangeStart >= 0) callFlags |= HAS_RANGE;
      if (call.process !== endpoint.process) callFlags |= OTHER_PROCESS;
      if (call.tid !== endpoint.tids[0]) callFlags |= OTHER_TID;
      if (call.fd !== endpoint.fd) callFlags |= OTHER_FD;
      if (!Object.is(call.enterNum, numberAt(call.enterLine, numShift))) callFlags |= OTHER_ENTER_NUM;
      if (!Object.is(call.exitNum, numberAt(call.exitLine, numShift))) callFlags |= OTHER_EXIT_NUM;
      if (errno !== undefined) callFlags |= HAS_ERRNO;
      if (!Object.is(call.size, call.res)) callFlags |= OTHER_SIZE;
      if (callTypeCol !== typeCol || callFdCol !== fdCol || callResCol !== resCol) callFlags |= OTHER_COLUMNS;
      this.uint(callFlags);
      if (ends.length > 1) this.uint(ends.indexOf(endpoint));
      this.number(call.id, previousId);
      previousId = call.id;
      this.string(call.type, true);
      if (callFlags & OTHER_PROCESS) this.string(call.process, true);
      if (callFlags & OTHER_TID) this.number(call.tid, endpoint.tids[0]);
      if (callFlags & OTHER_FD) this.number(call.fd, endpoint.fd);
      this.number(call.enterLine, previousLine);
      if (callFlags & OTHER_ENTER_NUM) this.number(call.enterNum, plus(call.enterLine, numShift));
      this.number(call.exitLine, call.enterLine);
      if (callFlags & OTHER_EXIT_NUM) this.number(call.exitNum, plus(call.exitLine, numShift));
      previousLine = call.exitLine >= 0 ? call.exitLine : call.enterLine;
      this.number(call.res, 0);
      if (callFlags & OTHER_SIZE) this.number(call.size, call.res);
      if (callFlags & HAS_ERRNO) this.string(errno, true);
      if (callFlags & OTHER_COLUMNS) {
        this.number(callTypeCol, 0);
        this.number(callFdCol, callTypeCol);
        this.number(callResCol, callTypeCol);
        typeCol = callTypeCol;
        fdCol = callFdCol;
        resCol = callResCol;
      }
      if (callFlags & HAS_ENTER_TIME) this.number(enterTime, 0);
      if (callFlags & HAS_EXIT_TIME) this.number(exitTime, 0);
      // A range is its start: it ends res= bytes later (model.ts).
      if (callFlags & HAS_RANGE) this.number(rangeStart, 0);
    }
    // What each end keeps of its calls, by their place in the list above.
    for (const e of ends) {
      this.uint(e.callCount);
      this.number(e.bytesWritten, 0);
      this.number(e.bytesRead, 0);
      this.call(e.opened);
      this.call(e.closed);
      this.call(e.shutdown);
      this.call(e.eof);
      this.call(e.firstCall);
      this.call(e.lastCall);
      this.calls(e.writes);
      this.calls(e.reads);
      const sample = e.sample;
      if (sample === undefined) this.byte(NO_SAMPLE);
      else if (sample.full && sample.writes.length + sample.reads.length + sample.readCalls.length + sample.payloads.size === 0) this.byte(FULL_SAMPLE);
      else {
        const writesAsEndpoint = sameCalls(sample.writes, e.writes);
        const readCallsAsReads = sameCalls(sample.readCalls, sample.reads);
        this.byte(SAMPLE | (sample.full ? SAMPLE_FULL : 0) | (writesAsEndpoint ? WRITES_AS_ENDPOINT : 0) | (readCallsAsReads ? READ_CALLS_AS_READS : 0));
        if (!writesAsEndpoint) this.calls(sample.writes);
        this.calls(sample.reads);
        if (!readCallsAsReads) this.calls(sample.readCalls);
        this.uint(sample.payloads.size);
        for (const [call, payload] of sample.payloads) {
          this.call(call);
          this.payload(payload, call);
        }
      }
    }
    this.calls(connection.calls);
    this.callIndex.clear();
    return latin1(this.out, this.at);
  }

  /** The id of the connection `packed` holds, without unpacking it. */
  idOf(packed: string): number {
    this.text = packed;
    this.pos = 2;
    const id = this.readUint();
    this.text = '';
    return id;
  }

  /** The connection `packed` holds, as pack() found it; `key` is its key, the live map's. */
  unpack(key: string, packed: string): Connection {
    this.text = packed;
    this.pos = 0;
    const flags = this.readByte();
    const kind = KINDS[this.readByte()];
    const id = this.readUint();
    const pairedLine = this.readNumber(-1)!;
    const tuple = flags & (TUPLE_FORWARD | TUPLE_BACKWARD) ? keyTuple(key, (flags & TUPLE_BACKWARD) !== 0) : this.readString()!;
    const path = flags & HAS_PATH ? this.readString() : undefined;
    const connection: Connection = {
      id,
      kind,
      datagram: (flags & DATAGRAM) !== 0,
      key,
      tuple,
      path,
      lineNumbered: (flags & LINE_NUMBERED) !== 0,
      endpoints: [],
      calls: [],
      released: false,
      pairedLine,
    };
    if (flags & HAS_UNKNOWN_PEER) connection.unknownPeer = this.readString();
    const endCount = this.readUint();
    const ends: Endpoint[] = [];
    for (let i = 0; i < endCount; i++) {
      const endId = this.readNumber(id)!;
      const process = this.readString()!;
      const tidCount = this.readUint();
      const tids: number[] = [];
      let previousTid = 0;
      for (let t = 0; t < tidCount; t++) tids.push(previousTid = this.readNumber(previousTid)!);
      const pid = this.readNumber(tids[0]);
      const fd = this.readNumber(0)!;
      const role = ENDPOINT_ROLES[this.readByte()];
      ends.push(newEndpoint(endId, connection, process, pid, undefined, tids, fd, role));
    }
    connection.endpoints = ends;
    const numShift = this.readNumber(0)!;
    const callCount = this.readUint();
    const calls: Syscall[] = [];
    let previousId = id;
    let previousLine = 0;
    let typeCol = -1;
    let fdCol = -1;
    let resCol = -1;
    for (let c = 0; c < callCount; c++) {
      const callFlags = this.readUint();
      const endpoint = ends[endCount > 1 ? this.readUint() : 0];
      const callId = previousId = this.readNumber(previousId)!;
      const type = this.readString()!;
      const process = callFlags & OTHER_PROCESS ? this.readString()! : endpoint.process;
      const tid = callFlags & OTHER_TID ? this.readNumber(endpoint.tids[0])! : endpoint.tids[0];
      const fd = callFlags & OTHER_FD ? this.readNumber(endpoint.fd)! : endpoint.fd;
      const enterLine = this.readNumber(previousLine)!;
      const enterNum = callFlags & OTHER_ENTER_NUM ? this.readNumber(plus(enterLine, numShift))! : numberAt(enterLine, numShift);
      const exitLine = this.readNumber(enterLine)!;
      const exitNum = callFlags & OTHER_EXIT_NUM ? this.readNumber(plus(exitLine, numShift))! : numberAt(exitLine, numShift);
      previousLine = exitLine >= 0 ? exitLine : enterLine;
      const res = this.readNumber(0);
      const size = callFlags & OTHER_SIZE ? this.readNumber(res) : res;
      const errno = callFlags & HAS_ERRNO ? this.readString() : undefined;
      if (callFlags & OTHER_COLUMNS) {
        typeCol = this.readNumber(0)!;
        fdCol = this.readNumber(typeCol)!;
        resCol = this.readNumber(typeCol)!;
      }
      // As newCall makes a call and the analyzer fills it in.
      const call = new Syscall(callId, type, ROLES[callFlags & ROLE_BITS], process, tid, fd, fdCol, typeCol);
      call.enterNum = enterNum;
      call.enterLine = enterLine;
      call.exitNum = exitNum;
      call.exitLine = exitLine;
      call.res = res;
      call.size = size;
      call.resCol = resCol;
      call.endpoint = endpoint;
      if (errno !== undefined) call.errno = errno;
      if (callFlags & HAS_ENTER_TIME) call.enterTime = this.readNumber(0);
      if (callFlags & HAS_EXIT_TIME) call.exitTime = this.readNumber(0);
      if (callFlags & HAS_RANGE) call.rangeStart = this.readNumber(0)!;
      calls.push(call);
    }
    for (const e of ends) {
      e.callCount = this.readUint();
      e.bytesWritten = this.readNumber(0)!;
      e.bytesRead = this.readNumber(0)!;
      e.opened = this.readCall(calls);
      e.closed = this.readCall(calls);
      e.shutdown = this.readCall(calls);
      e.eof = this.readCall(calls);
      e.firstCall = this.readCall(calls);
      e.lastCall = this.readCall(calls);
      e.writes = this.readCalls(calls);
      e.reads = this.readCalls(calls);
      const sampleKind = this.readByte();
      if (sampleKind === FULL_SAMPLE) e.sample = { writes: [], reads: [], readCalls: [], payloads: new Map(), full: true };
      else if (sampleKind & SAMPLE) {
        const full = (sampleKind & SAMPLE_FULL) !== 0;
        // Lists of their own, as sampleCall grows them: never one list in two places.
        const writes = sampleKind & WRITES_AS_ENDPOINT ? e.writes.slice() : this.readCalls(calls);
        const reads = this.readCalls(calls);
        const readCalls = sampleKind & READ_CALLS_AS_READS ? reads.slice() : this.readCalls(calls);
        const payloads = new Map<Syscall, Payload>();
        const payloadCount = this.readUint();
        for (let p = 0; p < payloadCount; p++) {
          const call = this.readCall(calls)!;
          payloads.set(call, this.readPayload(call));
        }
        e.sample = { writes, reads, readCalls, payloads, full };
      }
    }
    connection.calls = this.readCalls(calls);
    this.text = '';
    return connection;
  }

  /** Every call the connection refers to, once each, ordered by id; their places are in callIndex. */
  private collectCalls(connection: Connection): Syscall[] {
    const seen = new Set<Syscall>();
    const add = (call: Syscall | undefined) => {
      if (call !== undefined) seen.add(call);
    };
    for (const call of connection.calls) seen.add(call);
    for (const e of connection.endpoints) {
      add(e.opened);
      add(e.closed);
      add(e.shutdown);
      add(e.eof);
      add(e.firstCall);
      add(e.lastCall);
      for (const call of e.writes) seen.add(call);
      for (const call of e.reads) seen.add(call);
      if (e.sample !== undefined) {
        for (const call of e.sample.writes) seen.add(call);
        for (const call of e.sample.reads) seen.add(call);
        for (const call of e.sample.readCalls) seen.add(call);
        for (const call of e.sample.payloads.keys()) seen.add(call);
      }
    }
    const calls = [...seen].sort((a, b) => a.id - b.id);
    for (let i = 0; i < calls.length; i++) this.callIndex.set(calls[i], i);
    return calls;
  }

  /**
   * A printable-form payload (payload.ts sysdigPayload): its bytes, and its `known` marks only
   * when they are not the ones its bytes give (a character above 255 cut to its low byte).
   */
  private payload(payload: Payload, call: Syscall): void {
    const bytes = payload.bytes;
    const known = payload.known;
    let derived = known !== undefined;
    if (known !== undefined) for (let i = 0; i < bytes.length && derived; i++) derived = known[i] === knownOf(bytes[i]);
    let flags = known === undefined ? 0 : derived ? KNOWN_DERIVED : KNOWN_OTHER;
    if (!Object.is(payload.length, call.res)) flags |= OTHER_LENGTH;
    if (bytes.length !== printedCount(call)) flags |= OTHER_COUNT;
    this.byte(flags);
    if (flags & OTHER_LENGTH) this.number(payload.length, call.res);
    if (flags & OTHER_COUNT) this.uint(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
    if (known !== undefined && !derived) for (let i = 0; i < bytes.length; i++) this.byte(known[i]);
  }

  private readPayload(call: Syscall): Payload {
    const flags = this.readByte();
    const length = flags & OTHER_LENGTH ? this.readNumber(call.res)! : call.res!;
    const count = flags & OTHER_COUNT ? this.readUint() : printedCount(call);
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) bytes[i] = this.text.charCodeAt(this.pos++);
    let known: Uint8Array | undefined;
    if (flags & KNOWN_DERIVED) {
      known = new Uint8Array(count);
      for (let i = 0; i < count; i++) known[i] = knownOf(bytes[i]);
    } else if (flags & KNOWN_OTHER) {
      known = new Uint8Array(count);
      for (let i = 0; i < count; i++) known[i] = this.text.charCodeAt(this.pos++);
    }
    return { bytes, known, length, form: 'printable' };
  }

  private call(call: Syscall | undefined): void {
    this.uint(call === undefined ? 0 : this.callIndex.get(call)! + 1);
  }

  private calls(list: Syscall[]): void {
    this.uint(list.length);
    for (const call of list) this.uint(this.callIndex.get(call)!);
  }

  private readCall(calls: Syscall[]): Syscall | undefined {
    const index = this.readUint();
    return index === 0 ? undefined : calls[index - 1];
  }

  private readCalls(calls: Syscall[]): Syscall[] {
    const count = this.readUint();
    const list: Syscall[] = [];
    for (let i = 0; i < count; i++) list.push(calls[this.readUint()]);
    return list;
  }

  private byte(value: number): void {
    if (this.at === this.out.length) {
      const bigger = new Uint8Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.at++] = value;
  }

  /** A non-negative integer below 2^53, seven bits a byte. */
  private uint(value: number): void {
    while (value >= 128) {
      this.byte((value % 128) | 128);
      value = Math.floor(value / 128);
    }
    this.byte(value);
  }

  /**
   * Any number or undefined: 0 for undefined, 1 and 8 bytes for a number that is no integer
   * of both it and `base`, else 2 + the zigzag code of its difference from `base`.
   */
  private number(value: number | undefined, base: number | undefined): void {
    if (value === undefined) {
      this.uint(0);
      return;
    }
    const from = base !== undefined && Number.isSafeInteger(base) ? base : 0;
    const delta = value - from;
    if (Number.isSafeInteger(value) && Number.isSafeInteger(delta) && Math.abs(delta) < MAX_INTEGER && !Object.is(value, -0)) {
      this.uint((delta >= 0 ? delta * 2 : -delta * 2 - 1) + 2);
      return;
    }
    this.uint(1);
    this.float[0] = value;
    for (let i = 0; i < 8; i++) this.byte(this.floatBytes[i]);
  }

  /** A string or undefined: 0 for undefined, 2k + 2 for the k-th shared name, 2n + 1 and n characters. */
  private string(value: string | undefined, shareable: boolean): void {
    if (value === undefined) {
      this.uint(0);
      return;
    }
    if (shareable && value.length <= MAX_SHARED_LENGTH) {
      let index = this.sharedIndex.get(value);
      if (index === undefined && this.shared.length < MAX_SHARED) {
        index = this.shared.length;
        this.shared.push(value);
        this.sharedIndex.set(value, index);
      }
      if (index !== undefined) {
        this.uint(index * 2 + 2);
        return;
      }
    }
    this.uint(value.length * 2 + 1);
    for (let i = 0; i < value.length; i++) this.uint(value.charCodeAt(i));
  }

  private readByte(): number {
    return this.text.charCodeAt(this.pos++);
  }

  private readUint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.text.charCodeAt(this.pos++);
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
    }
  }

  private readNumber(base: number | undefined): number | undefined {
    const code = this.readUint();
    if (code === 0) return undefined;
    if (code === 1) {
      for (let i = 0; i < 8; i++) this.floatBytes[i] = this.text.charCodeAt(this.pos++);
      return this.float[0];
    }
    const zigzag = code - 2;
    const delta = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    return (base !== undefined && Number.isSafeInteger(base) ? base : 0) + delta;
  }

  private readString(): string | undefined {
    const code = this.readUint();
    if (code === 0) return undefined;
    if (code % 2 === 0) return this.shared[code / 2 - 1];
    const length = (code - 1) / 2;
    // One flat string, not a chain of concatenations (32 bytes a character).
    const codes: number[] = [];
    let value = '';
    for (let i = 0; i < length; i++) {
      codes.push(this.readUint());
      if (codes.length === 4096 || i === length - 1) {
        value += String.fromCharCode(...codes);
        codes.length = 0;
      }
    }
    return value;
  }
}

/** What payload.ts's printable form says of a byte: 2 for a `.`, 0 above 126, else 1. */
function knownOf(byte: number): number {
  return byte === 46 ? 2 : byte > 126 ? 0 : 1;
}

/** How many bytes sysdig's printable form shows of a call's payload: min(res=, 80). */
function printedCount(call: Syscall): number {
  return call.res !== undefined && call.res >= 0 ? Math.min(call.res, PRINTABLE_LIMIT) : -1;
}

function sameCalls(a: Syscall[], b: Syscall[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The event number a call's line gives, -1 (no event) for line -1. */
function numberAt(line: number, shift: number): number {
  return line < 0 ? -1 : line + shift;
}

function plus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

/** How far a call's event number is from its line: the same for most calls of a dump. */
function numberShift(call: Syscall): number {
  const shift = call.exitLine >= 0 ? call.exitNum - call.exitLine : call.enterNum - call.enterLine;
  return Number.isSafeInteger(shift) ? shift : 0;
}

/**
 * Whether the tuple can be read back from the key (`ip|1.1.1.1:80|10.0.0.1:1024`, see
 * addresses.ts): 1 as its two addresses in order, 2 swapped, 0 not.
 */
function tupleFromKey(key: string, tuple: string): 0 | 1 | 2 {
  const first = key.indexOf('|');
  const second = key.indexOf('|', first + 1);
  if (first < 0 || second < 0 || key.indexOf('|', second + 1) >= 0) return 0;
  const a = key.length - second - 1;
  const b = second - first - 1;
  if (tuple.length !== a + b + 2) return 0;
  if (tuple === keyTuple(key, false)) return 1;
  if (tuple === keyTuple(key, true)) return 2;
  return 0;
}

function keyTuple(key: string, backward: boolean): string {
  const first = key.indexOf('|');
  const second = key.indexOf('|', first + 1);
  const a = key.slice(first + 1, second);
  const b = key.slice(second + 1);
  return backward ? `${b}->${a}` : `${a}->${b}`;
}

/** Bytes as a string of one character each, of its own (not a view into anything). */
function latin1(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
}
