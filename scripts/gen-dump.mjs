#!/usr/bin/env node
// Generates a large, deterministic sysdig default-format text dump for `npm run bench`.
//
//   node scripts/gen-dump.mjs [--mb 50] [--out PATH] [--seed 1] [--force]
//
// The shape follows the real corpus (/work/shared/corpus/sysdig/FORMAT.md and the
// converted httpd/uWSGI capture): every line is
//   NUM HH:MM:SS.nnnnnnnnn CPU comm (tid) >|< type params<space>
// Threads are simulated as cooperative actors (JS generators). Each actor emits one
// line per step; a scheduler picks actors at random, so threads interleave the way
// they do in a real capture while each thread keeps its own `>`/`<` pairs.
// Socket traffic is simulated byte-exactly: every write appends real bytes to the
// connection, every read takes bytes from it, so reads consume exactly what was
// written (split and merged differently) except for the deliberate races below.
//
// Workloads (numbers are probabilities per connection):
// - httpd workers (threads of one process) accept TCP from an uncaptured load
//   generator on 127.0.0.1:28080 and proxy to uWSGI over a unix socket with FastCGI
//   (real record headers). 25 % of those connections are "unread-write races"
//   (uWSGI closes without reading the final 8-byte empty FCGI_STDIN record, as in the
//   real capture), 1.5 % end with EPIPE (uWSGI closes early, httpd's writev fails).
// - a python3 client (threads) talks HTTP to gunicorn workers over TCP loopback;
//   both ends are captured and print the same tuple. 2 % end with EPIPE.
// - an indexer process does file I/O (<f>), plus select/futex/switch/epoll noise.
// Unix kernel addresses and ephemeral ports are recycled, so later connections reuse
// names of earlier, closed ones.
//
// If PATH exists and PATH.json records the same parameters and generator version,
// the file is reused instead of regenerated.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Bump when the output for a given seed changes, so stale cached dumps are replaced.
const GEN_VERSION = 2;

