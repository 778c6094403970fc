// The language server's calls, packed once the analysis is done. A server keeps every socket
// call of an open dump, e.g. both records of
//   `1 07:00:00.000000001 0 curl (100) > write fd=3(<4t>10.0.0.1:1024->1.1.1.1:80) size=10`
//   `2 07:00:00.000000002 0 curl (100) < write res=10 data=0123456789`
// for as long as the dump is open: 188 000 of them for the bench's 50 MB dump. As Syscall
// objects they cost 136 bytes each (14 fields of 8 bytes and the object's header). Here their
// values move into typed arrays, one column per field (52 bytes a call), and each call becomes
// a view of one field, its row, in place of the Syscall wherever the analysis held it (84 bytes a
// call in all). A view reads like the Syscall it replaces: it inherits Syscall's getters (role,
// range, enterTime, ...), which read the two fields Syscall keeps privately (packed, spot)
// through accessors here, as every other field. Views are read-only: the analysis is finished.
//
// A call whose values the columns cannot hold as they are (a number that is no 32-bit integer,
// a value in Syscall's side tables) stays the Syscall it was, beside the views; features see
// both as Syscall. Only the language server packs (DumpIndex): the CLI's lean analysis drops
// its calls as it goes and never holds them all.

import { type Analysis, type Endpoint, Syscall, storedPacked, storedSpot } from './model';

/** Stands for undefined in the res and size columns, and NaN in the spot column. */
const NO_INT = -(2 ** 31);
/** Names (syscall and process names) are numbered in 16 bits. */
const MAX_NAMES = 65536;

/** The columns of one analysis's packed calls, indexed by row; a row is a call's id. */
class CallColumns {
  readonly names: string[] = [];
  readonly types: Uint16Array;
  readonly processes: Uint16Array;
  readonly tids: Int32Array;
  readonly fds: Int32Array;
  readonly enterNums: Int32Array;
  readonly enterLines: Int32Array;
  readonly exitNums: Int32Array;
  readonly exitLines: Int32Array;
  readonly res: Int32Array;
  readonly sizes: Int32Array;
  /** Index in `endpoints`, -1 for none. */
  readonly endpointRows: Int32Array;
  readonly endpoints: Endpoint[] = [];
  readonly spots: Float64Array;
  readonly packed: Int32Array;

  constructor(rows: number) {
    this.types = new Uint16Array(rows);
    this.processes = new Uint16Array(rows);
    this.tids = new Int32Array(rows);
    this.fds = new Int32Array(rows);
    this.enterNums = new Int32Array(rows);
    this.enterLines = new Int32Array(rows);
    this.exitNums = new Int32Array(rows);
    this.exitLines = new Int32Array(rows);
    this.res = new Int32Array(rows);
    this.sizes = new Int32Array(rows);
    this.endpointRows = new Int32Array(rows);
    this.spots = new Float64Array(rows);
    this.packed = new Int32Array(rows);
  }
}

/** What a view holds: its row, and (on its prototype) the columns of its analysis. */
interface CallView {
  readonly row: number;
  readonly columns: CallColumns;
}

const readOnly = (field: string) => function set(): never {
  throw new Error(`a packed call's ${field} cannot change (callTable.ts)`);
};

/** A getter and a throwing setter for each field Syscall keeps, its private packed and spot included. */
const viewAccessors: Record<string, { get(this: CallView): unknown }> = {
  id: { get() { return this.row; } },
  type: { get() { return this.columns.names[this.columns.types[this.row]]; } },
  process: { get() { return this.columns.names[this.columns.processes[this.row]]; } },
  tid: { get() { return this.columns.tids[this.row]; } },
  fd: { get() { return this.columns.fds[this.row]; } },
  enterNum: { get() { return this.columns.enterNums[this.row]; } },
  enterLine: { get() { return this.columns.enterLines[this.row]; } },
  exitNum: { get() { return this.columns.exitNums[this.row]; } },
  exitLine: { get() { return this.columns.exitLines[this.row]; } },
  res: { get() { const v = this.columns.res[this.row]; return v === NO_INT ? undefined : v; } },
  size: { get() { const v = this.columns.sizes[this.row]; return v === NO_INT ? undefined : v; } },
  endpoint: { get() { const i = this.columns.endpointRows[this.row]; return i < 0 ? undefined : this.columns.endpoints[i]; } },
  spot: { get() { const v = this.columns.spots[this.row]; return Number.isNaN(v) ? undefined : v; } },
  packed: { get() { return this.columns.packed[this.row]; } },
};

/** The prototype of every view's prototype: the accessors, then Syscall's own getters and methods. */
const viewPrototype: object = Object.create(Syscall.prototype, Object.fromEntries(
  Object.entries(viewAccessors).map(([field, accessor]) => [field, { get: accessor.get, set: readOnly(field), enumerable: true }]),
));

