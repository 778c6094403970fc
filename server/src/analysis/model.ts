// The format-neutral model every feature stands on. Parsers (sysdig today, strace later)
// produce `TraceEvent`s; the analyzer turns them into syscalls, connections, endpoints and
// byte streams. Nothing here knows about VS Code or LSP: positions are 0-based line numbers
// and columns (UTF-16 code units of the line, which are bytes for the ASCII that sysdig prints).

import type { FormatName } from './formats/format';

/** One line-level event as a parser saw it: an enter (`>`) or an exit (`<`) line. */
import type { Payload } from './payload';

export interface TraceEvent {
  /** 0-based line of the record's first line. */
  line: number;
  /** `evt.num` as printed (strace: the line number). */
  num: number;
  /**
   * The time field in ns modulo one day (NaN when it has no dot). Whatever the `-t` mode,
   * differences between two events of one dump are right, except across midnight.
   * The sysdig parser reads the default `HH:MM:SS.nnnnnnnnn` only where the model keeps a
   * time (close and shutdown enters, failed calls) or all fields are asked for; elsewhere it
   * is NaN, which saves a fifth of the cost of a line's header.
   */
  time: number;
  /**
   * The process name. In a streaming analysis (a parse cache given) the sysdig parser reads it
   * only on the lines whose call the model can keep, those that name a socket and connects
   * and accepts; elsewhere it is empty.
   */
  process: string;
  tid: number;
  /** Only known when the dump prints it (`(PID.TID)` in terminal output, clone/execve exits). */
  pid?: number;
  exit: boolean;
  /** Syscall or event name: `read`, `writev`, `accept`, `switch`, ... */
  type: string;
  /** The file descriptor argument (`fd=`, `out_fd=` of sendfile), when the line has one. */
  fd?: number;
  /** What sysdig printed inside the fd's parentheses, split into the `<T>` tag and the name. */
  fdTag?: string;
  fdName?: string;
  /** `res=` as a number; negative results carry the errno name. */
  res?: number;
  errno?: string;
  /** `size=` (the buffer size asked for, not the bytes moved). */
  size?: number;
  /** `tuple=` of connect/accept exits and sendto/recvfrom. */
  tuple?: string;
  /**
   * The fd's own end of the socket, when the format says which it is (strace -yy prints the
   * local inode or address first); it tells the two ends apart where process names are absent.
   */
  local?: string;
  /** Column of the fd value and of the res value, -1 when absent. */
  fdCol: number;
  resCol: number;
  /** Column where the syscall name starts (always present). */
  typeCol: number;
  /**
   * Column where the `data=` value starts, -1 when absent. With `-A` the payload runs on over
   * the next lines, and its length bounds how many of them are payload (analyzer.ts).
   */
  dataCol: number;
}

export type SocketKind = 'unix' | 'tcp4' | 'tcp6' | 'udp4' | 'udp6' | 'ip4' | 'ip6';

/** A half-open range of byte offsets in one direction of a stream: [start, end). */
export interface ByteRange {
  start: number;
  end: number;
}

export type CallRole = 'write' | 'read' | 'connect' | 'accept' | 'close' | 'shutdown' | 'other';

/** The roles in the order Syscall's packed field numbers them (LAST_BYTES_ROLE, CLOSE_ROLE and SHUTDOWN_ROLE below). */
const CALL_ROLES: readonly CallRole[] = ['write', 'read', 'connect', 'accept', 'close', 'shutdown', 'other'];

/**
 * What few calls have, kept beside them rather than in a field every call would pay for: the
 * exit time and errno of a failed call (under 1 % of the calls), and an enter time where
 * Syscall.spot cannot hold it. Weak maps, so that they go with their calls. Syscall's packed
 * field has a bit that says whether a call has any of them, so the others look nothing up.
 * (An enter time is an eighth of the calls: in a weak map, the garbage collector's work on
 * them made the analysis 5 % slower.)
 */
const enterTimes = new WeakMap<Syscall, number>();
const exitTimes = new WeakMap<Syscall, number>();
const errnos = new WeakMap<Syscall, string>();

/**
 * A role's number (its place in CALL_ROLES). Roles are string literals, one object each, so a
 * test is mostly a comparison of two pointers; CALL_ROLES.indexOf called a builtin for every call.
 */
function roleNumberOf(role: CallRole): number {
  switch (role) {
    case 'write': return 0;
    case 'read': return 1;
    case 'connect': return 2;
    case 'accept': return 3;
    case 'close': return 4;
    case 'shutdown': return 5;
    default: return 6;
  }
}

