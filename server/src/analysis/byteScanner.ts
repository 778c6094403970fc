// Feeds a dump's bytes to the analyzer through the WebAssembly line scanner (wasm/scanner.ts).
// This is the CLI's path: a streamed dump is never turned into strings, only the names the
// model keeps are, once each. The scanner cuts lines and parses sysdig's default format; a
// line it does not recognise (continuation lines, colour codes, strace, LID-DS, JSON) comes
// back as its span and goes through the analyzer's JavaScript path, exactly as before.

import scannerWasm from './wasm/scanner.wasm';
import { DumpAnalyzer, MAX_LINE_LENGTH, type ScannedLine } from './analyzer';
import type { EventRole } from './pairing';
import { SOCKET_TAGS } from './addresses';
import { newTraceEvent } from './sysdigParser';
import { type Payload, looksLikeStraceLine } from './payload';
import {
  RECORD_BYTES, RECORD_CAP, D_NUM, D_TIME, D_TID, D_PID, D_FD, D_RES, D_SIZE, I_KIND, I_START, I_END, I_EXIT,
  I_TYPE, I_TYPE_COL, I_PROCESS, I_FD_COL, I_TAG, I_FD_NAME, I_RES_COL, I_ERRNO, I_TUPLE_START, I_TUPLE_END,
  I_OPEN, I_DATA_COL,
} from './wasm/shared';

/** What wasm/scanner.ts exports (its record layout is wasm/shared.ts, which both compilers read). */
export interface ScannerExports {
  memory: WebAssembly.Memory;
  init(): void;
  inputOffset(): number;
  inputCapacity(): number;
  recordOffset(): number;
  arenaOffset(): number;
  payloadOffset(): number;
  printablePayload(from: number, to: number, moved: number): number;
  consumedBytes(): number;
  internWasReset(): number;
  entryStart(id: number): number;
  entryLength(id: number): number;
  scan(from: number, length: number, final: number): number;
}

// The record layout both sides read (wasm/shared.ts), in f64 and in i32 units.
const RECORD_DOUBLES = RECORD_BYTES / 8;
const RECORD_INTS = RECORD_BYTES / 4;

let compiled: WebAssembly.Module | undefined;

/** Where the scanner's printablePayload writes the `known` flags after the bytes (wasm/scanner.ts PAYLOAD_CAP). */
const PAYLOAD_CAP = 128;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Two digits and a colon at `at`: how a strace line's time starts (`12:14:44.321173`). */
function colonAt(bytes: Uint8Array, at: number): boolean {
  return isDigit(bytes[at]) && isDigit(bytes[at + 1]) && bytes[at + 2] === 58;
}

/** A fresh scanner instance: each has its own memory, so two analyses never share state. */
export function newScanner(): ScannerExports {
  compiled ??= new WebAssembly.Module(scannerWasm);
  const instance = new WebAssembly.Instance(compiled, {});
  const scanner = instance.exports as unknown as ScannerExports;
  scanner.init();
  return scanner;
}

/**
 * A number read from a record, as a small integer whenever it is one. A Float64Array element
 * comes out of V8's interpreter as a heap number even when it holds 26; stored in an object,
 * it turns that field into a boxed double for every object of its shape, and each Syscall
 * then carries a separate heap number per numeric field (a third of the CLI's garbage).
 * -0 stays -0, as the JavaScript parser gives it.
 */
function integer(value: number): number {
  const small = value | 0;
  return small === value && (small !== 0 || 1 / value > 0) ? small : value;
}

/**
 * Stores `value` at `id` of a list indexed by intern id, and returns it. Ids come roughly in
 * order, with gaps (names never asked for): a store far past the end would turn the array into
 * a dictionary, so it grows one element at a time.
 */
function storeAt<T>(list: (T | undefined)[], id: number, value: T): T {
  while (list.length < id) list.push(undefined);
  list[id] = value;
  return value;
}