function parseArgs(argv) {
  const opts = { mb: 50, out: null, seed: 1, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mb') opts.mb = Number(argv[++i]);
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--force') opts.force = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.mb > 0)) throw new Error('--mb must be a positive number');
  if (!opts.out) opts.out = `bench/out/dump-${opts.mb}mb.scap.txt`;
  return opts;
}

// ---------------------------------------------------------------------------------
// Deterministic randomness: mulberry32, so the same seed gives the same bytes on any
// machine and node version (Math.random cannot be seeded).
let rngState = 1;
function rnd() {
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (arr) => arr[int(arr.length)];
const between = (lo, hi) => lo + int(hi - lo + 1);

// ---------------------------------------------------------------------------------
// Output and the global event clock.

const WAIT = 0; // yielded by an actor that is blocked (no line emitted)
const NCPU = 4;
let evtNum = 8731;
let clockNs = ((12 * 60 + 14) * 60 + 44) * 1e9 + 317408685; // 12:14:44.317408685
let draining = false; // set once the target size is reached: finish work, start none

const pad = (n, w) => String(n).padStart(w, '0');
function timestamp() {
  const day = 86400e9;
  const t = clockNs % day; // sysdig prints no date, the time wraps at midnight
  const sec = Math.floor(t / 1e9);
  const ns = t - sec * 1e9;
  return `${pad(Math.floor(sec / 3600), 2)}:${pad(Math.floor(sec / 60) % 60, 2)}:${pad(sec % 60, 2)}.${pad(ns, 9)}`;
}

// One event line. `info` is the parameter list without the trailing separator; sysdig
// prints "name=value " per parameter, and a bare space after the type when there are
// none, so every line ends with exactly one space.
function line(a, dir, type, info) {
  // evt.num is increasing but not contiguous (hidden internal events use numbers).
  evtNum += rnd() < 0.08 ? 2 + int(4) : 1;
  clockNs += 150 + int(rnd() < 0.05 ? 400000 : 25000);
  if (rnd() < 0.003) a.cpu = int(NCPU); // threads migrate between CPUs now and then
  return `${evtNum} ${timestamp()} ${a.cpu} ${a.comm} (${a.tid}) ${dir} ${type} ${info}${info ? ' ' : ''}\n`;
}

// A syscall: enter line, optionally block until `wait()` is true, then the exit line.
// `exit` may be a function so that results (bytes read, new fds) are computed at the
// moment the call returns, not when it was entered.
function* sys(a, type, enter, exit, wait) {
  yield line(a, '>', type, enter);
  if (wait) while (!wait()) yield WAIT;
  yield line(a, '<', type, typeof exit === 'function' ? exit() : exit);
}
function* waitUntil(cond) {
  while (!cond()) yield WAIT;
}

// data= rendering: at most 80 chars, bytes outside 0x20-0x7e become '.' (FORMAT.md 3.6).
const render = (bytes) => bytes.slice(0, 80).replace(/[^\x20-\x7e]/g, '.');

// ---------------------------------------------------------------------------------
// Processes, fds, connections.

class Proc {
  constructor(pid, comm, fds = {}) {
    this.pid = pid;
    this.comm = comm;
    this.fds = new Map(Object.entries(fds).map(([k, v]) => [Number(k), v]));
  }
  // Linux hands out the lowest free fd of the process (threads share the table).
  alloc(name) {
    let fd = 0;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, name);
    return fd;
  }
  // fd rendering: N(<T>name) when known, bare N otherwise (FORMAT.md 3.1).
  fdStr(fd) {
    const n = this.fds.get(fd);
    return n === undefined ? String(fd) : `${fd}(${n})`;
  }
}

// Ground truth, saved next to the dump so the bench can compare the CLI's findings.
// unreadConns: connections where an end closed with bytes from its peer still unread
// (the races, plus EPIPE connections whose server had not read everything).
const stats = { lines: 0, bytes: 0, fcgi: 0, fcgiRace: 0, fcgiEpipe: 0, tcp: 0, tcpEpipe: 0, unreadConns: 0, files: 0 };

// Unix socket kernel addresses: ffff8880 + 8 hex digits, 0x400 aligned like slab
// objects; freed addresses are handed out again so later connections reuse names.
const liveAddrs = new Set();
const freeAddrs = [];
function unixAddr() {
  let a;
  if (freeAddrs.length > 8 && rnd() < 0.6) a = freeAddrs.splice(int(freeAddrs.length), 1)[0];
  else do a = 'ffff8880' + (int(0x400000) * 0x400).toString(16).padStart(8, '0'); while (liveAddrs.has(a));
  liveAddrs.add(a);
  return a;
}

// Ephemeral ports, sequential like Linux, with recently freed ones reused sometimes.
const ports = {
  next: 32768 + int(20000),
  live: new Set(),
  free: [],
  take() {
    let p;
    if (this.free.length > 20 && rnd() < 0.3) p = this.free.splice(int(this.free.length), 1)[0];
    else {
      do {
        p = this.next++;
        if (this.next > 60999) this.next = 32768;
      } while (this.live.has(p));
    }
    this.live.add(p);
    return p;
  },
  release(p) {
    this.live.delete(p);
    this.free.push(p);
    if (this.free.length > 500) this.free.shift();
  },
};

// A connected socket pair. Side 0 is the connecting end, side 1 the accepting end;
// buf[s] holds the bytes written by side s that side 1-s has not read yet.
class Conn {
  constructor(onFree) {
    this.buf = ['', ''];
    this.written = [0, 0];
    this.closed = [false, false];
    this.onFree = onFree;
  }
  avail(side) { return this.buf[1 - side].length; }
  peerClosed(side) { return this.closed[1 - side]; }
  write(side, bytes) {
    if (this.closed[1 - side]) return -32; // EPIPE: the reader is gone
    this.buf[side] += bytes;
    this.written[side] += bytes.length;
    return bytes.length;
  }
  read(side, max) {
    const b = this.buf[1 - side];
    const got = b.slice(0, max);
    this.buf[1 - side] = b.slice(got.length);
    return got;
  }
  close(side) {
    if (this.buf[1 - side].length > 0) stats.unreadConns++;
    this.closed[side] = true;
    if (this.closed[0] && this.closed[1] && this.onFree) this.onFree();
  }
}

// write/writev/sendto on fd; `conn` null means the peer is not in the capture.
// Returns res (negative errno on failure).
function* doWrite(a, fd, conn, side, kind, bytes, wait) {
  const P = a.proc;
  let res;
  const enter = `fd=${P.fdStr(fd)} size=${bytes.length}` + (kind === 'sendto' ? ' tuple=NULL' : '');
  yield* sys(a, kind, enter, () => {
    res = conn ? conn.write(side, bytes) : bytes.length;
    // Failed writes still print the buffer (FORMAT.md 3.6).
    return `res=${res < 0 ? '-32(EPIPE)' : res} data=${render(bytes)}`;
  }, wait);
  return res;
}

// read/recvfrom on a connection: blocks until data or EOF (or returns EAGAIN at once
// if `nonblock` and nothing is there). Returns the bytes, '' at EOF, null on EAGAIN.
function* doRead(a, fd, conn, side, kind, size, { cap = Infinity, nonblock = false } = {}) {
  const P = a.proc;
  let got;
  const tail = kind === 'recvfrom' ? ' tuple=NULL' : '';
  yield* sys(a, kind, `fd=${P.fdStr(fd)} size=${size}`, () => {
    if (conn.avail(side) === 0 && !conn.peerClosed(side)) {
      got = null;
      return `res=-11(EAGAIN) data=${tail}`;
    }
    got = conn.read(side, Math.min(size, cap));
    return `res=${got.length} data=${render(got)}${tail}`;
  }, nonblock ? null : () => conn.avail(side) > 0 || conn.peerClosed(side));
  return got;
}

function* doClose(a, fd, conn, side) {
  const P = a.proc;
  yield* sys(a, 'close', `fd=${P.fdStr(fd)}`, () => {
    P.fds.delete(fd);
    if (conn) conn.close(side);
    return 'res=0';
  });
}

// fcntl(F_GETFL) returns flags, which sysdig renders as if they were an fd
// (`res=2(<f>/srv/lab/logs/httpd-error.log)`, FORMAT.md 3.1).
function* fcntlPair(a, fd) {
  const P = a.proc;
  yield* sys(a, 'fcntl', `fd=${P.fdStr(fd)} cmd=4(F_GETFL)`, `res=${P.fdStr(2)}`);
  yield* sys(a, 'fcntl', `fd=${P.fdStr(fd)} cmd=5(F_SETFL)`, `res=${P.fdStr(0)}`);
}

// ---------------------------------------------------------------------------------
// Payloads.

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'user', 'id', 'name', 'token', 'page', 'q', 'lang', 'ts', 'sort', 'limit'];
const randWord = () => pick(WORDS) + (rnd() < 0.5 ? int(1000) : '');
function formBody(n) {
  let s = '';
  while (s.length < n) s += (s ? '&' : '') + `${randWord()}=${randWord()}`;
  return s.slice(0, n);
}
function textBlob(n) {
  let s = '';
  while (s.length < n) s += pick(WORDS) + (rnd() < 0.1 ? '\n' : rnd() < 0.05 ? '\t' : ' ');
  return s.slice(0, n);
}
function jsonBlob(n) {
  let s = '{"items":[';
  while (s.length < n) s += `{"id":${int(1e6)},"name":"${randWord()}","v":${rnd().toFixed(4)}},`;
  return (s.slice(0, n - 2) + ']}').slice(0, n);
}
const httpDate = () => `Fri, 27 Nov 2026 ${timestamp().slice(0, 8)} GMT`;