/** The role numbers (CALL_ROLES) of the calls that move bytes, and of those that end a connection. */
const LAST_BYTES_ROLE = 1;
const CLOSE_ROLE = 4;
const SHUTDOWN_ROLE = 5;

/**
 * Syscall.packed, from its lowest bit: whether a side table holds something of the call (1 bit),
 * the role's number (3 bits), then the type, fd and res columns + 1 (8 bits each; 0 is -1,
 * absent). A column of WIDE_COLUMN or more (sysdig prints them within the first hundred
 * characters; a strace line can be longer) has all 8 bits set and its value in wideColumns.
 * 28 bits: a small integer even where V8 keeps only 31 bits of one.
 */
const HAS_RARE = 1;
const ROLE_SHIFT = 1;
const ROLE_BITS = 7;
const TYPE_COL_SHIFT = 4;
const FD_COL_SHIFT = 12;
const RES_COL_SHIFT = 20;
const COLUMN_BITS = 255;
const WIDE_COLUMN = COLUMN_BITS - 1;
/** Columns too wide for Syscall.packed, by the shift of their place in it. */
const wideColumns = new WeakMap<Syscall, Map<number, number>>();

/**
 * One syscall: its enter and exit lines merged (either may be missing).
 *
 * The language server keeps every socket call of a dump for as long as it is open (188 000
 * for the bench's 50 MB dump), so this is a class with as few fields as will do: a JavaScript
 * object in a 64-bit Node costs 8 bytes a field. The role and the three columns share one
 * field (packed), a read or write's byte range is its start alone (its end is start + res),
 * a close's enter time shares a field with the range (a close moves no bytes), and what
 * few calls have is kept in side tables (see enterTimes). Users read them all as
 * before, through getters.
 */
export class Syscall {
  readonly id: number;
  readonly type: string;
  process: string;
  tid: number;
  fd: number;
  /** Event numbers and 0-based lines of the enter and exit records; -1 when not in the dump. */
  enterNum = -1;
  enterLine = -1;
  exitNum = -1;
  exitLine = -1;
  res: number | undefined = undefined;
  /** `size=` (the buffer size asked for, not the bytes moved). */
  size: number | undefined = undefined;
  endpoint: Endpoint | undefined = undefined;
  /**
   * A read or write's rangeStart, a close or shutdown's enterTime: a call has only ever one of
   * them. Undefined when it has none, not -1: a field that starts as a small integer and is
   * then given a time (not one) would make V8 box the field of every call as a double.
   */
  private spot: number | undefined = undefined;
  /** The role, the columns and a bit for the side tables (see HAS_RARE). */
  private packed: number;

  constructor(id: number, type: string, role: CallRole, process: string, tid: number, fd: number, fdCol: number, typeCol: number) {
    this.id = id;
    this.type = type;
    this.process = process;
    this.tid = tid;
    this.fd = fd;
    // Both columns as they nearly always are, in one step: a call is made for every socket call.
    if (typeCol >= -1 && typeCol < WIDE_COLUMN && fdCol >= -1 && fdCol < WIDE_COLUMN) {
      this.packed = (roleNumberOf(role) << ROLE_SHIFT) | ((typeCol + 1) << TYPE_COL_SHIFT) | ((fdCol + 1) << FD_COL_SHIFT);
    } else {
      this.packed = roleNumberOf(role) << ROLE_SHIFT;
      this.setColumn(TYPE_COL_SHIFT, typeCol);
      this.setColumn(FD_COL_SHIFT, fdCol);
    }
  }

  get role(): CallRole {
    return CALL_ROLES[this.roleNumber()];
  }

  /** Column where the syscall name starts (always present). */
  get typeCol(): number {
    return this.column(TYPE_COL_SHIFT);
  }

  /** Column of the fd on the enter line (-1 if absent). */
  get fdCol(): number {
    return this.column(FD_COL_SHIFT);
  }

  set fdCol(column: number) {
    this.setColumn(FD_COL_SHIFT, column);
  }

  /** Column of `res=`'s value on the exit line (-1 if absent). */
  get resCol(): number {
    return this.column(RES_COL_SHIFT);
  }

  set resCol(column: number) {
    // Set at every exit: the narrow case here, where V8 inlines it (it did not inline setColumn).
    if (column >= -1 && column < WIDE_COLUMN) this.packed = (this.packed & ~(COLUMN_BITS << RES_COL_SHIFT)) | ((column + 1) << RES_COL_SHIFT);
    else this.setColumn(RES_COL_SHIFT, column);
  }

