// Parser for `strace -f -tt -yy` output (also -t, -ttt, -T, -Y, -x, -xx, and strace's stderr
// with `[pid N]`), the second input format. It produces the same
// TraceEvents as the sysdig parser, so connections, streams and findings need no change:
//   23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [...], 2) = 16
// is an enter and an exit event on one line; `<unfinished ...>` / `<... writev resumed>`
// split them over two lines, as sysdig's `>` and `<` do.
// strace numbers no events and prints no process names unless asked (`-Y` prints
// `13481<sh>`); StraceNames keeps what the trace tells about names as it goes.

import type { TraceEvent } from './model';
import { newTraceEvent } from './sysdigParser';
import { errnoNumber } from './errno';


// `14<UNIX-STREAM:[1550442->1550446]>`, `5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>`,
// `13<TCP:[127.0.0.1:28080->127.0.0.1:53334]>`, `3<TCP:[127.0.0.1:28080]>`, `5<pipe:[1521387]>`.
const FD_PATTERN = /^(\d+)<([A-Za-z0-9-]+):\[(.*?)\]>/;
// The pid as `-o FILE` writes it (`23745 `), as strace's stderr does (`[pid 23745] `), either
// with -Y's `<comm>` (`13481<sh> `); the time of -t, -tt or -ttt (epoch seconds).
const LINE_PATTERN = /^(?:\[pid +(\d+)(?:<([^>]*)>)?\] |(\d+)(?:<([^>]*)>)? +)?(\d\d:\d\d:\d\d(?:\.\d+)?|\d{9,}\.\d+) (.*)$/;

/** sysdig's `<T>` tag for a strace socket type; undefined for anything that is not a socket. */
function tagOf(kind: string): string | undefined {
  if (kind.startsWith('UNIX')) return 'u';
  if (kind === 'TCP') return '4t';
  if (kind === 'TCPv6') return '6t';
  if (kind === 'UDP') return '4u';
  if (kind === 'UDPv6') return '6u';
  return undefined;
}

/** `12:14:44.321173` (-tt), `12:14:44` (-t) or `1796017459.427947` (-ttt) as ns modulo one day. */
function timeOfDay(time: string): number {
  const dot = time.indexOf('.');
  const whole = dot < 0 ? time : time.slice(0, dot);
  const fraction = dot < 0 ? 0 : Number(time.slice(dot + 1).padEnd(9, '0').slice(0, 9));
  if (whole.indexOf(':') < 0) return (Number(whole) % 86400) * 1e9 + fraction;
  const [h, m, s] = whole.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1e9 + fraction;
}

/**
 * The name under which an IP socket whose fd shows no address pair waits: its thread and fd.
 * `14<TCP:[1542938]>` (the inode: not connected yet, or past the peer's FIN) repeats nothing
 * that the pair's name (`14<TCP:[127.0.0.1:28081->127.0.0.1:46834]>`) holds, so the thread's
 * fd is what ties them. Unix sockets need none of this: their inode is in both names.
 */
export function threadFdKey(tag: string, tid: number, fd: number): string {
  return `${tag}#${tid}:${fd}`;
}

/**
 * Reads an fd as strace -yy prints it into the event: the sysdig-style tag and name (a unix
 * socket as `A->B /path`, TCP as `a:p->b:q`), and the local end, which is what tells the two
 * ends apart here (a trace without -Y or execve lines has no process names to go by). From
 *   `25075 12:14:44.322055 read(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>, "\1\4\0\1...", 4096) = 664`
 * it reads fd 5, tag `u`, name `1550446->1550442 /tmp/helloFastCGI.s` and local end `u:1550446`.
 * An IP socket without a pair (`14<TCP:[1542938]>`, `3<TCP:[127.0.0.1:28080]>` listening) gets
 * its thread and fd as local end (threadFdKey).
 */