// FastCGI record header: version 1, type, request id, content length, padding 0.
const chr = String.fromCharCode;
const fcgiHeader = (type, len) => chr(1, type, 0, 1, len >> 8, len & 255, 0, 0);
function fcgiParams(env) {
  let body = '';
  for (const [k, v] of env) {
    const enc = (n) => (n < 128 ? chr(n) : chr(0x80 | (n >> 24), (n >> 16) & 255, (n >> 8) & 255, n & 255));
    body += enc(k.length) + enc(v.length) + k + v;
  }
  return fcgiHeader(4, body.length) + body;
}

// ---------------------------------------------------------------------------------
// Actors.

const actors = [];
function spawnActor(proc, tid, fn) {
  const a = { proc, tid, comm: proc.comm, cpu: int(NCPU), gen: null };
  a.gen = fn(a);
  actors.push(a);
  return a;
}

const fcgiBacklog = []; // connections waiting for uWSGI's accept
const gunicornBacklog = [];

const HTTPD_FDS = {
  0: '<f>/dev/null', 1: '<f>/dev/null', 2: '<f>/srv/lab/logs/httpd-error.log',
  3: '<4t>0.0.0.0:28080', 4: '<p>pipe:[48103]', 5: '<p>pipe:[48105]',
  6: '<l>', 7: '<f>/srv/lab/logs/httpd-access.log',
};