export class ByteLineReader implements ScannedLine {
  private readonly scanner = newScanner();
  /** The whole wasm memory, to decode a line or a name as latin1 (one character per byte). */
  private readonly memory: Buffer;
  /** The same bytes as a plain Uint8Array, whose slice() copies (a Buffer's does not). */
  private readonly heap: Uint8Array;
  private readonly payloadBase: number;
  /** The input area: bytes are read or copied here, after the unfinished line of the last read. */
  readonly input: Uint8Array;
  private readonly inputBase: number;
  /** The records of the last scan, as doubles and as ints (two views of the same bytes). */
  private readonly doubles: Float64Array;
  private readonly ints: Int32Array;
  private readonly arenaBase: number;
  /** Intern id → string, decoded on first use; emptied when the scanner empties its table. */
  private strings: (string | undefined)[] = [];
  /**
   * Intern id → what the analyzer would look up by string for every event: a syscall name's
   * role (DumpAnalyzer.roleOf), and whether an fd tag is a socket's. Emptied with `strings`.
   */
  private roles: (EventRole | undefined)[] = [];
  private socketTags: (boolean | undefined)[] = [];
  /** How often the scanner's intern table filled up and started over (a test checks it happens). */
  internResets = 0;
  /** Lines handed to the JavaScript path (not recognised, or a name found the intern table full). */
  linesForJavaScript = 0;
  /** Bytes of the input area in use. */
  filled = 0;
  private line = 0;
  /** The length so far of a line too long to keep, while its end is being looked for; else -1. */
  private overlong = -1;
  private readonly event = newTraceEvent();
  /** The record being handed over (its index in `ints`), for the analyzer's scannerLine. */
  private record = 0;

  constructor(private readonly analyzer: DumpAnalyzer) {
    const scanner = this.scanner;
    // The scanner never grows its memory after init(), so these views stay valid.
    this.memory = Buffer.from(scanner.memory.buffer);
    this.inputBase = scanner.inputOffset();
    this.input = new Uint8Array(scanner.memory.buffer, this.inputBase, scanner.inputCapacity());
    this.doubles = new Float64Array(scanner.memory.buffer, scanner.recordOffset(), RECORD_CAP * RECORD_DOUBLES);
    this.ints = new Int32Array(scanner.memory.buffer, scanner.recordOffset(), RECORD_CAP * RECORD_INTS);
    this.arenaBase = scanner.arenaOffset();
    this.heap = new Uint8Array(scanner.memory.buffer);
    this.payloadBase = scanner.payloadOffset();
    analyzer.scannerLine = this;
  }

  /**
   * Up to `length` characters from column `from` of the line being handed over: decoded only
   * when the analyzer asks, for a payload on a connection the capture joined midway.
   */
  lineText(from: number, length: number): string {
    const lineStart = this.inputBase + this.ints[this.record + I_START];
    const start = lineStart + from;
    return this.memory.toString('latin1', start, Math.min(this.inputBase + this.ints[this.record + I_END], start + length));
  }

  /**
   * What readPayload reads of the line being handed over, from column `from` (a read or write's
   * `res=` value) and for at most `length` characters, when it is sysdig's printable form
   * (`res=141 data=GET /api HTTP/1.1..`); else undefined. The scanner reads it from the bytes
   * (wasm/scanner.ts printablePayload): no string, and no JavaScript loop over the payload.
   */
  linePayload(from: number, length: number, moved: number): Payload | undefined {
    const start = this.ints[this.record + I_START] + from;
    const end = Math.min(this.ints[this.record + I_END], start + length);
    // readPayload reads a line that looks like strace's otherwise (never in the printable form).
    // That takes `NN:` at its start, or after a number and spaces: only then is the text decoded.
    const heap = this.heap;
    let at = this.inputBase + start;
    let strace = colonAt(heap, at);
    if (!strace && isDigit(heap[at])) {
      while (isDigit(heap[at])) at++;
      if (heap[at] === 32) {
        while (heap[at] === 32) at++;
        strace = colonAt(heap, at);
      }
    }
    if (strace && looksLikeStraceLine(this.lineText(from, length))) return undefined;
    const count = this.scanner.printablePayload(start, end, moved);
    if (count <= 0) return undefined;
    const base = this.payloadBase;
    return {
      bytes: heap.slice(base, base + count),
      known: heap.slice(base + PAYLOAD_CAP, base + PAYLOAD_CAP + count),
      length: moved,
      form: 'printable',
    };
  }

