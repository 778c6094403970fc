// Turns a stream of TraceEvents into syscalls, connections, endpoints and byte streams.
// Events arrive in dump order; only socket-related syscalls are retained, so memory grows
// with socket activity, not with the size of the dump.

import {
  type Analysis, type CallRole, type Connection, type DumpStats, type Endpoint, type Finding,
  NO_CALLS, Syscall, type TraceEvent, newEndpoint, peerOf,
} from './model';
import { newTraceEvent, parseSysdigSpan } from './sysdigParser';
import { threadFdKey } from './straceParser';
import { CALL_LINE, FORMATS, type TraceFormat, newDumpState, sysdigFormat } from './formats';
import { detach } from './strings';
import { connectionFindings, sortFindings, type FindingOptions } from './findings';
import { ALIGNMENT_CALLS, type PayloadSource, alignConnection, positional } from './alignment';
import { type DumpLines, type Payload, readPayload } from './payload';
import { EVENT_ROLE_BY_TYPE, type EventRole, PID_TYPES } from './pairing';
import { CLOSED_ALONE_LIMIT, StraceJoins, isPeerSide, peerSideOf } from './straceJoins';
import { SOCKET_TAGS, type SocketAddress, addressOfTuple, datagramAddress, kindOfTag, parseSocketAddress } from './addresses';
import { ConnectionPacker, type Packability, packable } from './leanPack';

/** Characters from `res=`'s value that hold `data=` and its 80 characters (sampleCall). */
const PAYLOAD_SPAN = 128;

/** A line longer than this is not an event sysdig prints; it is skipped and counted. */
export const MAX_LINE_LENGTH = 1 << 20;
const MAX_SAMPLES = 20;
/** sysdig's default snaplen: `data=` holds at most this many bytes of a payload. */
const SNAPLEN = 80;
/**
 * Threads kept per endpoint: enough to name them, and a bound on the search for a new one
 * (200 000 threads on one socket made that search quadratic: 14 s).
 */