// httpd worker thread: TCP request from the (uncaptured) load generator, FastCGI to
// uWSGI, response back. Mirrors converted/revert-httpd-POST-single.scap.txt.
function* httpdWorker(a) {
  const P = a.proc;
  for (;;) {
    yield* sys(a, 'epoll_wait', 'maxevents=51', 'res=1', () => !draining && rnd() < 0.03);
    const port = ports.take();
    const tuple = `127.0.0.1:${port}->127.0.0.1:28080`;
    let cfd;
    yield* sys(a, 'accept', 'flags=0', () => {
      cfd = P.alloc(`<4t>${tuple}`);
      return `fd=${P.fdStr(cfd)} tuple=${tuple} queuepct=0 queuelen=0 queuemax=511`;
    });
    yield* fcntlPair(a, cfd);
    const body = formBody(rnd() < 0.8 ? between(7, 60) : between(100, 3000));
    const req = `POST /app/${randWord()} HTTP/1.0\r\nContent-length: ${body.length}\r\nContent-type: application/x-www-form-urlencoded\r\nHost: 127.0.0.1:28080\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n`;
    // The client is not captured: its request simply arrives (headers, maybe body).
    yield* sys(a, 'read', `fd=${P.fdStr(cfd)} size=8000`, `res=${req.length + body.length} data=${render(req + body)}`);

    // --- FastCGI over the unix socket
    const mode = rnd() < 0.015 ? 'epipe' : rnd() < 0.25 ? 'race' : 'normal';
    stats.fcgi++;
    if (mode === 'race') stats.fcgiRace++;
    let ufd;
    yield* sys(a, 'socket', 'domain=1(AF_LOCAL) type=524289 proto=0', () => {
      ufd = P.alloc('<u>');
      return `fd=${P.fdStr(ufd)}`;
    });
    P.fds.set(ufd, '<u>/tmp/helloFastCGI.s'); // connect() names the fd by its path first
    const A = unixAddr();
    const B = unixAddr();
    const conn = new Conn(() => {
      liveAddrs.delete(A); liveAddrs.delete(B); freeAddrs.push(A, B);
    });
    conn.mode = mode;
    conn.tuple = `${A}->${B} /tmp/helloFastCGI.s`;
    const bodyLen = rnd() < 0.7 ? 11 : between(20, 4000);
    conn.respBody = bodyLen === 11 ? 'Hello World' : rnd() < 0.5 ? jsonBlob(bodyLen) : textBlob(bodyLen);
    const env = [
      ['CONTENT_LENGTH', String(body.length)], ['CONTENT_TYPE', 'application/x-www-form-urlencoded'],
      ['HTTP_HOST', '127.0.0.1:28080'], ['HTTP_USER_AGENT', 'ApacheBench/2.3'], ['HTTP_ACCEPT', '*/*'],
      ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['SERVER_SIGNATURE', ''],
      ['SERVER_SOFTWARE', 'Apache/2.4.71 (Debian)'], ['SERVER_NAME', '127.0.0.1'], ['SERVER_ADDR', '127.0.0.1'],
      ['SERVER_PORT', '28080'], ['REMOTE_ADDR', '127.0.0.1'], ['DOCUMENT_ROOT', '/srv/lab/htdocs'],
      ['REQUEST_SCHEME', 'http'], ['CONTEXT_PREFIX', '/app/'], ['SCRIPT_FILENAME', 'proxy:fcgi://localhost/'],
      ['REMOTE_PORT', String(port)], ['GATEWAY_INTERFACE', 'CGI/1.1'], ['SERVER_PROTOCOL', 'HTTP/1.0'],
      ['REQUEST_METHOD', 'POST'], ['QUERY_STRING', ''], ['REQUEST_URI', req.split(' ')[1]],
    ];
    const records = [
      fcgiHeader(1, 8) + chr(0, 1, 0, 0, 0, 0, 0, 0), // BEGIN_REQUEST, role RESPONDER
      fcgiParams(env),
      fcgiHeader(4, 0), // empty PARAMS
      fcgiHeader(5, body.length) + body, // STDIN
      fcgiHeader(5, 0), // empty STDIN: the 8 bytes uWSGI sometimes never reads
    ];
    // Known before connect(): uWSGI may accept and start reading at once.
    conn.reqLen = records.reduce((n, r) => n + r.length, 0);
    yield* sys(a, 'connect', `fd=${P.fdStr(ufd)} addr=/tmp/helloFastCGI.s`, () => {
      P.fds.set(ufd, `<u>${conn.tuple}`);
      fcgiBacklog.push(conn);
      return `res=0 tuple=${conn.tuple}`;
    });
    yield* fcntlPair(a, ufd);
    let failed = false;
    for (let i = 0; i < records.length; i++) {
      // EPIPE mode: uWSGI closes after BEGIN_REQUEST; the third writev hits the closed peer.
      const wait = mode === 'epipe' && i === 2 ? () => conn.closed[1] : null;
      const res = yield* doWrite(a, ufd, conn, 0, 'writev', records[i], wait);
      if (res < 0) { failed = true; break; }
    }
    let status = 200;
    let respBody = conn.respBody;
    if (failed) {
      stats.fcgiEpipe++;
      status = 503;
      respBody = 'Service Unavailable';
      const msg = `[${httpDate()}] [proxy_fcgi:error] [pid ${P.pid}:tid ${a.tid}] (32)Broken pipe: [client 127.0.0.1:${port}] AH01075: Error dispatching request to : \n`;
      yield* doWrite(a, 2, null, 0, 'write', msg);
    } else {
      // httpd reads record by record: header, content, ..., END_REQUEST in 8-byte steps.
      const plan = [8, 43, 8, respBody.length, 8, 8, 8];
      for (const want of plan) {
        let left = want;
        while (left > 0) {
          const got = yield* doRead(a, ufd, conn, 0, 'read', left);
          if (!got) break; // EOF
          left -= got.length;
        }
      }
    }
    yield* doClose(a, ufd, conn, 0);

    // --- response to the load generator, access log, lingering close
    const resp = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Service Unavailable'}\r\nDate: ${httpDate()}\r\nServer: Apache/2.4.71 (Debian)\r\nContent-Length: ${respBody.length}\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n${respBody}`;
    yield* doWrite(a, cfd, null, 0, 'writev', resp);
    const log = `127.0.0.1 - - [27/Nov/2026:${timestamp().slice(0, 8)} +0000] "POST ${req.split(' ')[1]} HTTP/1.0" ${status} ${respBody.length}\n`;
    yield* doWrite(a, 7, null, 0, 'write', log);
    yield* sys(a, 'shutdown', `fd=${P.fdStr(cfd)} how=1(SHUT_WR)`, 'res=0');
    yield* sys(a, 'read', `fd=${P.fdStr(cfd)} size=32768`, 'res=0 data=');
    yield* sys(a, 'close', `fd=${P.fdStr(cfd)}`, () => {
      P.fds.delete(cfd);
      ports.release(port);
      return 'res=0';
    });
  }
}

