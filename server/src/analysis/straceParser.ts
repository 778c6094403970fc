// Parser for `strace -f -tt -yy` output (also -t, -ttt, -T, -Y, -x, -xx, and strace's stderr
// with `[pid N]`), the second input format. It produces the same
// TraceEvents as the sysdig parser, so connections, streams and findings need no change:
//   23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [...], 2) = 16
// is an enter and an exit event on one line; `<unfinished ...>` / `<... writev resumed>`
// split them over two lines, as sysdig's `>` and `<` do.

import type { TraceEvent } from './model';
import { newTraceEvent } from './sysdigParser';

// strace prints `-1 EPIPE (Broken pipe)`; the model keeps -errno as sysdig does.
const ERRNO_NUMBER: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EEXIST: 17,
  EINVAL: 22, EPIPE: 32, ENOTSOCK: 88, ENOPROTOOPT: 92, EADDRINUSE: 98, ECONNABORTED: 103,
  ECONNRESET: 104, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111, EINPROGRESS: 115,
  ERESTARTSYS: 512, ERESTARTNOHAND: 514,
};

// `14<UNIX-STREAM:[1550442->1550446]>`, `5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>`,
// `13<TCP:[127.0.0.1:28080->127.0.0.1:53334]>`, `3<TCP:[127.0.0.1:28080]>`, `5<pipe:[1521387]>`.
const FD_PATTERN = /^(\d+)<([A-Za-z0-9-]+):\[(.*?)\]>/;
// The pid as `-o FILE` writes it (`23745 `), as strace's stderr does (`[pid 23745] `), either
// with -Y's `<comm>`; the time of -t, -tt or -ttt (epoch seconds).
const LINE_PATTERN = /^(?:\[pid +(\d+)(?:<[^>]*>)?\] |(\d+)(?:<[^>]*>)? +)?(\d\d:\d\d:\d\d(?:\.\d+)?|\d{9,}\.\d+) (.*)$/;

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
 * Reads an fd as strace -yy prints it into the event: the sysdig-style tag and name (a unix
 * socket as `A->B /path`, TCP as `a:p->b:q`), and the local end, which is what tells the two
 * ends apart here (strace has no process names to go by). From
 *   `25075 12:14:44.322055 read(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>, "\1\4\0\1...", 4096) = 664`
 * it reads fd 5, tag `u`, name `1550446->1550442 /tmp/helloFastCGI.s` and local end `u:1550446`.
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
  event.local = `${tag}:${arrow >= 0 ? inner.slice(0, arrow) : inner}`;
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
    event.res = -(ERRNO_NUMBER[errno[1]] ?? 1);
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

function baseEvent(line: number, tid: number, time: number, type: string, typeCol: number, exit: boolean): TraceEvent {
  const event = newTraceEvent();
  event.line = line;
  // strace numbers no events: the 1-based line number stands in for evt.num.
  event.num = line + 1;
  event.time = time;
  event.process = '';
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
export function parseStraceLine(text: string, line: number, emit: (event: TraceEvent) => void): boolean {
  const match = LINE_PATTERN.exec(text);
  if (!match) return false;
  // strace's stderr prints no pid on the first process's lines: 0 stands for it.
  const pid = match[1] ?? match[2];
  const tid = pid !== undefined ? Number(pid) : 0;
  const time = timeOfDay(match[3]);
  const body = match[4];
  const bodyCol = text.length - body.length;
  if (body.startsWith('--- ') || body.startsWith('+++ ')) return true;
  const resumed = /^<\.\.\. ([a-z_0-9]+) resumed>/.exec(body);
  if (resumed) {
    const exit = baseEvent(line, tid, time, resumed[1], bodyCol + 5, true);
    readResult(text, exit);
    emit(exit);
    return true;
  }
  const call = /^([a-z_0-9]+)\(/.exec(body);
  if (!call) return false;
  const type = call[1];
  const enter = baseEvent(line, tid, time, type, bodyCol, false);
  readFd(text, bodyCol + type.length + 1, enter);
  emit(enter);
  if (body.endsWith('<unfinished ...>')) return true;
  const exit = baseEvent(line, tid, time, type, bodyCol, true);
  readResult(text, exit);
  emit(exit);
  return true;
}