  private column(shift: number): number {
    const stored = (this.packed >> shift) & COLUMN_BITS;
    return stored === COLUMN_BITS ? wideColumns.get(this)!.get(shift)! : stored - 1;
  }

  private setColumn(shift: number, column: number): void {
    // The rare wide column apart, so that this stays small enough for V8 to inline.
    const stored = column >= -1 && column < WIDE_COLUMN ? column + 1 : this.wideColumn(shift, column);
    this.packed = (this.packed & ~(COLUMN_BITS << shift)) | (stored << shift);
  }

  /** A column too wide for packed goes to wideColumns; what packed then holds for it. */
  private wideColumn(shift: number, column: number): number {
    let wide = wideColumns.get(this);
    if (wide === undefined) wideColumns.set(this, wide = new Map());
    wide.set(shift, column);
    return COLUMN_BITS;
  }

  /** For successful reads and writes: the bytes this call moved, as offsets in its direction. */
  get range(): ByteRange | undefined {
    const start = this.rangeStart;
    return start < 0 ? undefined : { start, end: start + this.res! };
  }

  /**
   * For successful reads and writes: the offset of the first byte this call moved in its
   * direction, -1 for other calls. The call moved `res` bytes from there (see range).
   */
  get rangeStart(): number {
    return this.roleNumber() <= LAST_BYTES_ROLE ? this.spot ?? -1 : -1;
  }

  set rangeStart(start: number) {
    // The error in a method of its own: with the message built here, V8 did not inline the setter.
    if (this.roleNumber() > LAST_BYTES_ROLE) this.movesNoBytes();
    this.spot = start;
  }

  private movesNoBytes(): never {
    throw new Error(`a ${this.role} moves no bytes`);
  }

  /** range's end without making the range: where the next call's bytes start. */
  get rangeEnd(): number {
    return this.rangeStart + this.res!;
  }

  private roleNumber(): number {
    return (this.packed >> ROLE_SHIFT) & ROLE_BITS;
  }

  /**
   * When a close or shutdown started, and when a failed call returned, in ns modulo one day.
   * Only those are kept: they are what a finding's "how long before" needs.
   */
  get enterTime(): number | undefined {
    const role = this.roleNumber();
    if ((role === CLOSE_ROLE || role === SHUTDOWN_ROLE) && this.spot !== undefined) return this.spot;
    return (this.packed & HAS_RARE) === 0 ? undefined : enterTimes.get(this);
  }

  set enterTime(time: number | undefined) {
    const role = this.roleNumber();
    const ends = role === CLOSE_ROLE || role === SHUTDOWN_ROLE;
    const inSpot = ends && time !== undefined && time >= 0;
    if (ends) this.spot = inSpot ? time : undefined;
    this.setRare(enterTimes, inSpot ? undefined : time);
  }

  get exitTime(): number | undefined {
    return (this.packed & HAS_RARE) === 0 ? undefined : exitTimes.get(this);
  }

  set exitTime(time: number | undefined) {
    this.setRare(exitTimes, time);
  }

  /** The errno name of a failed call (`res=-32(EPIPE)`). */
  get errno(): string | undefined {
    return (this.packed & HAS_RARE) === 0 ? undefined : errnos.get(this);
  }

  set errno(name: string | undefined) {
    this.setRare(errnos, name);
  }

  private setRare<T>(table: WeakMap<Syscall, T>, value: T | undefined): void {
    if (value === undefined) {
      if ((this.packed & HAS_RARE) !== 0) table.delete(this);
      return;
    }
    table.set(this, value);
    if ((this.packed & HAS_RARE) === 0) this.packed |= HAS_RARE;
  }
}

/**
 * A call's packed field, for callTable.ts to copy into its columns; -1 when the call has
 * something in the side tables (enterTimes, wideColumns, ...), whose keys are the call objects
 * themselves, so that only the call itself can answer for it. Functions beside Syscall that
 * read its private fields by name, not methods: the CLI, which never packs, bundles without them.
 */
export function storedPacked(call: Syscall): number {
  const packed: number = call['packed'];
  if ((packed & HAS_RARE) !== 0) return -1;
  if (((packed >> TYPE_COL_SHIFT) & COLUMN_BITS) === COLUMN_BITS || ((packed >> FD_COL_SHIFT) & COLUMN_BITS) === COLUMN_BITS
    || ((packed >> RES_COL_SHIFT) & COLUMN_BITS) === COLUMN_BITS) return -1;
  return packed;
}