// uWSGI worker process: accept a FastCGI connection, read the request (reads of 4096
// merge the small records), answer with five writes, close.
function* uwsgiWorker(a) {
  const P = a.proc;
  for (;;) {
    let conn;
    let fd;
    yield* sys(a, 'accept', 'flags=0', () => {
      conn = fcgiBacklog.shift();
      fd = P.alloc(`<u>${conn.tuple}`);
      return `fd=${P.fdStr(fd)} tuple=${conn.tuple} queuepct=0 queuelen=${fcgiBacklog.length} queuemax=100`;
    }, () => fcgiBacklog.length > 0);
    // race: stop before the final empty STDIN record; epipe: give up after BEGIN_REQUEST.
    const target = conn.mode === 'race' ? conn.reqLen - 8 : conn.mode === 'epipe' ? 16 : conn.reqLen;
    let got = 0;
    let first = true;
    while (got < target) {
      const nonblock = first && rnd() < 0.5; // the real uWSGI's first read often hits EAGAIN
      first = false;
      const b = yield* doRead(a, fd, conn, 1, 'read', 4096, { cap: target - got, nonblock });
      if (b === '') break;
      if (b) got += b.length;
    }
    if (conn.mode !== 'epipe') {
      const body = conn.respBody;
      const writes = [
        fcgiHeader(6, 43), 'Status: 200 OK\r\nContent-type: text/html\r\n\r\n',
        fcgiHeader(6, body.length), body,
        fcgiHeader(6, 0) + fcgiHeader(3, 8) + chr(0, 0, 0, 0, 0, 0, 0, 0), // empty STDOUT + END_REQUEST
      ];
      for (const w of writes) yield* doWrite(a, fd, conn, 1, 'write', w);
      // Close only once httpd has written everything, so the race leaves unread bytes
      // but never an EPIPE (as in the real capture: 62 races, 0 EPIPE).
      yield* waitUntil(() => conn.written[0] === conn.reqLen);
    }
    yield* doClose(a, fd, conn, 1);
  }
}