  /** The `tuple=` value of the line being handed over, or undefined. */
  lineTuple(): string | undefined {
    const tupleStart = this.ints[this.record + I_TUPLE_START];
    if (tupleStart < 0) return undefined;
    const lineStart = this.inputBase + this.ints[this.record + I_START];
    return this.memory.toString('latin1', lineStart + tupleStart, lineStart + this.ints[this.record + I_TUPLE_END]);
  }

  /** The length of the line being handed over as addLineAt measures it: without the `\r` of a CRLF line end. */
  lineLength(): number {
    const end = this.ints[this.record + I_END];
    return end - this.ints[this.record + I_START] - (end > 0 && this.memory[this.inputBase + end - 1] === 13 ? 1 : 0);
  }

  /** Room left in the input area: a caller that reads into `input` reads at most this much. */
  get room(): number {
    return this.input.length - this.filled;
  }

  /** Copies a chunk in and analyses every complete line. */
  push(chunk: Uint8Array): void {
    for (let offset = 0; offset < chunk.length;) {
      const n = Math.min(chunk.length - offset, this.room);
      this.input.set(chunk.subarray(offset, offset + n), this.filled);
      offset += n;
      this.added(n);
    }
  }

  /** After `n` bytes were written to `input` at `filled`: analyses every complete line. */
  added(n: number): void {
    const start = this.filled;
    this.filled += n;
    if (this.overlong >= 0) {
      // The rest of a line too long to keep: its bytes are counted up to its newline, then dropped.
      // Its end is a `\n` or a lone `\r`, as the scanner cuts lines.
      const rest = this.input.subarray(start, this.filled);
      const lf = rest.indexOf(10);
      const cr = rest.indexOf(13);
      const newline = cr >= 0 && (lf < 0 || cr < lf - 1) ? cr : lf;
      if (newline < 0) {
        this.overlong += n;
        this.filled = start;
        return;
      }
      this.analyzer.skipOverlong(this.line++, this.overlong + newline);
      this.overlong = -1;
      this.input.copyWithin(start, start + newline + 1, this.filled);
      this.filled -= newline + 1;
    }
    this.scan(false);
  }

  /** Analyses the last line when the dump does not end with a newline (it was cut). */
  end(): void {
    if (this.overlong >= 0) {
      this.analyzer.skipOverlong(this.line++, this.overlong);
      this.overlong = -1;
    } else if (this.filled > 0) this.scan(true);
    this.filled = 0;
  }

  private scan(final: boolean): void {
    const scanner = this.scanner;
    let from = 0;
    for (;;) {
      const count = scanner.scan(from, this.filled, final ? 1 : 0);
      if (scanner.internWasReset() !== 0) {
        this.strings = [];
        this.roles = [];
        this.socketTags = [];
        this.internResets++;
      }
      this.readRecords(count);
      from = scanner.consumedBytes();
      if (count < RECORD_CAP) break;
    }
    const tail = this.filled - from;
    if (tail > 0 && from > 0) this.input.copyWithin(0, from, this.filled);
    this.filled = tail;
    if (tail > MAX_LINE_LENGTH) {
      // A line this long is not an event (analyzer.ts MAX_LINE_LENGTH): it is counted, not kept.
      this.overlong = tail;
      this.filled = 0;
    }
  }

  /**
   * The string of an intern id. Kept this small (under V8's 27 bytes of bytecode) so that V8
   * inlines it into readRecords however large that loop grows: as a call it cost 5 % of the CLI.
   */
  private text(id: number): string {
    return this.strings[id] ?? this.decode(id);
  }

  /** The role of the syscall name of an intern id; small for the same reason as text(). */
  private roleOf(id: number): EventRole {
    return this.roles[id] ?? this.learnRole(id);
  }

  private learnRole(id: number): EventRole {
    return storeAt(this.roles, id, this.analyzer.roleOf(this.text(id)));
  }

  /** Whether the fd tag of an intern id is a socket's (`<4t>`, `<u>`...); small as text(). */
  private isSocketTag(id: number): boolean {
    return this.socketTags[id] ?? this.learnTag(id);
  }