function readFd(text: string, at: number, event: TraceEvent): void {
  const match = FD_PATTERN.exec(text.slice(at, at + 400));
  if (!match) {
    const bare = /^-?\d+/.exec(text.slice(at, at + 12));
    if (bare) {
      event.fd = Number(bare[0]);
      event.fdCol = at;
    }
    return;
  }
  event.fd = Number(match[1]);
  event.fdCol = at;
  const tag = tagOf(match[2]);
  if (tag === undefined) return;
  let inner = match[3];
  let path: string | undefined;
  const quote = inner.indexOf(',"');
  if (quote >= 0) {
    path = inner.slice(quote + 2, inner.endsWith('"') ? -1 : undefined);
    inner = inner.slice(0, quote);
  }
  event.fdTag = tag;
  event.fdName = path !== undefined ? `${inner} ${path}` : inner;
  const arrow = inner.indexOf('->');
  if (arrow < 0 && tag !== 'u') event.local = threadFdKey(tag, event.tid, event.fd);
  else event.local = `${tag}:${arrow >= 0 ? inner.slice(0, arrow) : inner}`;
}

/**
 * Where the call's ` = ` result starts: the last `) = ` outside strace's quoted strings, or -1.
 * In `write(3<...>, "x) = -1 EPIPE (Broken pipe)", 30) = 30` the first `) = ` is data, and a
 * line cut inside such a string (the capture's last line) has no result at all.
 */
function resultAt(text: string): number {
  let found = -1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      // strace escapes `"` and `\` inside a string with a backslash.
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 41 /* ) */ && text.startsWith(' = ', i + 1)) found = i;
  }
  return quoted ? -1 : found;
}

/** Reads ` = 16`, ` = -1 EPIPE (Broken pipe)`, ` = 13<TCP:[...]>`, ` = 0x2 (flags O_RDWR)`. */
function readResult(text: string, event: TraceEvent): void {
  const eq = resultAt(text);
  if (eq < 0) return;
  const at = eq + 4;
  event.resCol = at;
  const errno = /^-1 (E[A-Z0-9]+)/.exec(text.slice(at, at + 40));
  if (errno) {
    event.errno = errno[1];
    // strace prints `-1 EPIPE (Broken pipe)`; the model keeps -errno as sysdig does.
    event.res = -(errnoNumber(errno[1]) ?? 1);
    return;
  }
  const hex = /^0x[0-9a-f]+/.exec(text.slice(at, at + 20));
  if (hex) {
    event.res = Number(hex[0]);
    return;
  }
  const fdResult = FD_PATTERN.exec(text.slice(at, at + 400));
  if (fdResult) {
    // accept4 returns the new socket: it is the exit's fd, as sysdig prints `< accept fd=13(...)`.
    readFd(text, at, event);
    event.res = event.fd;
    return;
  }
  const number = /^-?\d+/.exec(text.slice(at, at + 24));
  if (number) event.res = Number(number[0]);
}

/**
 * What a trace says about process names, per thread, as it goes: `-Y` prints the name with
 * every pid (`13481<sh> 05:42:34.689449 read(...)`); otherwise an `execve("/usr/bin/cat", ...) = 0`
 * names its thread (the kernel's comm: the file name, at most 15 characters), and a
 * `clone(...) = 13489` gives the child its parent's name. A thread nothing names stays
 * unnamed (labels then say `pid 13489`, as strace does).
 */
export class StraceNames {
  private readonly byTid = new Map<number, string>();
  /** execve enters waiting for their result (`<unfinished ...>`), by thread. */
  private readonly execs = new Map<number, string>();

  nameOf(tid: number): string {
    return this.byTid.get(tid) ?? '';
  }

  /** `13481<sh>`: -Y names every line. */
  named(tid: number, name: string): void {
    if (this.byTid.get(tid) !== name) this.byTid.set(tid, name);
  }

  // `13490 05:42:34.696542 execve("/usr/bin/cat", ["cat"], 0x556c07558e78 /* 39 vars */) = 0`
  execStarted(tid: number, body: string): void {
    const path = /^execve\("((?:[^"\\]|\\.)*)"/.exec(body);
    if (path) this.execs.set(tid, path[1].slice(path[1].lastIndexOf('/') + 1).slice(0, 15));
  }

  execEnded(tid: number, res: number | undefined): void {
    const name = this.execs.get(tid);
    this.execs.delete(tid);
    if (name !== undefined && res === 0) this.byTid.set(tid, name);
  }

  // `13488 05:42:34.695754 clone(child_stack=NULL, flags=...|SIGCHLD, child_tidptr=0x7f311c557a10) = 13489`
  forked(parent: number, child: number | undefined): void {
    const name = this.byTid.get(parent);
    if (child !== undefined && child > 0 && name !== undefined && !this.byTid.has(child)) this.byTid.set(child, name);
  }
}