// python3 client thread: HTTP over TCP loopback to gunicorn; both ends captured.
function* pyClient(a) {
  const P = a.proc;
  for (;;) {
    yield* sys(a, 'nanosleep', 'interval=2000000(2ms)', 'res=0', () => !draining && rnd() < 0.02);
    stats.tcp++;
    let fd;
    yield* sys(a, 'socket', 'domain=2(AF_INET) type=524289 proto=0', () => {
      fd = P.alloc('<4>');
      return `fd=${P.fdStr(fd)}`;
    });
    const port = ports.take();
    const tuple = `127.0.0.1:${port}->127.0.0.1:8000`;
    const conn = new Conn(() => ports.release(port));
    conn.epipe = rnd() < 0.02;
    const isPost = conn.epipe || rnd() < 0.4;
    const body = isPost ? jsonBlob(between(30, 6000)) : '';
    const head = `${isPost ? 'POST' : 'GET'} /api/v1/${randWord()}?${formBody(between(5, 40))} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: python-requests/2.31.0\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: close\r\n${isPost ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : ''}\r\n`;
    conn.headLen = head.length;
    conn.reqLen = head.length + body.length;
    conn.respLen = between(60, rnd() < 0.9 ? 3000 : 40000);
    yield* sys(a, 'connect', `fd=${P.fdStr(fd)} addr=127.0.0.1:8000`, () => {
      P.fds.set(fd, `<4t>${tuple}`);
      conn.tuple = tuple;
      gunicornBacklog.push(conn);
      return `res=0 tuple=${tuple}`;
    });
    const wkind = pick(['sendto', 'write', 'sendto']);
    yield* doWrite(a, fd, conn, 0, wkind, head);
    if (body) {
      // EPIPE: the server answered the headers by closing; the body write fails.
      const res = yield* doWrite(a, fd, conn, 0, wkind, body, conn.epipe ? () => conn.closed[1] : null);
      if (res < 0) stats.tcpEpipe++;
    }
    if (!conn.epipe) {
      const rkind = pick(['recvfrom', 'read']);
      for (;;) {
        const got = yield* doRead(a, fd, conn, 0, rkind, 65536);
        if (got === '') break; // server closed after the response
      }
    }
    yield* doClose(a, fd, conn, 0);
  }
}