/** A call's spot (a range start or an enter time, see Syscall.spot), for callTable.ts. */
export function storedSpot(call: Syscall): number | undefined {
  return call['spot'];
}

/** One end of a connection: a process and the fd it holds (threads of one process share it). */
export interface Endpoint {
  id: number;
  connection: Connection;
  process: string;
  /** Known only when the dump tells it (clone/execve exits, terminal format). */
  pid?: number;
  /** The local end's identity when the format gives one (see TraceEvent.local). */
  local?: string;
  /** The threads seen on this end, the first 64 of them (analyzer.ts MAX_ENDPOINT_TIDS). */
  tids: number[];
  fd: number;
  /** How this end came to be: connect(), accept(), or seen already open when the capture started. */
  role: 'connect' | 'accept' | 'unknown';
  opened?: Syscall;
  closed?: Syscall;
  shutdown?: Syscall;
  /**
   * The first and last syscall on this end and how many there are; the calls themselves are
   * in the connection's list (one list per connection keeps the index small).
   */
  firstCall: Syscall | undefined;
  lastCall: Syscall | undefined;
  callCount: number;
  /** Successful writes and reads with their byte ranges, in offset order. */
  writes: Syscall[];
  reads: Syscall[];
  bytesWritten: number;
  bytesRead: number;
  /** First read that returned 0 (end of file). */
  eof?: Syscall;
  /**
   * How this end's writes line up with the peer's reads when the evidence in the capture
   * says so (alignment.ts); a direction whose writer was opened in the capture needs none.
   */
  alignment?: StreamAlignment;
  /**
   * The CLI's lean analysis only: the first calls of an end whose connection was joined
   * midway, kept with their payloads until alignment.ts has looked at them.
   */
  sample?: AlignmentSample;
}

/**
 * The empty list of writes and of reads every new end starts with, one list for all ends: the
 * analyzer never adds to it but puts a list of its own in its place (account, forgetConsumed).
 * Two lists for each end, most of them replaced by the end's first write or read, were a
 * twentieth of what the CLI's analysis allocates.
 */
export const NO_CALLS: readonly Syscall[] = [];

/**
 * A new end with no calls yet. The analyzer and the lean packer (leanPack.ts) both make ends;
 * one factory gives them the same fields in the same order, so V8 sees one object shape.
 */
export function newEndpoint(id: number, connection: Connection, process: string, pid: number | undefined,
  local: string | undefined, tids: number[], fd: number, role: Endpoint['role']): Endpoint {
  return {
    id, connection, process, pid, local, tids, fd, role,
    opened: undefined, closed: undefined, shutdown: undefined, eof: undefined, alignment: undefined, sample: undefined,
    firstCall: undefined, lastCall: undefined, callCount: 0, writes: NO_CALLS as Syscall[], reads: NO_CALLS as Syscall[], bytesWritten: 0, bytesRead: 0,
  };
}

export interface AlignmentSample {
  writes: Syscall[];
  reads: Syscall[];
  readCalls: Syscall[];
  /** The payload prefix of each kept read and write whose line shows one. */
  payloads: Map<Syscall, Payload>;
  /** More calls than alignment looks at: this end is not aligned, and nothing more is kept. */
  full: boolean;
}

/** How one direction's offsets line up: the reader's offset of a byte = the writer's + shift. */
export interface StreamAlignment {
  by: 'open' | 'payload' | 'eof' | 'size';
  shift: number;
  /**
   * The evidence: the write and read whose payloads agree, the read that saw end of file, or
   * (by size) the reads whose sizes leave one shift.
   */
  write?: Syscall;
  read?: Syscall;
}

export interface Connection {
  id: number;
  kind: SocketKind;
  datagram: boolean;
  /** Unordered address pair: both ends and a swapped reuse of the same pair share it. */
  key: string;
  /** The tuple as first printed (`A->B` without the unix path). */
  tuple: string;
  /** Unix socket path as first printed (ends can print different ones: /run vs /var/run). */
  path?: string;
  /**
   * The dump numbers no events (strace, LID-DS's -p format): a call's `enterNum`/`exitNum` is
   * its 1-based line, and messages say "line N", not "event N".
   */
  lineNumbered: boolean;
  /**
   * Set when the fd names no address pair: the fd as sysdig printed it (`fd=14(<u>)`,
   * `fd=74(<u>/var/run/docker.sock)`). Such a connection is one process's fd, with no peer
   * claimed; unknownPeerReason says why in a sentence.
   */
  unknownPeer?: string;
  endpoints: Endpoint[];
  /** Every syscall of the connection in dump order. */
  calls: Syscall[];
  /**
   * Set by the lean analysis (the CLI) once both ends have closed: its findings are reported
   * and its calls dropped, so `calls` and the endpoints' call lists are empty.
   */
  released: boolean;
  /** The line of the event that brought the second end, -1 while there is one. */
  pairedLine: number;
}