  private learnTag(id: number): boolean {
    return storeAt(this.socketTags, id, SOCKET_TAGS.has(this.text(id)));
  }

  /** text() of an id seen for the first time since the intern table started. */
  private decode(id: number): string {
    const start = this.arenaBase + this.scanner.entryStart(id);
    return storeAt(this.strings, id, this.memory.toString('latin1', start, start + this.scanner.entryLength(id)));
  }

  // `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ ` as a record:
  // the same TraceEvent parseSysdigSpan would have made, handed to the analyzer.
  private readRecords(count: number): void {
    const doubles = this.doubles;
    const ints = this.ints;
    const analyzer = this.analyzer;
    const event = this.event;
    for (let r = 0, d = 0, i = 0; r < count; r++, d += RECORD_DOUBLES, i += RECORD_INTS) {
      const line = this.line++;
      if (ints[i + I_KIND] === 0 || !analyzer.takesSysdigEvents) {
        this.linesForJavaScript++;
        analyzer.addLine(this.memory.toString('latin1', this.inputBase + ints[i + I_START], this.inputBase + ints[i + I_END]), line);
        continue;
      }
      const pidValue = doubles[d + D_PID];
      const pid = pidValue === pidValue ? integer(pidValue) : undefined;
      const tid = integer(doubles[d + D_TID]);
      const tag = ints[i + I_TAG];
      const open = ints[i + I_OPEN] === 1;
      const exit = ints[i + I_EXIT] === 1;
      // Read once for both calls below.
      const typeId = ints[i + I_TYPE];
      const type = this.text(typeId);
      const role = this.roleOf(typeId);
      // Most events cannot touch a socket: the analyzer takes them from these few fields.
      if (!open && analyzer.addQuietEvent(line, tid, pid, type, exit, tag >= 0 && this.isSocketTag(tag), role)) continue;
      event.line = line;
      event.tid = tid;
      event.pid = pid;
      event.exit = exit;
      event.type = type;
      this.addEvent(d, i, open, role);
    }
  }

  /**
   * readRecords for an event that may touch a socket, e.g.
   *   `89254 07:12:54.259984241 6 httpd (22014) > writev fd=26(<4t>10.0.0.1:80->10.0.0.2:4711) size=8`
   * as the whole TraceEvent, of which line, tid, pid, exit and type are set already. A method
   * of its own, so that V8 compiles it with its own budget for inlining (readRecords spends its
   * budget on addQuietEvent).
   */
  private addEvent(d: number, i: number, open: boolean, role: EventRole): void {
    const doubles = this.doubles;
    const ints = this.ints;
    const event = this.event;
    const tag = ints[i + I_TAG];
    const fd = doubles[d + D_FD];
    const name = ints[i + I_FD_NAME];
    const res = doubles[d + D_RES];
    const errno = ints[i + I_ERRNO];
    const size = doubles[d + D_SIZE];
    event.num = integer(doubles[d + D_NUM]);
    event.process = this.text(ints[i + I_PROCESS]);
    event.typeCol = ints[i + I_TYPE_COL];
    event.fd = fd === fd ? integer(fd) : undefined;
    event.fdCol = ints[i + I_FD_COL];
    event.fdTag = tag < 0 ? undefined : this.text(tag);
    event.fdName = name < 0 ? undefined : this.text(name);
    event.res = res === res ? integer(res) : undefined;
    event.resCol = ints[i + I_RES_COL];
    event.errno = errno < 0 ? undefined : this.text(errno);
    event.size = size === size ? integer(size) : undefined;
    // Decoded when the analyzer asks (lineTuple).
    event.tuple = undefined;
    event.local = undefined;
    // Read only for a record that goes on below (analyzer.ts takeRecord).
    event.dataCol = open ? ints[i + I_DATA_COL] : -1;
    // NaN unless the model keeps this event's time (the scanner decides as sysdigParser.ts does).
    event.time = doubles[d + D_TIME];
    this.record = i;
    this.analyzer.addSysdigEvent(event, open, role);
  }
}