const MAX_ENDPOINT_TIDS = 64;
/** Lean mode: a writer's writes are checked for ones its reader consumed once it has this many (forgetConsumed). */
const CONSUMED_WRITES = 16;
/** How far from the end of the lean connection list a closed connection is looked for. */
const RECENT_CONNECTIONS = 64;
/** Lean mode: connections kept as objects before the idlest is packed (AnalyzerOptions.hotConnections). */
const HOT_CONNECTIONS = 1024;
/** What a packed connection's object keeps as its endpoints until it leaves the connection list. */
const PACKED: Endpoint[] = [];
const SPACE = 32;
// eslint-disable-next-line no-control-regex
const ANSI_ONLY = /\x1b\[[0-9;]*m|\s/g;

function emptyStats(): DumpStats {
  return {
    lines: 0, events: 0, continuationLines: 0, blankLines: 0, unparsedLines: 0, unparsedSamples: [],
    orphanExits: 0, overBudgetSocketCalls: 0, connections: 0,
  };
}

export interface AnalyzerOptions extends FindingOptions {
  /**
   * Keep every syscall (the language server needs them for hover and go to peer). Without
   * it, a connection's calls are released once both ends have closed and its findings are
   * known, so a streamed dump costs memory for its open connections only (the CLI).
   */
  retainCalls?: boolean;
  /**
   * Without retainCalls: keep a connection in Analysis.connections once both ends have
   * closed, with its endpoints' counts but without its calls (`scap-lens conversations`).
   */
  keepConnections?: boolean;
  /**
   * Without retainCalls nor keepConnections: leave the connections still open at the end out
   * of Analysis.connections too, each dropped once its findings are known, so that finishing
   * needs no more memory than reading (`scap-lens check`, which reports counts and findings).
   */
  dropOpenConnections?: boolean;
  /**
   * Asked every 4 096 new connections in lean mode: true when memory is running out (the CLI
   * compares V8's heap with its limit). From then on no new connection is followed, their calls
   * are counted in overBudgetSocketCalls, and the connections already followed still give
   * their findings: millions of never-closed sockets end with a message, not a crash.
   */
  overBudget?: () => boolean;
  /**
   * Lean mode: how many connections stay objects; beyond that, the one idle longest is packed
   * into a string (leanPack.ts) until its sockets are seen again. Tests set 0 to pack them all.
   */
  hotConnections?: number;
}

/** Names longer than this are not cached: a 1 MB socket name 4 096 times would be 4 GB. */
const MAX_CACHED_NAME = 1024;

/**
 * Parsed socket addresses by fd name: the same name repeats on every call of a connection.
 * A streamed dump needs them only while the connection lives, so its cache stays small.
 */
const ADDRESS_CACHE_LIMIT = 50000;
const LEAN_ADDRESS_CACHE_LIMIT = 4096;

/**
 * An fd name's address as socketAddress caches it: with the fd's tag, and (lean mode) the live
 * connection its last call joined, which attach takes rather than looking the key up in the
 * live map.
 * `connection` is cleared when that connection leaves the live map (forgetCached): a cache
 * entry lives long, and a released connection it pointed to could not die young. The entries
 * that hold one connection are chained by `sameConnection` from cachedBy. `name` is the entry's
 * key in the cache, which a released connection's entries leave (forgetCached).
 */
type CachedAddress = SocketAddress & { tag: string; name: string; connection: Connection | undefined; sameConnection: CachedAddress | undefined };

/** The byte reader's line being added through addSysdigEvent (byteScanner.ts). */
export interface ScannedLine {
  /** Up to `length` characters from column `from`. */
  lineText(from: number, length: number): string;
  /**
   * The line's `tuple=` value (undefined without one): decoded only when asked, as most tuples
   * (an accept's, a send's on a connected socket) repeat what the fd's name says.
   */
  lineTuple(): string | undefined;
  /** The line's length as addLineAt measures it: without the `\r` of a CRLF line end. */
  lineLength(): number;
  /** positional(readPayload(...)) of the line from column `from`, for at most `length` characters, when in sysdig's printable form. */
  linePayload(from: number, length: number, moved: number): Payload | undefined;
}

export class DumpAnalyzer {
  private readonly stats = emptyStats();
  private readonly scratch = newTraceEvent();
  /** Per-dump parse state: sysdig's parse cache, what a strace trace said of process names. */
  private readonly state = newDumpState();
  private readonly parseCache = this.state.cache;
  private readonly findings: Finding[] = [];
  private readonly addressCache = new Map<string, CachedAddress>();
  /** The first of the cache entries that hold a live connection (CachedAddress). */
  private readonly cachedBy = new Map<Connection, CachedAddress>();
  private readonly retainCalls: boolean;
  private readonly calls: Syscall[] = [];
  private readonly connections: Connection[] = [];
  /**
   * Per thread, the enter waiting for its exit: the call for socket calls, else just the
   * syscall name. What else an exit needs from its enter is rare and kept aside: the fd's tag
   * of a connect (to read its tuple) and the local end of a strace call. An exit sets its
   * thread's entry to undefined rather than deleting it: a Map that loses and regains a key on
   * every other line keeps rebuilding its table (11 MB of garbage for the 50 MB bench dump).
   */
  private readonly pending = new Map<number, Syscall | string | undefined>();
  /**
   * The fd's tag of a thread's pending connect, with the connect: one an earlier connect left
   * (its exit lost) names another call and is ignored, so neither an enter nor every exit of a
   * socket call need delete it (they did while any connect was in flight: most of the time).
   */
  private readonly pendingTag = new Map<number, { call: Syscall; tag: string }>();
  private readonly pendingLocal = new Map<number, string>();
  /**
   * Per thread, a pending read on a socket whose fd names no pair: where it goes if its exit
   * names no peer. The entry names its call: one left by an earlier call of the thread (whose
   * exit was lost) is ignored, so an enter need not delete it. Threads blocked in such a read
   * keep the map from being empty, and a delete on every enter cost 1 % of the CLI's time.
   */
  private readonly pendingUnpaired = new Map<number, { call: Syscall; address: SocketAddress }>();
  /** unpairedAddress's answers, by process, fd and the fd's printed name: a socket's calls repeat them. */
  private readonly unpairedCache = new Map<string, SocketAddress>();
  /** Per process and fd, the conversations its datagrams' tuples chose (rememberDatagram). */
  private readonly datagramEnds = new Map<string, Set<Endpoint>>();
  /** The connection on each key that a new call would join; lean mode packs idle ones (coolOne). */
  private readonly live = new Map<string, Connection | string>();
  /** Retain mode: the connections whose lists trimIfDone copied, with how many calls they had then. */
  private readonly trimmed = new Map<Connection, number>();
  private readonly pidOfTid = new Map<number, number>();
  private readonly errnos = new Map<string, string>();
  private endpointCount = 0;
  /** The role of the event being added through addSysdigEvent: the byte reader knows it by the name's intern id. */
  private readerRole: EventRole | undefined = undefined;
  /** True while the event being added holds strings of its own, not slices of a line or chunk. */
  private stringsOwned = false;
  /** The line of the event being added. */
  private lineNow = -1;
  /** The line being added through addLineAt, for a payload the lean analysis keeps (sampleCall). */
  private spanText = '';
  private spanStart = 0;
  private spanEnd = 0;
  /** The line being added through addSysdigEvent, as the byte reader holds it: set once by the reader. */
  scannerLine: ScannedLine | undefined;
  /** Each syscall name's role, keyed by the very string objects the parsers hand over (see roleOf). */
  private readonly roles = new Map<string, EventRole>();
  private callCount = 0;
  /** True while the last event's value runs on over the next lines (`-A`, `-x`, JSON with newlines). */
  private recordOpen = false;
  /** A receive whose exit record runs on over the next lines, with the tuple found there so far. */
  private awaitingTuple: { call: Syscall; unpaired: SocketAddress; tuple: string | undefined } | undefined;
  /**
   * While an open record's `-A` payload can still go on: how many of its characters may be left.
   * A payload line can look like an event (`1 1.1 0 x (1) < write res=-32(EPIPE) ...`), so a
   * line that starts inside the payload is payload, whatever it looks like.
   */
  private payloadLeft = 0;
  /** What messageEnter and closeEnter found besides the address (see addEnter). */
  private enterUnpaired: SocketAddress | undefined = undefined;
  private enterDatagram = false;
  private enterClosesDatagrams: Set<Endpoint> | undefined = undefined;
  /** Lean mode: connections created (counted for the overBudget check), and whether it said yes. */
  private newConnections = 0;
  private overBudget = false;
  /** Lean mode: released and packed connections still in `connections`, dropped in batches (dropReleased). */
  private releasedInList = 0;
  /** The dump's format (formats/index.ts), picked by its first event (setFormat). */
  private format: TraceFormat | undefined;
  /** Whether the format is undefined or one the byte reader parses (takesSysdigEvents, asked for every line). */
  private scannedFormat = true;
  /** Events a format hands over from a line that holds a whole call (strace). */
  private readonly addCallEvent = (event: TraceEvent) => {
    // The local end is kept as a map key and on the endpoint: it must not pin its line.
    if (event.local !== undefined) event.local = this.own(event.local);
    this.addEvent(event);
  };
  /** strace's end joins (straceJoins.ts), with the steps of this analyzer they take. */
  private readonly joins = new StraceJoins({
    attach: (call, address, opening, local) => this.attach(call, address, opening, local),
    markClose: (call) => this.markClose(call),
    account: (call) => this.account(call),
  });
  /** For finish(): the strace calls still waiting for their pair, and what joins one alone. */
  private get waitingByLocal(): Map<string, Syscall[]> {
    return this.joins.waitingByLocal;
  }

  /**
   * Lean mode: packing idle connections (coolOne). The last field, as one object: V8 keeps an
   * object's first fields inside it, and the per-line ones above must stay there.
   */
  private readonly packing: Packing | undefined;

  private joinAlone(local: string): void {
    this.joins.joinAlone(local);
  }

  constructor(private readonly options: AnalyzerOptions = {}) {
    this.retainCalls = options.retainCalls !== false;
    this.packing = this.retainCalls ? undefined : {
      packer: new ConnectionPacker(), hot: [], since: [], head: 0, limit: options.hotConnections ?? HOT_CONNECTIONS, created: 0, outOfOrder: false,
    };
  }

  private socketAddress(tag: string | undefined, name: string | undefined): SocketAddress | undefined {
    if (tag === undefined || name === undefined) return undefined;
    const cached = this.addressCache.get(name);
    if (cached !== undefined && cached.tag === tag) return cached;
    const address = parseSocketAddress(tag, name);
    if (!address) return undefined;
    if (name.length > MAX_CACHED_NAME) return address;
    if (this.addressCache.size >= (this.retainCalls ? ADDRESS_CACHE_LIMIT : LEAN_ADDRESS_CACHE_LIMIT)) this.addressCache.clear();
    // The key is the event's own string when the reader made it (byteScanner.ts keeps one string
    // per name): the next lookup then finds the very same object and compares no characters.
    const key = this.stringsOwned ? name : this.own(name);
    // Own copies: the cache must not keep the input chunk the name was sliced from.
    const entry: CachedAddress = {
      kind: address.kind, tag, key: this.own(address.key), tuple: this.own(address.tuple),
      path: address.path === undefined ? undefined : this.own(address.path), name: key, connection: undefined, sameConnection: undefined,
    };
    this.addressCache.set(key, entry);
    return entry;
  }

  /**
   * Feeds one line (without its `\n`). Handles `\r\n`, continuation lines of multi-line
   * records and garbage, which is counted, never fatal.
   */
  addLine(raw: string, line: number): void {
    this.addLineAt(raw, 0, raw.length, line);
  }

  /** addLine for the line at [start, end) of a larger text: no substring is made for it. */
  addLineAt(text: string, start: number, end: number, line: number): void {
    this.stats.lines++;
    this.spanText = text;
    this.spanStart = start;
    this.spanEnd = end;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const length = stop - start;
    if (this.payloadLeft > 0 && length <= MAX_LINE_LENGTH) {
      if (this.awaitingTuple !== undefined) this.continuationTuple(text, start, stop);
      this.payloadLine(length, length > 0 && text.charCodeAt(stop - 1) === SPACE);
      return;
    }
    // Pasted terminal output ends with a bare colour reset; a blank line carries nothing either.
    if (length === 0 || (length < 16 && text.slice(start, stop).replace(ANSI_ONLY, '').length === 0)) {
      if (this.recordOpen) this.stats.continuationLines++;
      else this.stats.blankLines++;
      return;
    }
    if (length > MAX_LINE_LENGTH) {
      this.stats.lines--;
      this.skipOverlong(line, length);
      return;
    }
    const format = this.format;
    if (format !== undefined) {
      // sysdig's default format, nearly every dump, is parsed directly: no call through the
      // registry per line.
      const event = format === sysdigFormat ? parseSysdigSpan(text, start, stop, line, this.scratch, this.parseCache)
        : format.parseLine(text, start, stop, line, this.scratch, this.state, this.addCallEvent);
      if (event === CALL_LINE) {
        this.stats.events++;
        return;
      }
      if (event !== undefined) {
        // A record ends with a space (sysdig ends every complete one so); one without it continues below.
        this.takeRecord(event, text.charCodeAt(stop - 1) !== SPACE, length);
        return;
      }
    } else if (this.pickFormat(text, start, stop, line, length)) return;
    if (this.recordOpen) {
      this.stats.continuationLines++;
      if (this.awaitingTuple !== undefined) this.continuationTuple(text, start, stop);
      return;
    }
    this.unparsed(line, describeGarbage(text.slice(start, stop)));
  }

  /**
   * Before the dump's first event: the first format (formats/index.ts) that reads the line
   * becomes the dump's, and the line is added as its event. False when no format reads it.
   */
  private pickFormat(text: string, start: number, stop: number, line: number, length: number): boolean {
    for (const format of FORMATS) {
      // Set before the line is parsed: connections its events make already know the format
      // (a strace trace's say "line N", not "event N").
      this.setFormat(format);
      const event = format.parseLine(text, start, stop, line, this.scratch, this.state, this.addCallEvent);
      if (event === undefined) {
        this.setFormat(undefined);
        continue;
      }
      if (event === CALL_LINE) this.stats.events++;
      else this.takeRecord(event, text.charCodeAt(stop - 1) !== SPACE, length);
      return true;
    }
    return false;
  }

  private setFormat(format: TraceFormat | undefined): void {
    this.format = format;
    this.scannedFormat = format === undefined || format.scanned;
  }

  /** Whether a line a reader parsed as a sysdig event is one (false once the dump is strace, LID-DS or JSON). */
  get takesSysdigEvents(): boolean {
    // A field, not the format's own flag: the byte reader asks for every line.
    return this.scannedFormat;
  }

  /**
   * For a reader that parsed a sysdig line itself (byteScanner.ts): what addLineAt does once
   * parseSysdigSpan has given an event. `open` is true when the line does not end with a space.
   * The line's length and text are asked of scannerLine, only in the rare cases that need them:
   * reading them for every line was a tenth of the byte reader's cost per line.
   */
  addSysdigEvent(event: TraceEvent, open: boolean, role: EventRole): void {
    this.stats.lines++;
    if (this.payloadLeft > 0) {
      const length = this.scannerLine!.lineLength();
      // A payload line the scanner took for an event (`1 1.1 0 x (1) < connect res=0 tuple=A->B `)
      // is still the payload's: its ` tuple=` ends a waiting receive's record, as in addLineAt.
      if (this.awaitingTuple !== undefined) this.continuationTuple(this.scannerLine!.lineText(0, length), 0, length);
      this.payloadLine(length, !open);
      return;
    }
    this.stringsOwned = true;
    if (this.format === undefined) this.setFormat(sysdigFormat);
    this.readerRole = role;
    // Only a record that goes on below (`open`) needs the length (takeRecord).
    this.takeRecord(event, open, open ? this.scannerLine!.lineLength() : 0);
    this.stringsOwned = false;
    this.readerRole = undefined;
  }

  /**
   * For the byte reader, before it builds a TraceEvent: does all that addSysdigEvent would do
   * with an event that cannot touch a socket, and returns true; or, having changed nothing,
   * returns false, and the reader hands the whole event to addSysdigEvent. Nine events in ten
   * of a real capture are such events (`switch`, `select`, `futex`, a read of a file):
   *   `7 21:05:36.040337566 1 kubelet (2231) > select`
   *   `9 21:05:36.040342158 1 kubelet (2231) < read res=512 data=...` on an fd `<f>` named at its enter
   * For them the analyzer keeps only the thread's pending call (addEnter, addExit) and the
   * pid of a `(pid.tid)`, and the reader reads no other field of the line. `socket` says
   * whether the fd's `<T>` is a socket's (SOCKET_TAGS: only sockets have addresses, and only
   * they open the paths of messageEnter and closeEnter); `role` is roleOf(type). The reader
   * knows both by intern id, without a lookup by string. A record that continues on the next
   * lines (`open`), a line inside a payload and the dump's first event always take the whole path.
   */
  addQuietEvent(line: number, tid: number, pid: number | undefined, type: string, exit: boolean, socket: boolean, role: EventRole): boolean {
    if (this.payloadLeft > 0 || this.awaitingTuple !== undefined || this.format === undefined) return false;
    const pending = exit ? this.pending.get(tid) : undefined;
    // An exit whose enter is the thread's pending call; below, only one of a call not kept (a string).
    let matches = false;
    if (exit) {
      // addExit: its own enter's exit is quiet; a socket call's exit takes the whole path, and
      // so does an exit without its enter that names a socket (it may become a call).
      matches = typeof pending === 'string' ? pending === type : pending !== undefined && pending.type === type;
      if (matches ? typeof pending !== 'string' : socket && !PID_TYPES.has(type)) return false;
    } else {
      // addEnter: an event without an exit, a call the lean analysis does not keep (`other`),
      // and any call on an fd that is not a socket (but a connect or an accept, which learn
      // their socket at their exit) only leave the thread's pending call.
      if (role !== 'event' && !(role === 'other' && !this.retainCalls) && (socket || role === 'connect' || role === 'accept')) return false;
    }
    this.stats.lines++;
    this.stats.events++;
    this.recordOpen = false;
    this.lineNow = line;
    if (pid !== undefined) this.pidOfTid.set(tid, pid);
    if (exit) {
      if (matches) this.pending.set(tid, undefined);
      else if (!PID_TYPES.has(type)) {
        // An exit whose enter is not in the capture, on no socket: counted, and nothing more.
        this.stats.orphanExits++;
        if (pending !== undefined) this.pending.set(tid, undefined);
      }
    } else if (role !== 'event') {
      if (this.pendingLocal.size > 0) this.pendingLocal.delete(tid);
      this.pending.set(tid, type);
    }
    const packing = this.packing;
    if (packing !== undefined && packing.hot.length - packing.head > packing.limit) this.coolOne(packing);
    return true;
  }

  /** A line parsed as one event of a record format (sysdig's, LID-DS, JSON), by either parser. */
  private takeRecord(event: TraceEvent, open: boolean, length: number): void {
    this.stats.events++;
    this.recordOpen = open;
    if (open && event.dataCol >= 0 && this.format!.payloadLines) {
      // `-A` prints the payload from the next line on (`< recvfrom res=88 data=` then
      // `GET /foobar.bin HTTP/1.1`...): at most min(res, 80) characters, 80 being sysdig's
      // default snaplen, and fewer when it drops a `\r`. The bytes moved are in res=, or in
      // size= on an enter.
      const moved = event.res !== undefined && event.res >= 0 ? event.res : event.size ?? 0;
      this.payloadLeft = Math.min(moved, SNAPLEN) - (length - event.dataCol);
    }
    this.addEvent(event);
  }

  /**
   * A line that starts inside an open record's payload: part of it, even if it looks like an
   * event. `-A` drops non-printable bytes (the `\r` of `\r\n`), so the payload often prints
   * fewer characters than it has bytes: the record's last line, which ends with sysdig's space,
   * ends it (`Cont ` and then the next event).
   */
  private payloadLine(length: number, endsWithSpace: boolean): void {
    this.stats.continuationLines++;
    this.payloadLeft = endsWithSpace ? 0 : this.payloadLeft - length - 1;
  }

  /** Counts a line too long to be an event; the CLI's byte reader calls it without buffering the line. */
  skipOverlong(line: number, length: number): void {
    this.stats.lines++;
    this.recordOpen = false;
    this.payloadLeft = 0;
    this.unparsed(line, `a line of ${length} characters is too long to be a sysdig event; skipped`);
  }

  private unparsed(line: number, reason: string): void {
    this.stats.unparsedLines++;
    if (this.stats.unparsedSamples.length < MAX_SAMPLES) this.stats.unparsedSamples.push({ line, reason });
  }

  addEvent(event: TraceEvent): void {
    this.lineNow = event.line;
    if (this.awaitingTuple !== undefined) this.settleAwaitingTuple();
    if (event.pid !== undefined) this.pidOfTid.set(event.tid, event.pid);
    if (event.exit) this.addExit(event);
    else this.addEnter(event);
    // Between events nothing but the live map, the connection list and pending calls holds a
    // connection's objects: the time to pack one.
    const packing = this.packing;
    if (packing !== undefined && packing.hot.length - packing.head > packing.limit) this.coolOne(packing);
  }

  // `89254 07:12:54.259984241 6 httpd (22014) > writev fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) size=8`
  private addEnter(event: TraceEvent): void {
    const role = this.readerRole ?? this.roleOf(event.type);
    // An event without an exit (a `switch` while the call blocks) leaves the pending call be.
    if (role === 'event') return;
    // The enter of a call that has an exit replaces whatever this thread left pending: that
    // call's exit was lost.
    if (this.pendingLocal.size > 0) this.pendingLocal.delete(event.tid);
    let address = this.socketAddress(event.fdTag, event.fdName);
    // A read that learns its peer at its exit: see the exit, which attaches it.
    let unpaired: SocketAddress | undefined;
    const tag = event.fdTag;
    let closesDatagrams: Set<Endpoint> | undefined;
    // A send whose peer is its own tuple= (an unconnected datagram socket).
    let datagram = false;
    // What datagrams and sockets whose fd names no pair need is in messageEnter and closeEnter:
    // kept out of this function, which runs for every enter, so that it stays small.
    if (tag !== undefined && event.local === undefined && event.fd !== undefined) {
      if (role === 'write' || role === 'read') {
        // On a datagram socket (or one sysdig has not typed, `<4>`), a send's `tuple=` names the
        // peer of that message, whatever the fd's name says.
        const messages = tag.length <= 2 && tag !== 'u' && tag.charCodeAt(tag.length - 1) !== 116 /* t */;
        if (address === undefined || messages) {
          address = this.messageEnter(event, role, address, messages);
          unpaired = this.enterUnpaired;
          datagram = this.enterDatagram;
        }
      } else if (role === 'close' || role === 'shutdown') {
        address = this.closeEnter(event, address);
        closesDatagrams = this.enterClosesDatagrams;
      }
    }
    // A connect's fd has no address yet (`> connect fd=26(<u>)`); its exit brings the tuple.
    const isSocketConnect = role === 'connect' && (event.fdTag === undefined || /^[46u]/.test(event.fdTag));
    // An accept names the listening socket, which is not one end of the new connection.
    const waits = !address && event.local !== undefined && role !== 'accept';
    // The lean analysis needs no fcntl or getsockopt: findings come from I/O, opens and closes.
    const needed = this.retainCalls || role !== 'other';
    if (!needed || (!address && !unpaired && !isSocketConnect && role !== 'accept' && !waits)) {
      this.pending.set(event.tid, event.type);
      return;
    }
    // newCall gave the call the enter's fd column.
    const call = this.newCall(event, role);
    call.enterNum = event.num;
    call.enterLine = event.line;
    call.size = event.size;
    const known = waits ? this.joins.endpointByLocal.get(event.local!) : undefined;
    if (address) {
      this.attach(call, address, undefined, event.local);
      if (datagram && call.endpoint !== undefined) this.rememberDatagram(event.process, call.fd, call.endpoint);
    }
    else if (known && known.closed === undefined) {
      // This end is already in a connection: strace dropped the peer from the name (the peer
      // closed: `14<UNIX-STREAM:[1550442]>`; a TCP socket past its FIN: `14<TCP:[1542938]>`).
      const connection = known.connection;
      this.attach(call, { kind: connection.kind, key: connection.key, tuple: connection.tuple, path: connection.path }, undefined, known.local);
    } else if (waits && this.joins.peerOfSide.has(event.local!) && this.joins.peerOfSide.get(event.local!)!.endpoints.length === 1) {
      // This end's peer named it (`1525185->1525945`) and closed before this end's first call
      // of the trace, which now names only its own inode:
      //   23739 12:13:52.063845 read(19<UNIX-STREAM:[1525945]>,  <unfinished ...>
      const connection = this.joins.peerOfSide.get(event.local!)!;
      this.attach(call, { kind: connection.kind, key: connection.key, tuple: connection.tuple, path: connection.path }, undefined, event.local);
    } else if (waits) {
      this.joins.wait(event.local!, call);
      // Closed without a line ever naming its peer: the peer is not in the capture.
      if (role === 'close') this.joins.joinAlone(event.local!);
    }
    this.markClose(call, role);
    if (closesDatagrams !== undefined) {
      for (const end of closesDatagrams) {
        if (end === call.endpoint || end.closed !== undefined) continue;
        end.closed = call;
        if (!this.retainCalls) this.releaseIfDone(end.connection);
      }
    }
    this.pending.set(event.tid, call);
    if (role === 'connect' && event.fdTag !== undefined) this.pendingTag.set(event.tid, { call, tag: event.fdTag });
    if (event.local !== undefined) this.pendingLocal.set(event.tid, event.local);
    if (unpaired) this.pendingUnpaired.set(event.tid, { call, address: unpaired });
  }

  /**
   * addEnter's read or write on a socket whose fd names no pair, or on a datagram socket:
   * the address its bytes go to (or undefined), with enterUnpaired and enterDatagram set.
   *   `> sendto fd=3(<4>0.0.0.0:0) size=95 tuple=0.0.0.0:55658->100.64.0.10:53`
   */
  private messageEnter(event: TraceEvent, role: EventRole, known: SocketAddress | undefined, messages: boolean): SocketAddress | undefined {
    let address = known;
    this.enterUnpaired = undefined;
    this.enterDatagram = false;
    const tag = event.fdTag!;
    if (!SOCKET_TAGS.has(tag)) return address;
    // `messages`: a datagram socket. sysdig names an unconnected one after its last datagram,
    // e.g. `fd=3(<4u>100.64.0.10:53->100.64.0.10:53)`: its name says nothing of this message's peer.
    if (role === 'write') {
      const peer = messages ? this.ownAddress(datagramAddress(tag, this.tupleOf(event))) : undefined;
      if (peer !== undefined) {
        address = peer;
        this.enterDatagram = true;
      }
      // A socket whose fd names no pair (`fd=14(<u>)`, `fd=3(<4>0.0.0.0:0)`, `fd=74(<u>/var/run/docker.sock)`).
      address ??= this.unpairedAddress(event);
    } else if (address === undefined || event.type === 'recvfrom' || event.type === 'recvmsg') {
      // A receive's sender is on its exit; the fd's name (or its unpaired conversation) is the fallback.
      this.enterUnpaired = address ?? this.unpairedAddress(event);
      address = undefined;
    }
    return address;
  }

  /**
   * addEnter's close or shutdown of a socket: the address it ends (or undefined), with
   * enterClosesDatagrams set to the conversations this fd's datagrams had, each with its own
   * peer: the close ends them all.
   *   `> close fd=3(<4u>100.64.0.10:53->100.64.0.10:53)`
   */
  private closeEnter(event: TraceEvent, known: SocketAddress | undefined): SocketAddress | undefined {
    let address = known;
    this.enterClosesDatagrams = undefined;
    const tag = event.fdTag!;
    if (!SOCKET_TAGS.has(tag)) return address;
    const closesDatagrams = this.datagramEnds.size > 0 ? this.datagramEnds.get(`${event.process}|${event.fd}`) : undefined;
    if (closesDatagrams !== undefined) this.datagramEnds.delete(`${event.process}|${event.fd}`);
    if (address === undefined) {
      // A close ends an unpaired socket's conversation, if it had one; alone it is not one.
      const unpaired = this.unpairedAddress(event);
      if (this.live.has(unpaired.key)) address = unpaired;
    } else if ((tag === '4u' || tag === '6u') && !this.live.has(address.key)) {
      // An unconnected datagram socket is named after its last datagram, even
      // `<4u>100.64.0.10:53->100.64.0.10:53`: a close on a name no message used opens nothing.
      address = undefined;
    }
    if (address === undefined && closesDatagrams !== undefined) {
      let last: Connection | undefined;
      for (const end of closesDatagrams) last = end.connection;
      if (last !== undefined) address = { kind: last.kind, key: last.key, tuple: last.tuple, path: last.path };
    }
    this.enterClosesDatagrams = closesDatagrams;
    return address;
  }

  /**
   * The conversation of a socket whose fd names no address pair, e.g.
   *   `1522 22:31:12.092363193 0 docker (25689) > write fd=5(<u>) size=3`
   *   `1533 22:31:12.092451355 3 dockerd (29622) > read fd=20(<u>/var/run/docker.sock) size=32768`
   * sysdig prints that for sockets it learnt of from /proc when the capture started. Such a
   * socket is one process's fd with an unknown peer. The key is the process name and the fd,
   * not the pid: a clone exit may tell the pid of one thread and not of the next. Two
   * processes of one name that the pids tell apart are two endpoints, neither the other's peer.
   */
  private unpairedAddress(event: TraceEvent): SocketAddress {
    const name = event.fdName ?? '';
    const key = `?|${event.process}|${event.fd}|${event.fdTag}|${name}`;
    const known = this.unpairedCache.get(key);
    if (known !== undefined) return known;
    if (this.unpairedCache.size >= LEAN_ADDRESS_CACHE_LIMIT) this.unpairedCache.clear();
    const printed = `fd=${event.fd}(<${event.fdTag}>${name})`;
    const address: SocketAddress = {
      kind: kindOfTag(event.fdTag!),
      key: this.own(`?|${event.process}|${event.fd}`),
      tuple: '',
      path: event.fdTag === 'u' && name.length > 0 ? this.own(name) : undefined,
      unknownPeer: this.own(printed),
    };
    this.unpairedCache.set(this.own(key), address);
    return address;
  }

  /**
   * ROLE_BY_TYPE's answer for a syscall name. Both parsers give one string object per name, and
   * a Map finds its own key by identity; ROLE_BY_TYPE's keys are other objects, so each lookup
   * there compares the characters. A dump has a few hundred names: the map stays small.
   */
  roleOf(type: string): EventRole {
    let role = this.roles.get(type);
    if (role === undefined) {
      role = EVENT_ROLE_BY_TYPE.get(type) ?? 'other';
      if (this.roles.size < 4096) this.roles.set(type, role);
    }
    return role;
  }

  /**
   * A close takes effect at its enter: that is the moment the peer's next write can fail.
   * `role` is the call's, which addEnter knows already (the getter is a call per socket call).
   */
  private markClose(call: Syscall, role: CallRole = call.role): void {
    const endpoint = call.endpoint;
    if (!endpoint || call.enterLine < 0) return;
    if (role === 'close') {
      endpoint.closed ??= call;
      if (!this.retainCalls) this.releaseIfDone(endpoint.connection);
      else this.trimIfDone(endpoint.connection);
    } else if (role === 'shutdown') {
      endpoint.shutdown ??= call;
    }
  }

  // `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........`
  private addExit(event: TraceEvent): void {
    const pending = this.pending.get(event.tid);
    let call: Syscall | undefined;
    let local: string | undefined;
    let unpaired: SocketAddress | undefined;
    if (typeof pending === 'string' && pending === event.type) {
      this.pending.set(event.tid, undefined);
      return;
    }
    if (pending !== undefined && typeof pending !== 'string' && pending.type === event.type) {
      this.pending.set(event.tid, undefined);
      call = pending;
      if (this.pendingLocal.size > 0) {
        local = this.pendingLocal.get(event.tid);
        this.pendingLocal.delete(event.tid);
      }
      if (this.pendingUnpaired.size > 0) {
        const entry = this.pendingUnpaired.get(event.tid);
        if (entry !== undefined && entry.call === call) {
          unpaired = entry.address;
          this.pendingUnpaired.delete(event.tid);
        }
      }
    } else {
      // A new thread's first line is the exit of the clone that made it: not an orphan.
      if (PID_TYPES.has(event.type)) return;
      // Exit lines carry no fd, so an exit without its enter (the syscall was in progress
      // when the capture started) can only be placed when it names its socket itself.
      this.stats.orphanExits++;
      if (pending !== undefined) this.pending.set(event.tid, undefined);
      const address = this.socketAddress(event.fdTag, event.fdName);
      if (!address) return;
      const role = this.roleOf(event.type);
      call = this.newCall(event, role === 'event' ? 'other' : role);
    }
    call.exitNum = event.num;
    call.exitLine = event.line;
    if (event.errno !== undefined && !Number.isNaN(event.time)) call.exitTime = event.time;
    call.res = event.res;
    // A call has no errno before its exit: only a failed one needs the side table's setter.
    if (event.errno !== undefined) call.errno = this.intern(event.errno);
    call.resCol = event.resCol;
    if (call.size === undefined) call.size = event.size;

    const callRole = call.role;
    if (callRole === 'accept') {
      // `< accept fd=10(<u>A->B /tmp/helloFastCGI.s) tuple=A->B /tmp/helloFastCGI.s queuepct=0`
      if (event.fd === undefined || event.fd < 0) return;
      call.fd = event.fd;
      call.fdCol = event.fdCol;
      const address = this.socketAddress(event.fdTag, event.fdName) ?? this.ownAddress(addressOfTuple(undefined, this.tupleOf(event)));
      if (address) this.attach(call, address, 'accept', event.local);
      return;
    }
    if (callRole === 'connect') {
      // `< connect res=0 tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s`; a failed
      // connect (`res=-2(ENOENT) tuple=0->ffff...`) opens nothing. EINPROGRESS is a non-blocking
      // connect that completes later, so it does open the connection.
      const pendingTag = this.pendingTag.get(event.tid);
      let fdTag: string | undefined;
      if (pendingTag !== undefined && pendingTag.call === call) {
        fdTag = pendingTag.tag;
        this.pendingTag.delete(event.tid);
      }
      if (call.res === undefined || (call.res < 0 && call.errno !== 'EINPROGRESS')) return;
      const address = this.ownAddress(addressOfTuple(fdTag === 'u' ? 'u' : fdTag, this.tupleOf(event)));
      if (address && !call.endpoint) this.attach(call, address, 'connect', local);
      else if (call.endpoint && call.endpoint.opened === undefined) {
        // strace: the peer's accept named this socket while the connect was in flight
        //   23738 12:13:52.063928 connect(21<UNIX-STREAM:[1525187]>, {...}, 21 <unfinished ...>
        //   23897 12:13:52.064111 accept4(3<...>, ...) = 5<UNIX-STREAM:[1525188->1525187,"/tmp/helloFastCGI.s"]>
        //   23738 12:13:52.064158 <... connect resumed>) = 0
        // so the connect joined as an end of unknown role; its success opens that end.
        call.endpoint.opened = call;
        call.endpoint.role = 'connect';
      }
      return;
    }
    if (!call.endpoint && unpaired) {
      // With -A, -x or -X the payload is on the lines below, and the tuple after it: wait for them.
      const tuple = this.tupleOf(event);
      if (tuple === undefined && this.recordOpen) {
        this.awaitingTuple = { call, unpaired, tuple: undefined };
        return;
      }
      this.receiveFrom(call, unpaired, tuple);
      return;
    } else if (!call.endpoint) {
      const address = this.socketAddress(event.fdTag, event.fdName);
      // A call waiting for its pair is counted when it joins its connection.
      if (!address) return;
      if (call.fd < 0 && event.fd !== undefined) call.fd = event.fd;
      this.attach(call, address, undefined, event.local);
      if (!call.endpoint) return;
    }
    this.account(call, callRole);
  }

  /** An event's `tuple=`: the byte reader decodes it only when asked (ScannedLine.lineTuple). */
  private tupleOf(event: TraceEvent): string | undefined {
    return event.tuple !== undefined || !this.stringsOwned ? event.tuple : this.scannerLine!.lineTuple();
  }

  /**
   * A receive on a socket whose fd names no pair (or a datagram socket): the `tuple=` of its
   * exit names the sender of that message; without one, the bytes (or the end of file) go to
   * the socket's own conversation.
   */
  private receiveFrom(call: Syscall, unpaired: SocketAddress, tuple: string | undefined): void {
    const family = unpaired.kind === 'unix' ? 'u' : unpaired.kind === 'udp6' || unpaired.kind === 'ip6' || unpaired.kind === 'tcp6' ? '6' : '4';
    const peer = this.ownAddress(datagramAddress(family, tuple));
    const address = peer
      ?? ((call.res !== undefined && call.res > 0) || this.live.has(unpaired.key) || unpaired.unknownPeer === undefined ? unpaired : undefined);
    if (!address) return;
    this.attach(call, address, undefined);
    if (!call.endpoint) return;
    if (peer !== undefined) this.rememberDatagram(call.process, call.fd, call.endpoint);
    this.account(call);
  }

  /**
   * An endpoint that a datagram's tuple= chose, by the process and fd that sent or received it:
   * the fd's close, which names the socket by its last datagram or not at all, ends them all.
   */
  private rememberDatagram(process: string, fd: number, endpoint: Endpoint): void {
    const key = `${process}|${fd}`;
    const ends = this.datagramEnds.get(key);
    // A Set: a DNS server's one socket answers thousands of peers.
    if (ends === undefined) this.datagramEnds.set(key, new Set([endpoint]));
    else ends.add(endpoint);
  }

  /**
   * The last line of a receive's multi-line record (-A, -x, -X) ends with its tuple:
   *   `	0x0040: 0001 0000 003c 002a 026e 7303 646e 73c0`
   *   ` tuple=100.64.0.10:53->0.0.0.0:34854 `
   */
  private continuationTuple(text: string, start: number, stop: number): void {
    let end = stop;
    if (end > start && text.charCodeAt(end - 1) === SPACE) end--;
    // The value has no space, so the search stops at the line's last space. A loop, not
    // lastIndexOf: that would search on before the line, through the whole document.
    for (let at = end - 1; at >= start; at--) {
      if (text.charCodeAt(at) !== SPACE) continue;
      if (at + 7 < end && text.startsWith(' tuple=', at)) this.awaitingTuple!.tuple = this.own(text.slice(at + 7, end));
      return;
    }
  }

  /** The record of a receive that waited for its tuple has ended: place its bytes. */
  private settleAwaitingTuple(): void {
    const { call, unpaired, tuple } = this.awaitingTuple!;
    this.awaitingTuple = undefined;
    this.receiveFrom(call, unpaired, tuple);
  }

  /** Moves a finished read or write's bytes into its direction of the stream. */
  private account(call: Syscall, role: CallRole = call.role): void {
    const res = call.res ?? 0;
    const endpoint = call.endpoint!;
    // Read once (or given by addExit, which read it): the role and errno are getters of the
    // compact Syscall, costly until V8 optimises.
    const errno = call.errno;
    if (!this.retainCalls && (errno === 'EPIPE' || errno === 'ECONNRESET')) endpoint.connection.calls.push(call);
    if (!this.retainCalls && (role === 'read' || role === 'write')) this.sampleCall(call, res, role === 'write');
    if (role === 'write' && res > 0) {
      call.rangeStart = endpoint.bytesWritten;
      endpoint.bytesWritten += res;
      // A first element as a literal: grown by push, a list of one has room for 17 (128 bytes
      // more for each of millions of connections left open, issue 12). It also takes the
      // place of NO_CALLS, which an end starts with and which must stay empty.
      if (endpoint.writes.length === 0) endpoint.writes = [call];
      else endpoint.writes.push(call);
    } else if (role === 'read') {
      if (res > 0) {
        call.rangeStart = endpoint.bytesRead;
        endpoint.bytesRead += res;
        if (!this.retainCalls) this.forgetConsumed(endpoint, call);
        else if (endpoint.reads.length === 0) endpoint.reads = [call];
        else endpoint.reads.push(call);
      } else if (res === 0 && errno === undefined) {
        endpoint.eof ??= call;
      }
    }
  }

  /**
   * Lean mode: the first reads and writes of a direction whose writer did not open inside the
   * capture (or is not seen yet), with their payloads, for alignment.ts once the connection
   * ends. The language server reads the same from its calls and its text.
   */
  private sampleCall(call: Syscall, res: number, write: boolean): void {
    const endpoint = call.endpoint!;
    // A read before the writer's first event took bytes written before the capture: alignment
    // leaves it out (alignment.ts), and a connection whose peer is never seen costs nothing.
    const writer = write ? endpoint : peerOf(endpoint);
    if (writer === undefined || writer.opened !== undefined || (write && res <= 0)) return;
    let sample = endpoint.sample;
    if (sample === undefined) sample = endpoint.sample = { writes: [], reads: [], readCalls: [], payloads: new Map(), full: false };
    if (sample.full) return;
    if (write) sample.writes.push(call);
    else {
      sample.readCalls.push(call);
      if (res > 0) sample.reads.push(call);
    }
    if (sample.writes.length > ALIGNMENT_CALLS || sample.readCalls.length > ALIGNMENT_CALLS) {
      endpoint.sample = { writes: [], reads: [], readCalls: [], payloads: new Map(), full: true };
      return;
    }
    if (res <= 0 || call.exitLine !== this.lineNow) return;
    // Only the part from `res=` on: `res=141 data=` and at most 80 characters of payload.
    const resCol = call.resCol;
    if (resCol < 0) return;
    // The same reader as the language server's, on that part of the exit line alone: the
    // payload's lines below (-x, -X, -A) are not read yet, so only sysdig's printable form counts.
    // The byte reader reads it from its bytes as readPayload would from the text.
    const payload = this.stringsOwned ? this.scannerLine?.linePayload(resCol, PAYLOAD_SPAN, res)
      : positional(readPayload(oneLine(call.exitLine,
        this.spanText.slice(this.spanStart + resCol, Math.min(this.spanEnd, this.spanStart + resCol + PAYLOAD_SPAN))), call));
    // Its own copy: a line the JavaScript path parsed may be a slice of a 256 KiB chunk.
    if (payload !== undefined && payload.form === 'printable') sample.payloads.set(call, payload);
  }

  /**
   * Lean mode: findings need only the reader's last read and the writes not yet fully read,
   * so everything the reader has consumed is dropped as it goes.
   */
  private forgetConsumed(reader: Endpoint, read: Syscall): void {
    // Setting an array's length is a call into the runtime: overwrite the one element instead.
    // The first read takes the place of NO_CALLS (see account) with a list of one: emptied and
    // grown by push, the list would have room for 17.
    if (reader.reads.length === 1) reader.reads[0] = read;
    else reader.reads = [read];
    const writer = peerOf(reader);
    // Offsets are the reader's: they say what was consumed only when the writer opened inside
    // the capture. Otherwise the writes wait for alignment.ts, as long as it may use them.
    // Consumed writes go 16 at a time: a splice per read would cost more than it frees, and
    // with 64 a long-lived connection's read writes lived long enough to be promoted to V8's
    // old generation, only to die there (1 000 connections open at once, each 50 writes and
    // reads: 4 % fewer instructions, the garbage collector's share down from 109 M to 49 M).
    if (!writer || writer.writes.length < CONSUMED_WRITES || (writer.opened === undefined && !writer.sample?.full)) return;
    let consumed = 0;
    while (consumed < writer.writes.length && writer.writes[consumed].rangeEnd <= reader.bytesRead) consumed++;
    if (consumed > 0) writer.writes.splice(0, consumed);
  }

  /**
   * A string that does not keep its input alive. The language server's input is the document,
   * which it keeps anyway, so a slice of it is fine. The CLI's byte scanner hands over strings
   * of their own (names decoded once, a tuple decoded alone): a slice of one pins only that.
   * A line the CLI parses in JavaScript may be up to 1 MB, so what is cut from it is copied.
   * Nothing is pooled: per-connection strings die with it.
   */
  private own(text: string): string {
    return this.retainCalls || this.stringsOwned ? text : detach(text);
  }

  /** An address parsed from a line's `tuple=`, with its strings copied out of the line. */
  private ownAddress(address: SocketAddress | undefined): SocketAddress | undefined {
    // The byte reader's tuple is a string of its own already: the address is as good as a copy.
    if (address === undefined || this.retainCalls || this.stringsOwned) return address;
    return { kind: address.kind, key: this.own(address.key), tuple: this.own(address.tuple), path: address.path === undefined ? undefined : this.own(address.path) };
  }

  /**
   * One copy of each errno name. A name sliced from the input line would keep the line's
   * whole chunk in memory, so the first occurrence is copied out of it.
   */
  private intern(text: string): string {
    let copy = this.errnos.get(text);
    if (copy === undefined) {
      copy = detach(text);
      this.errnos.set(copy, copy);
    }
    return copy;
  }

  private newCall(event: TraceEvent, role: CallRole): Syscall {
    const call = new Syscall(this.callCount++, event.type, role, event.process, event.tid, event.fd ?? -1, event.exit ? -1 : event.fdCol, event.typeCol);
    if ((role === 'close' || role === 'shutdown') && !event.exit && !Number.isNaN(event.time)) call.enterTime = event.time;
    if (this.retainCalls) this.calls.push(call);
    return call;
  }

  /**
   * Ties a call to the endpoint (process, fd) of the connection live on its address, starting
   * a new connection when the address is being reused: after both ends closed, or when a
   * second connect/accept arrives for an end that was already opened.
   */
  private attach(call: Syscall, address: SocketAddress, opening: 'connect' | 'accept' | undefined, local?: string): void {
    // strace: an IP end is also known by its thread and fd (see threadFdKey).
    const fdKey = local !== undefined && address.kind !== 'unix' ? threadFdKey(local.slice(0, local.indexOf(':')), call.tid, call.fd) : undefined;
    if (local !== undefined && this.joins.waitingByLocal.size > 0) this.joins.joinWaiting(address, local, fdKey);
    const pid = this.pidOfTid.size > 0 ? this.pidOfTid.get(call.tid) : undefined;
    // Most calls come with a cached address (socketAddress) that holds their connection already.
    const cached = (address as CachedAddress).connection;
    const found = cached !== undefined ? cached : this.live.get(address.key);
    let connection = typeof found === 'string' ? this.unpackLive(address.key, found) : found;
    // Both ends' names (and a connect's tuple) give the same key in different string objects.
    // Adopting the live connection's one lets the next lookup from this address find it by
    // identity, without comparing its 40 characters again.
    // The key of a connection found through the address's cache entry was adopted when cached.
    if (connection !== undefined && connection !== cached && connection.key !== address.key) address.key = connection.key;
    let endpoint: Endpoint | undefined;
    if (connection) {
      let allClosed = true;
      for (const e of connection.endpoints) {
        if (sameEnd(e, call, pid, local)) endpoint = e;
        if (e.closed === undefined) allClosed = false;
      }
      let reopened = false;
      if (opening !== undefined) {
        for (const e of connection.endpoints) {
          if (e.opened !== undefined && (e === endpoint || e.role === opening)) reopened = true;
        }
      }
      // strace says which end a call is on: the end a closed one names as its peer is the
      // other end of the same connection, not a reuse of the addresses (a client that wrote
      // and closed before the server's accept; a trace that starts with one end's last writes).
      // A connect after the other end closed is a new connection on reused addresses.
      if (allClosed && !reopened && endpoint === undefined && opening !== 'connect' && local !== undefined && isPeerSide(connection, local)) allClosed = false;
      if (allClosed || reopened) {
        // Replaced in the live map below (unless over budget: then it is looked up there again).
        this.forgetCached(connection);
        connection = undefined;
        endpoint = undefined;
      }
    }
    if (!connection && this.budgetReached()) {
      this.stats.overBudgetSocketCalls++;
      return;
    }
    if (!connection) {
      connection = {
        // The list loses released connections: ids count the connections made.
        id: this.packing === undefined ? this.connections.length : this.packing.created++,
        kind: address.kind,
        datagram: address.kind === 'udp4' || address.kind === 'udp6',
        // Addresses reach here owned (socketAddress, ownAddress): no slice of the input.
        key: address.key,
        tuple: address.tuple,
        path: address.path,
        lineNumbered: this.format !== undefined && !this.format.hasEventNumbers,
        endpoints: [],
        calls: [],
        released: false,
        pairedLine: -1,
      };
      if (address.unknownPeer !== undefined) connection.unknownPeer = address.unknownPeer;
      this.connections.push(connection);
      this.stats.connections++;
      this.live.set(connection.key, connection);
      // While few connections are live, none will need packing: a connection made then that
      // stays open counts towards the live ones of every later one, so at most half of
      // hotConnections are left out of the queue for good.
      if (this.packing !== undefined && this.live.size * 2 > this.packing.limit) queueHot(this.packing, connection, this.callCount);
    } else if (connection.kind !== address.kind && (address.kind === 'tcp4' || address.kind === 'tcp6')
      && connection.kind === (address.kind === 'tcp4' ? 'ip4' : 'ip6')) {
      // `> connect fd=1(<4>)` names the family alone (its exit's tuple= the addresses); a later
      // `<4t>`, on either end, says it is TCP (sysdig-inspect__502Error: haproxy → python).
      connection.kind = address.kind;
    }
    // Only socketAddress's addresses have a tag: the next call with this one finds its connection
    // here. Lean mode only: the language server keeps every connection live to the end, and
    // cachedBy would hold an entry for each.
    if (cached !== connection && connection !== undefined && this.packing !== undefined && (address as CachedAddress).tag !== undefined) {
      this.cacheConnection(address as CachedAddress, connection);
    }
    if (!endpoint) {
      // A third holder of the same socket (a forked child, a dup) is an endpoint too: sysdig
      // counts its bytes per process and fd. Which end it shares is not known, so a
      // connection with more than two ends claims no peer (peerOf).
      endpoint = newEndpoint(this.endpointCount++, connection, call.process, pid, local, [call.tid], call.fd, 'unknown');
      if (connection.endpoints.length === 0) connection.endpoints = [endpoint];
      else connection.endpoints.push(endpoint);
      if (connection.endpoints.length === 2) connection.pairedLine = this.lineNow;
      if (local !== undefined) this.joins.endpointByLocal.set(local, endpoint);
    } else if (endpoint.tids[0] !== call.tid && endpoint.tids.length < MAX_ENDPOINT_TIDS && !endpoint.tids.includes(call.tid)) {
      // A new thread of this end. Most ends have one: it is compared before the list is searched.
      endpoint.tids.push(call.tid);
    }
    if (opening !== undefined && endpoint.opened === undefined) {
      endpoint.opened = call;
      endpoint.role = opening;
    }
    if (endpoint.pid === undefined && pid !== undefined) endpoint.pid = pid;
    if (fdKey !== undefined) this.joins.endpointByLocal.set(fdKey, endpoint);
    if (local !== undefined && address.kind === 'unix' && connection.endpoints.length === 1 && endpoint.local === local) {
      const side = peerSideOf(connection.tuple, local);
      if (side !== undefined) this.joins.peerOfSide.set(`u:${side}`, connection);
    }
    call.endpoint = endpoint;
    // Lean mode keeps no per-call lists: the failures findings need are kept at their exit.
    endpoint.firstCall ??= call;
    endpoint.lastCall = call;
    endpoint.callCount++;
    if (this.retainCalls) connection.calls.push(call);
  }

  /**
   * Whether a new connection must be left out: lean mode, out of memory (see overBudget). Once
   * reached, the budget stays reached, so that what is followed is a clean set of connections.
   */
  private budgetReached(): boolean {
    if (this.overBudget) return true;
    if (this.retainCalls || this.options.overBudget === undefined) return false;
    // Checked every 4 096 new connections: reading the heap's size is not free.
    if ((++this.newConnections & 4095) !== 0 || !this.options.overBudget()) return false;
    this.overBudget = true;
    this.addressCache.clear();
    return true;
  }

  /** attach's connection for the next call with `entry` (CachedAddress). */
  private cacheConnection(entry: CachedAddress, connection: Connection): void {
    entry.connection = connection;
    entry.sameConnection = this.cachedBy.get(connection);
    this.cachedBy.set(connection, entry);
  }

  /**
   * A connection leaves the live map: the cache entries that held it let go of it. A released
   * connection's names come back only if its addresses are reused, so with `evict` its entries
   * leave the cache too: kept until the cache filled up (4 096 names), they lived long enough
   * to be promoted to V8's old generation, to die there, and their number made V8 allocate
   * them there directly; either way the old generation grew until a full collection.
   */
  private forgetCached(connection: Connection, evict = false): void {
    let entry = this.cachedBy.get(connection);
    if (entry === undefined) return;
    this.cachedBy.delete(connection);
    while (entry !== undefined) {
      const next: CachedAddress | undefined = entry.sameConnection;
      if (evict && this.addressCache.get(entry.name) === entry) this.addressCache.delete(entry.name);
      if (entry.connection === connection) entry.connection = undefined;
      entry.sameConnection = undefined;
      entry = next;
    }
  }

  /** In lean mode: once every end has closed, report the connection's findings and drop its calls. */
  private releaseIfDone(connection: Connection, now = false): void {
    for (const e of connection.endpoints) if (e.closed === undefined) return;
    if (connection.released) return;
    if (!now && connection.endpoints.length === 1 && connection.endpoints[0].local !== undefined) {
      // strace: the other end may still come (a server's late accept4 after the client wrote
      // and closed, see isPeerSide). The language server would join them, so the CLI waits as
      // well, for the next CLOSED_ALONE_LIMIT such connections at most.
      if (this.joins.closedAlone.length === 0 || this.joins.closedAlone[this.joins.closedAlone.length - 1] !== connection) this.joins.closedAlone.push(connection);
      if (this.joins.closedAlone.length > CLOSED_ALONE_LIMIT) this.releaseIfDone(this.joins.closedAlone.shift()!, true);
      return;
    }
    connection.released = true;
    alignConnection(connection, sampledPayload, true);
    connectionFindings(connection, this.options, this.findings);
    // Nothing more can happen on it: a new event on its address starts a new connection.
    if (this.live.get(connection.key) === connection) this.live.delete(connection.key);
    this.forgetCached(connection, true);
    if (!this.options.keepConnections) {
      // Most connections close soon after they open, near the list's end: the last connection
      // takes their place there (finish puts the list back in order of creation). Older ones
      // are dropped in batches: finding each would cost the list's length, quadratic when
      // connections close in the order they opened (issue 12). A splice moved the ones after
      // it and made a list of the one removed, for every connection.
      const list = this.connections;
      let at = list.length - 1;
      while (at >= 0 && at >= list.length - RECENT_CONNECTIONS && list[at] !== connection) at--;
      if (at >= 0 && list[at] === connection) {
        const last = list.pop()!;
        if (last !== connection) {
          list[at] = last;
          this.packing!.outOfOrder = true;
        }
      } else if (++this.releasedInList >= 1024 && this.releasedInList * 2 >= list.length) this.dropReleased();
    }
    // The lists let go of their calls (connection.calls: one already empty is kept).
    if (connection.calls.length > 0) connection.calls = [];
    for (const e of connection.endpoints) {
      if (e.local !== undefined) this.joins.forgetLocal(e);
      e.firstCall = undefined;
      e.lastCall = undefined;
      e.writes = NO_CALLS as Syscall[];
      e.reads = NO_CALLS as Syscall[];
      e.sample = undefined;
    }
  }

  /**
   * Retain mode: once every end has closed, the connection's lists are copied to their exact
   * size (see finish), now rather than at the end. Copied at the end, 11 000 connections'
   * grown lists would all die at once among the calls that stay, scattered over the heap's
   * pages, and V8 keeps such half-empty pages: 6 MB for the bench's dump. Dying soon after
   * they are made, most never leave the young generation. A call that comes later (a read
   * that returns after another thread's close) still lands in its list.
   */
  private trimIfDone(connection: Connection): void {
    for (const e of connection.endpoints) if (e.closed === undefined) return;
    if (this.trimmed.get(connection) === connection.calls.length) return;
    trimLists(connection);
    this.trimmed.set(connection, connection.calls.length);
  }

  /**
   * Lean mode: removes the released connections (unless they are kept) and the packed ones from
   * the list, keeping the order of the others.
   */
  private dropReleased(): void {
    const keepReleased = this.options.keepConnections === true;
    let kept = 0;
    for (const connection of this.connections) {
      if (connection.endpoints !== PACKED && (keepReleased || !connection.released)) this.connections[kept++] = connection;
    }
    this.connections.length = kept;
    this.releasedInList = 0;
  }

  /** Lean mode: a connection becomes objects again (leanPack.ts), live and in the list. */
  private unpackLive(key: string, packed: string): Connection {
    const packing = this.packing!;
    const connection = packing.packer.unpack(key, packed);
    this.live.set(key, connection);
    this.connections.push(connection);
    packing.outOfOrder = true;
    queueHot(packing, connection, this.callCount);
    return connection;
  }

  /**
   * Lean mode, more connections as objects than hotConnections: the one queued first is packed
   * if it has been idle since (no call), else queued again. A connection that can never be
   * packed (strace's local ends, datagrams) leaves the queue and stays as it is.
   */
  private coolOne(packing: Packing): void {
    const key = packing.hot[packing.head]!;
    const since = packing.since[packing.head];
    packing.hot[packing.head++] = undefined;
    if (packing.head >= 1024 && packing.head * 2 >= packing.hot.length) {
      packing.hot.splice(0, packing.head);
      packing.since.splice(0, packing.head);
      packing.head = 0;
    }
    // Released, or packed already (a key queued twice: released, then used again).
    const connection = this.live.get(key);
    if (connection === undefined || typeof connection === 'string' || connection.released) return;
    const state = this.packability(connection, since);
    if (state === 'later') queueHot(packing, connection, this.callCount);
    if (state !== 'yes') return;
    const packed = packing.packer.pack(connection);
    // A key made by concatenation is a chain of pieces, each a view into a longer name; reading
    // a character makes V8 copy it into one flat string, and the pieces are then garbage.
    connection.key.charCodeAt(0);
    this.live.set(connection.key, packed);
    this.forgetCached(connection);
    // The object stays in the list until dropReleased: it keeps nothing else alive.
    connection.endpoints = PACKED;
    connection.calls = [];
    if (++this.releasedInList >= 1024 && this.releasedInList * 2 >= this.connections.length) this.dropReleased();
  }

  /**
   * Whether a connection can be packed now: idle since `since`, no pending call or waiting
   * receive on one of its ends (they hold its objects), and nothing that keeps it elsewhere.
   */
  private packability(connection: Connection, since: number): Packability {
    for (const e of connection.endpoints) if (e.lastCall !== undefined && e.lastCall.id >= since) return 'later';
    if (connection.datagram) return 'never';
    for (const e of connection.endpoints) {
      // A pending call's thread is among its end's threads, as long as all are listed.
      if (e.local !== undefined || e.tids.length >= MAX_ENDPOINT_TIDS) return 'never';
      for (const tid of e.tids) {
        const pending = this.pending.get(tid);
        if (pending !== undefined && typeof pending !== 'string' && pending.endpoint === e) return 'later';
      }
      if (this.datagramEnds.size > 0 && this.datagramEnds.get(`${e.process}|${e.fd}`)?.has(e)) return 'never';
    }
    if (this.awaitingTuple?.call.endpoint?.connection === connection) return 'later';
    return packable(connection) ? 'yes' : 'never';
  }

  /**
   * Ends the analysis. With `payloads` (the language server, which keeps the text), the
   * connections the capture joined midway are aligned from their payloads first (alignment.ts).
   */
  finish(payloads?: PayloadSource): Analysis {
    if (this.awaitingTuple !== undefined) this.settleAwaitingTuple();
    for (const local of [...this.waitingByLocal.keys()]) this.joinAlone(local);
    if (this.releasedInList > 0) this.dropReleased();
    const packing = this.packing;
    if (packing === undefined) {
      // Calls are created in dump order of their first line, which is the order features want.
      for (const connection of this.connections) this.finishConnection(connection, payloads);
      this.trimmed.clear();
      // The same for the list of every call: grown by push, it has room for half as many again.
      const calls = this.retainCalls ? this.calls.slice() : this.calls;
      return { stats: this.stats, calls, connections: this.connections, findings: sortFindings(this.findings), format: this.format?.name };
    }
    // Unpacked connections joined the list at its end, released ones left their place to the
    // last one: the list is in order of creation again.
    if (packing.outOfOrder) this.connections.sort((a, b) => a.id - b.id);
    // Lean mode: the packed connections are unpacked one at a time, in order of creation among
    // the others, and with dropOpenConnections dropped once their findings are known: as
    // objects all at once, millions of them would not fit.
    const keep = this.options.dropOpenConnections !== true || this.options.keepConnections === true;
    const kept: Connection[] = [];
    const packed = this.packedInOrder();
    let next = 0;
    const finishPacked = (before: number) => {
      for (; next < packed.order.length && packed.ids[packed.order[next]] < before; next++) {
        const key = packed.keys[packed.order[next]];
        const connection = packing.packer.unpack(key, this.live.get(key) as string);
        this.finishConnection(connection);
        if (keep) kept.push(connection);
      }
    };
    for (const connection of this.connections) {
      finishPacked(connection.id);
      this.finishConnection(connection);
      if (keep) kept.push(connection);
    }
    finishPacked(Infinity);
    return { stats: this.stats, calls: this.calls, connections: kept, findings: sortFindings(this.findings), format: this.format?.name };
  }

  /**
   * Lean mode: the keys of the packed connections and their ids, and the order of creation as
   * indexes into both (a few bytes a connection: there may be millions).
   */
  private packedInOrder(): { keys: string[]; ids: number[]; order: Uint32Array } {
    const keys: string[] = [];
    const ids: number[] = [];
    for (const [key, value] of this.live) {
      if (typeof value !== 'string') continue;
      keys.push(key);
      ids.push(this.packing!.packer.idOf(value));
    }
    const order = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    // Mostly in order already: the live map keeps keys in the order connections were made.
    order.sort((a, b) => ids[a] - ids[b]);
    return { keys, ids, order };
  }

  /** A connection's alignment and findings at the end of the dump. */
  private finishConnection(connection: Connection, payloads?: PayloadSource): void {
    if (payloads !== undefined) alignConnection(connection, payloads);
    else if (!this.retainCalls && !connection.released) alignConnection(connection, sampledPayload, true);
    if (!connection.released) connectionFindings(connection, this.options, this.findings);
    // The language server keeps these lists for as long as the document is open. Grown
    // one push at a time, a short list has room for 17: an exact copy is a third the size.
    if (this.retainCalls && this.trimmed.get(connection) !== connection.calls.length) trimLists(connection);
  }
}

/** Exact copies of a connection's lists of calls, endpoints and threads (see finish). */
function trimLists(connection: Connection): void {
  connection.calls = connection.calls.slice();
  if (connection.endpoints.length > 1) connection.endpoints = connection.endpoints.slice();
  for (const e of connection.endpoints) {
    e.writes = e.writes.slice();
    e.reads = e.reads.slice();
    if (e.tids.length > 1) e.tids = e.tids.slice();
  }
}

/** Lean mode's packing of idle connections (DumpAnalyzer.coolOne, leanPack.ts). */
interface Packing {
  readonly packer: ConnectionPacker;
  /**
   * The keys of connections as objects, oldest first (taken from `head` on), each with the call
   * count when it was queued. Keys, not connections: a connection released soon after it was
   * made must die young, not live on in this queue into the old generation (that cost 15 % of
   * the CLI's instructions on the bench dump).
   */
  readonly hot: (string | undefined)[];
  readonly since: number[];
  head: number;
  /** How many stay objects (AnalyzerOptions.hotConnections). */
  readonly limit: number;
  /** Connections made so far, for their ids. */
  created: number;
  /**
   * Whether the connection list may be out of order of creation: an unpacked connection joined
   * it at its end, or a released one's place went to the last one (releaseIfDone).
   */
  outOfOrder: boolean;
}

/** Queues a connection that is objects now; `callCount` tells later whether it had a call since. */
function queueHot(packing: Packing, connection: Connection, callCount: number): void {
  packing.hot.push(connection.key);
  packing.since.push(callCount);
}

/** A dump of one line, `text` at `line`: what readPayload needs to read one exit line. */
function oneLine(line: number, text: string): DumpLines {
  return { lineCount: line + 1, lineText: (n) => (n === line ? text : '') };
}

/** A payload the lean analysis kept (sampleCall). */
function sampledPayload(call: Syscall): Payload | undefined {
  return call.endpoint?.sample?.payloads.get(call);
}

/** Threads of one process share an fd: same fd, same name, and no pid that says otherwise. */
function sameEnd(endpoint: Endpoint, call: Syscall, pid: number | undefined, local: string | undefined): boolean {
  if (local !== undefined && endpoint.local !== undefined) return local === endpoint.local;
  return endpoint.fd === call.fd && endpoint.process === call.process
    && (pid === undefined || endpoint.pid === undefined || pid === endpoint.pid);
}

/** One short sentence about a line that is not an event, for the unparsed-lines report. */
function describeGarbage(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0e-\x1f]/.test(text.slice(0, 200))) return 'binary data, not text';
  if (/^\d+ /.test(text)) return 'starts like an event but does not have sysdig\'s `num time cpu name (tid) dir type` shape';
  return 'not a sysdig event line';
}