const FORK_TYPES = new Set(['clone', 'clone3', 'fork', 'vfork']);

function baseEvent(line: number, tid: number, time: number, type: string, typeCol: number, exit: boolean, process: string): TraceEvent {
  const event = newTraceEvent();
  event.line = line;
  // strace numbers no events: the 1-based line number stands in for evt.num.
  event.num = line + 1;
  event.time = time;
  event.process = process;
  event.tid = tid;
  event.exit = exit;
  event.type = type;
  event.typeCol = typeCol;
  return event;
}

/**
 * Parses one strace line, calling `emit` with its enter and/or exit event. Returns false when
 * the line is not strace output. Signal and exit notices (`--- SIGPIPE {...} ---`,
 * `+++ exited with 0 +++`) are recognised and produce no event.
 */
export function parseStraceLine(text: string, line: number, emit: (event: TraceEvent) => void, names?: StraceNames): boolean {
  const match = LINE_PATTERN.exec(text);
  if (!match) return false;
  // strace's stderr prints no pid on the first process's lines: 0 stands for it.
  const pid = match[1] ?? match[3];
  const tid = pid !== undefined ? Number(pid) : 0;
  const comm = match[2] ?? match[4];
  if (names && comm !== undefined) names.named(tid, comm);
  const process = names ? names.nameOf(tid) : (comm ?? '');
  const time = timeOfDay(match[5]);
  const body = match[6];
  const bodyCol = text.length - body.length;
  if (body.startsWith('--- ') || body.startsWith('+++ ')) return true;
  const resumed = /^<\.\.\. ([a-z_0-9]+) resumed>/.exec(body);
  if (resumed) {
    const exit = baseEvent(line, tid, time, resumed[1], bodyCol + 5, true, process);
    readResult(text, exit);
    if (names) learnNames(names, exit);
    emit(exit);
    return true;
  }
  const call = /^([a-z_0-9]+)\(/.exec(body);
  if (!call) return false;
  const type = call[1];
  const enter = baseEvent(line, tid, time, type, bodyCol, false, process);
  readFd(text, bodyCol + type.length + 1, enter);
  if (WRITE_CALLS.has(type)) enter.size = writeSize(type, body);
  if (names && type === 'execve') names.execStarted(tid, body);
  emit(enter);
  if (body.endsWith('<unfinished ...>')) return true;
  const exit = baseEvent(line, tid, time, type, bodyCol, true, process);
  readResult(text, exit);
  if (names) learnNames(names, exit);
  emit(exit);
  return true;
}

// The calls that write a buffer whose length strace prints: findings and the stream say how
// many bytes a failed one tried to write ("writev of 8 bytes failed with EPIPE"), as sysdig's size=.
const WRITE_CALLS = new Set(['write', 'send', 'sendto', 'pwrite64', 'writev', 'sendmsg', 'pwritev']);

/**
 * The bytes a write call asked to write, from its arguments:
 *   `writev(15<UNIX-STREAM:[1544692->1544174]>, [{iov_base="\1\1\0\1\0\10\0\0", iov_len=8}, {iov_base=..., iov_len=8}], 2 <unfinished ...>` → 16
 *   `write(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>, "\1\6\0\1\0+\0\0", 8) = 8` → 8
 * Undefined when the arguments are cut or not in that shape.
 */
function writeSize(type: string, body: string): number | undefined {
  if (type === 'writev' || type === 'sendmsg' || type === 'pwritev') {
    let total: number | undefined;
    for (const m of body.matchAll(/iov_len=(\d+)/g)) total = (total ?? 0) + Number(m[1]);
    return total;
  }
  // The length follows the buffer's closing quote (and strace's `...` when it cut the string).
  const length = /(?<!\\)"(?:\.\.\.)?, (\d+)[,)\s]/.exec(body);
  return length ? Number(length[1]) : undefined;
}

/** An exit that names a thread: a successful execve, or a fork-like call returning the child. */
function learnNames(names: StraceNames, exit: TraceEvent): void {
  if (exit.type === 'execve') {
    names.execEnded(exit.tid, exit.res);
    // The exit belongs to the program that now runs.
    exit.process = names.nameOf(exit.tid);
  } else if (FORK_TYPES.has(exit.type)) {
    names.forked(exit.tid, exit.res);
  }
}