export type Severity = 'error' | 'warning' | 'information';
export type FindingCode = 'epipe' | 'econnreset' | 'unread-write' | 'unread-at-end';

export interface RelatedEvent {
  call: Syscall;
  line: number;
  message: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  call: Syscall;
  line: number;
  column: number;
  message: string;
  related: RelatedEvent[];
}

export interface UnparsedSample {
  line: number;
  reason: string;
}

export interface DumpStats {
  lines: number;
  events: number;
  continuationLines: number;
  /** Empty lines (or a terminal's bare colour reset): neither events nor garbage. */
  blankLines: number;
  unparsedLines: number;
  /** The first few lines that were not understood, with why. */
  unparsedSamples: UnparsedSample[];
  /** Exit lines whose enter is not in the dump (normal at the start of a thread). */
  orphanExits: number;
  /**
   * Socket calls left out because the analysis had reached its memory budget
   * (AnalyzerOptions.overBudget): connections opened after that are not followed. 0 normally.
   */
  overBudgetSocketCalls: number;
  /**
   * Connections seen. The CLI's lean analysis drops finished connections from
   * Analysis.connections as it goes, so this is the count to report.
   */
  connections: number;
}

export interface Analysis {
  stats: DumpStats;
  calls: Syscall[];
  connections: Connection[];
  findings: Finding[];
  /** The dump's format (formats/index.ts), picked by its first event; undefined when no line was an event. */
  format?: FormatName;
}

/** The line a finding or a jump should point at: the exit line, or the enter when the exit is lost. */
export function primaryLine(call: Syscall): number {
  return call.exitLine >= 0 ? call.exitLine : call.enterLine;
}

export function primaryNum(call: Syscall): number {
  return call.exitNum >= 0 ? call.exitNum : call.enterNum;
}

/** The line where a call starts: its enter line, or the exit when the enter is not in the dump (a close takes effect there). */
export function firstLine(call: Syscall): number {
  return call.enterLine >= 0 ? call.enterLine : call.exitLine;
}

export function firstNum(call: Syscall): number {
  return call.enterNum >= 0 ? call.enterNum : call.exitNum;
}

/**
 * `uwsgi (20882)`: how people name a thread in sysdig output. A trace that names no process
 * (strace without `-Y` or an `execve` of it) gives `pid 25075`, as strace itself prints it.
 */
export function threadLabel(endpoint: Endpoint): string {
  return endpoint.process ? `${endpoint.process} (${endpoint.tids[0]})` : `pid ${endpoint.tids[0]}`;
}

/** The process name, or `pid N` when the trace names none (see threadLabel). */
export function processLabel(endpoint: Endpoint): string {
  return endpoint.process || `pid ${endpoint.pid ?? endpoint.tids[0]}`;
}

/**
 * Where a call is, as a message says it: `event 89314`, or `line 54` in a dump that numbers no
 * events (strace, LID-DS). At its enter (where a close takes effect) or at its exit.
 */
export function callRef(call: Syscall, atEnter: boolean): string {
  const num = atEnter ? firstNum(call) : primaryNum(call);
  return `${call.endpoint?.connection.lineNumbered ? 'line' : 'event'} ${num}`;
}

/** Why a connection's peer is unknown, in a sentence, with the fd as sysdig printed it (`quote` formats it). */
export function unknownPeerReason(connection: Connection, quote: (printed: string) => string = (printed) => printed): string | undefined {
  if (connection.unknownPeer === undefined) return undefined;
  return `sysdig printed no address pair for this socket (${quote(connection.unknownPeer)}), as for a socket opened before the capture started, so its peer is unknown`;
}

export function peerOf(endpoint: Endpoint): Endpoint | undefined {
  const ends = endpoint.connection.endpoints;
  // A socket whose fd names no pair has no known peer, whatever else shares its key; with a
  // third holder of the socket (a forked child, a dup), which of them moved what is unknown.
  if (ends.length !== 2 || endpoint.connection.unknownPeer !== undefined) return undefined;
  return ends[0] === endpoint ? ends[1] : ends[0];
}