/** A 32-bit integer that reads back as the same number (not -0). */
function isInt32(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

function isInt32OrUndefined(value: number | undefined): boolean {
  return value === undefined || (isInt32(value) && value !== NO_INT);
}

/**
 * The constructor of one analysis's views. One prototype per analysis holds its columns, so that
 * a view has one field: its row. (A function of its own, so that the prototype's constructor
 * keeps no more alive than the columns.)
 */
function viewClass(columns: CallColumns): new (row: number) => Syscall {
  const View = function (this: { row: number }, row: number) { this.row = row; } as unknown as new (row: number) => Syscall;
  View.prototype = Object.create(viewPrototype, { columns: { value: columns } });
  return View;
}

/** The row of a name in the columns' table, -1 when the table is full. */
function nameRow(columns: CallColumns, rows: Map<string, number>, name: string): number {
  let row = rows.get(name);
  if (row === undefined) {
    if (rows.size >= MAX_NAMES) return -1;
    rows.set(name, row = columns.names.length);
    columns.names.push(name);
  }
  return row;
}

const packedAnalyses = new WeakSet<Analysis>();

/**
 * Replaces the analysis's calls with views of packed columns, everywhere the analysis holds
 * them (its list, the connections' lists, the ends' lists and named calls, the alignments, the
 * findings). Does nothing when the calls are not numbered by their place in the list (only the
 * language server's analysis is, which keeps them all) or when an end keeps a sample (the CLI's
 * lean analysis), and nothing the second time. Must run before anything keeps a call elsewhere
 * (alignment.ts caches causalBreakOf's answers by end, with their calls).
 */
export function packCalls(analysis: Analysis): void {
  if (packedAnalyses.has(analysis)) return;
  packedAnalyses.add(analysis);
  const calls = analysis.calls;
  for (let i = 0; i < calls.length; i++) if (calls[i].id !== i) return;
  for (const connection of analysis.connections) for (const endpoint of connection.endpoints) if (endpoint.sample !== undefined) return;

  const columns = new CallColumns(calls.length);
  const nameRows = new Map<string, number>();
  const endpointRows = new Map<Endpoint, number>();
  const View = viewClass(columns);
  // Consecutive calls mostly share their syscall name, process and end: the last ones are
  // remembered, which spares most of the lookups.
  let lastType = '';
  let lastTypeRow = -1;
  let lastProcess = '';
  let lastProcessRow = -1;
  let lastEndpoint: Endpoint | undefined;
  let lastEndpointRow = -1;
  const views: Syscall[] = new Array(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const packed = storedPacked(call);
    const spot = storedSpot(call);
    if (call.type !== lastType || lastTypeRow < 0) {
      lastType = call.type;
      lastTypeRow = nameRow(columns, nameRows, lastType);
    }
    if (call.process !== lastProcess || lastProcessRow < 0) {
      lastProcess = call.process;
      lastProcessRow = nameRow(columns, nameRows, lastProcess);
    }
    const fits = packed >= 0 && lastTypeRow >= 0 && lastProcessRow >= 0
      && isInt32(call.tid) && isInt32(call.fd) && isInt32(call.enterNum) && isInt32(call.enterLine)
      && isInt32(call.exitNum) && isInt32(call.exitLine) && isInt32OrUndefined(call.res) && isInt32OrUndefined(call.size)
      && !(spot !== undefined && Number.isNaN(spot));
    if (!fits) {
      views[i] = call;
      continue;
    }
    columns.types[i] = lastTypeRow;
    columns.processes[i] = lastProcessRow;
    columns.tids[i] = call.tid;
    columns.fds[i] = call.fd;
    columns.enterNums[i] = call.enterNum;
    columns.enterLines[i] = call.enterLine;
    columns.exitNums[i] = call.exitNum;
    columns.exitLines[i] = call.exitLine;
    columns.res[i] = call.res ?? NO_INT;
    columns.sizes[i] = call.size ?? NO_INT;
    const endpoint = call.endpoint;
    if (endpoint !== lastEndpoint) {
      lastEndpoint = endpoint;
      lastEndpointRow = -1;
      if (endpoint !== undefined) {
        lastEndpointRow = endpointRows.get(endpoint) ?? -1;
        if (lastEndpointRow < 0) {
          endpointRows.set(endpoint, lastEndpointRow = columns.endpoints.length);
          columns.endpoints.push(endpoint);
        }
      }
    }
    columns.endpointRows[i] = lastEndpointRow;
    columns.spots[i] = spot ?? NaN;
    columns.packed[i] = packed;
    views[i] = new View(i);
  }

  // Every place the analysis holds a call gets its view; a call that is not in the list (none
  // should be) stays as it is.
  const view = <T extends Syscall | undefined>(call: T): T => (call !== undefined && calls[call.id] === call ? views[call.id] as T : call);
  const viewAll = (list: Syscall[]) => { for (let i = 0; i < list.length; i++) list[i] = view(list[i]); };
  for (const connection of analysis.connections) {
    viewAll(connection.calls);
    for (const endpoint of connection.endpoints) {
      endpoint.opened = view(endpoint.opened);
      endpoint.closed = view(endpoint.closed);
      endpoint.shutdown = view(endpoint.shutdown);
      endpoint.eof = view(endpoint.eof);
      endpoint.firstCall = view(endpoint.firstCall);
      endpoint.lastCall = view(endpoint.lastCall);
      viewAll(endpoint.writes);
      viewAll(endpoint.reads);
      const alignment = endpoint.alignment;
      if (alignment?.write !== undefined) alignment.write = view(alignment.write);
      if (alignment?.read !== undefined) alignment.read = view(alignment.read);
    }
  }
  for (const finding of analysis.findings) {
    finding.call = view(finding.call);
    for (const related of finding.related) related.call = view(related.call);
  }
  viewAll(calls);
}