// gunicorn sync worker: accept, read the whole request, maybe read a template file,
// write the response in a few pieces, close.
function* gunicornWorker(a) {
  const P = a.proc;
  for (;;) {
    let conn;
    let fd;
    yield* sys(a, 'accept', 'flags=524288', () => {
      conn = gunicornBacklog.shift();
      fd = P.alloc(`<4t>${conn.tuple}`);
      return `fd=${P.fdStr(fd)} tuple=${conn.tuple} queuepct=0 queuelen=${gunicornBacklog.length} queuemax=2048`;
    }, () => gunicornBacklog.length > 0);
    const target = conn.epipe ? conn.headLen : conn.reqLen;
    let got = 0;
    while (got < target) {
      const b = yield* doRead(a, fd, conn, 1, 'recvfrom', 8192, { cap: target - got });
      if (!b) break;
      got += b.length;
    }
    if (!conn.epipe) {
      if (rnd() < 0.3) yield* readFile(a, `/srv/app/templates/${pick(WORDS)}.html`, between(200, 9000));
      const body = rnd() < 0.5 ? jsonBlob(conn.respLen) : textBlob(conn.respLen);
      const head = `HTTP/1.1 200 OK\r\nServer: gunicorn\r\nDate: ${httpDate()}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      yield* doWrite(a, fd, conn, 1, 'sendto', head);
      for (let off = 0; off < body.length; off += 16384) yield* doWrite(a, fd, conn, 1, 'write', body.slice(off, off + 16384));
    }
    yield* doClose(a, fd, conn, 1);
  }
}

// openat / fstat / read until EOF / close on a regular file.
function* readFile(a, file, size) {
  const P = a.proc;
  stats.files++;
  let fd;
  yield* sys(a, 'openat', '', () => {
    fd = P.alloc(`<f>${file}`);
    return `fd=${P.fdStr(fd)} dirfd=-100(AT_FDCWD) name=${file} flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803`;
  });
  yield* sys(a, 'fstat', `fd=${P.fdStr(fd)}`, 'res=0');
  const content = textBlob(size);
  for (let off = 0; ; off += 4096) {
    const chunk = content.slice(off, off + 4096);
    yield* sys(a, 'read', `fd=${P.fdStr(fd)} size=4096`, `res=${chunk.length} data=${render(chunk)}`);
    if (!chunk) break;
  }
  yield* doClose(a, fd, null, 0);
}

// Indexer: walks files, stats missing ones, appends to its log.
function* indexer(a) {
  while (!draining) {
    yield* waitUntil(() => rnd() < 0.2);
    const r = rnd();
    if (r < 0.5) yield* readFile(a, `/var/lib/docs/${pick(WORDS)}/${randWord()}.txt`, between(10, 20000));
    else if (r < 0.7) yield* sys(a, 'stat', '', `res=-2(ENOENT) path=/var/lib/docs/${randWord()}.lock`);
    else yield* doWrite(a, 3, null, 0, 'write', `${timestamp()} indexed ${randWord()} ${int(1e5)} terms\n`);
  }
}

// Background noise seen in every real capture: select loops, futex, context switches.
function* noise(a) {
  while (!draining) {
    yield* waitUntil(() => rnd() < 0.3);
    const r = rnd();
    if (a.comm === '<NA>') {
      const next = pick(actors);
      yield line(a, '>', 'switch', `next=${next.tid}(${next.comm}) pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0`);
    } else if (a.comm === 'containerd-shim') {
      yield* sys(a, 'select', '', 'res=0');
      if (r < 0.5) yield line(a, '>', 'switch', `next=0 pgft_maj=0 pgft_min=15 vm_size=199324 vm_rss=5496 vm_swap=0`);
    } else {
      const addr = (0xc420030d00 + int(64) * 8).toString(16).toUpperCase();
      yield* sys(a, 'futex', `addr=${addr} op=${r < 0.5 ? '129(FUTEX_PRIVATE_FLAG|FUTEX_WAKE)' : '128(FUTEX_PRIVATE_FLAG)'} val=1`, `res=${r < 0.5 ? 1 : 0}`);
    }
  }
}

// ---------------------------------------------------------------------------------

function setup() {
  const httpd = new Proc(23700, 'httpd', HTTPD_FDS);
  for (let i = 0; i < 12; i++) spawnActor(httpd, 23721 + i, httpdWorker);
  for (let i = 0; i < 4; i++) {
    const u = new Proc(25075 + i, 'uwsgi', { 0: '<f>/dev/null', 1: '<p>pipe:[51207]', 2: '<p>pipe:[51207]', 3: '<u>/tmp/helloFastCGI.s' });
    spawnActor(u, u.pid, uwsgiWorker);
  }
  const py = new Proc(30110, 'python3', { 0: '<f>/dev/pts/0', 1: '<f>/dev/pts/0', 2: '<f>/dev/pts/0' });
  for (let i = 0; i < 4; i++) spawnActor(py, 30110 + i, pyClient);
  for (let i = 0; i < 3; i++) {
    const g = new Proc(28800 + i, 'gunicorn', { 0: '<f>/dev/null', 1: '<p>pipe:[61001]', 2: '<p>pipe:[61001]', 5: '<4t>127.0.0.1:8000' });
    spawnActor(g, g.pid, gunicornWorker);
  }
  spawnActor(new Proc(4100, 'indexer', { 0: '<f>/dev/null', 1: '<f>/dev/null', 2: '<f>/dev/null', 3: '<f>/var/log/indexer.log' }), 4100, indexer);
  spawnActor(new Proc(3840, 'containerd-shim'), 3840, noise);
  spawnActor(new Proc(2971, 'dockerd'), 2971, noise);
  spawnActor(new Proc(0, '<NA>'), 0, noise);
}

function generate(out, targetBytes) {
  const fd = fs.openSync(out, 'w');
  let chunks = [];
  let pending = 0;
  const flush = () => {
    fs.writeSync(fd, chunks.join(''), null, 'latin1');
    chunks = [];
    pending = 0;
  };
  setup();
  let blocked = 0;
  for (;;) {
    const i = int(actors.length);
    const r = actors[i].gen.next();
    if (r.done) {
      actors.splice(i, 1);
      if (actors.length === 0) break;
      continue;
    }
    if (r.value === WAIT) {
      // Everyone may be blocked for good once draining (idle workers in accept):
      // check all actors once before giving up.
      if (++blocked > 20 * actors.length) {
        let progressed = false;
        for (const a of actors) {
          const s = a.gen.next();
          if (!s.done && s.value !== WAIT) {
            chunks.push(s.value); pending += s.value.length; stats.lines++; stats.bytes += s.value.length;
            progressed = true;
          }
        }
        if (!progressed) {
          if (draining) break;
          throw new Error('generator deadlock: every actor is blocked');
        }
        blocked = 0;
      }
      continue;
    }
    blocked = 0;
    chunks.push(r.value);
    pending += r.value.length;
    stats.lines++;
    stats.bytes += r.value.length;
    if (pending > 1 << 20) flush(); // stream out; never hold the dump in memory
    if (!draining && stats.bytes >= targetBytes) draining = true;
  }
  flush();
  fs.closeSync(fd);
}

// Returns the dump path, generating it unless a matching one exists.
export function ensureDump({ mb = 50, out, seed = 1, force = false } = {}) {
  out = out ?? `bench/out/dump-${mb}mb.scap.txt`;
  const meta = `${out}.json`;
  const params = { version: GEN_VERSION, mb, seed };
  if (!force && fs.existsSync(out) && fs.existsSync(meta)) {
    try {
      const m = JSON.parse(fs.readFileSync(meta, 'utf8'));
      if (m.version === params.version && m.mb === mb && m.seed === seed && fs.statSync(out).size === m.stats.bytes) {
        return { out, reused: true, stats: m.stats };
      }
    } catch { /* unreadable metadata: regenerate */ }
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  rngState = seed | 0;
  const tmp = `${out}.tmp`;
  generate(tmp, mb * 1e6);
  fs.renameSync(tmp, out);
  fs.writeFileSync(meta, JSON.stringify({ ...params, stats }, null, 2) + '\n');
  return { out, reused: false, stats };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const r = ensureDump(opts);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${r.reused ? 'reused' : `generated in ${secs} s`}: ${r.out} (${(r.stats.bytes / 1e6).toFixed(1)} MB, ${r.stats.lines} lines, ` +
    `${r.stats.fcgi} FastCGI connections of which ${r.stats.fcgiRace} unread-write races and ${r.stats.fcgiEpipe} EPIPE, ` +
    `${r.stats.tcp} TCP loopback connections of which ${r.stats.tcpEpipe} EPIPE)`);
}
