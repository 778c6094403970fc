// The second input format: strace -f -tt -yy traces of the seed's race, reproduced for real
// (../shared/corpus/strace, copied into test/fixtures). The truth comes from the traces'
// *.summary.txt files, hard-coded here: 200 FastCGI connections per trace.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile, analyzeText, peersOf, type Analysis, type Connection, type Endpoint, type TraceEvent } from '../../server/src/analysis';
import { parseStraceLine, StraceNames } from '../../server/src/analysis/straceParser';
import { fixturePath, readFixture, repoRoot } from '../helpers/repo';

function events(line: string): TraceEvent[] {
  const found: TraceEvent[] = [];
  assert.ok(parseStraceLine(line, 0, (e) => found.push({ ...e })), line);
  return found;
}

test('a complete strace line is an enter and an exit (revert-httpd-POST-single.strace:20)', () => {
  const line = '23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [{iov_base="\\1\\1\\0\\1\\0\\10\\0\\0", iov_len=8}, {iov_base="\\0\\1\\0\\0\\0\\0\\0\\0", iov_len=8}], 2) = 16';
  const [enter, exit] = events(line);
  assert.equal(enter.exit, false);
  assert.equal(exit.exit, true);
  assert.equal(enter.type, 'writev');
  assert.equal(enter.tid, 23745);
  assert.equal(enter.fd, 14);
  assert.equal(enter.fdTag, 'u');
  assert.equal(enter.fdName, '1550442->1550446');
  assert.equal(enter.local, 'u:1550442');
  assert.equal(exit.res, 16);
  assert.equal(line.slice(exit.resCol, exit.resCol + 2), '16');
  assert.equal(line.slice(enter.typeCol, enter.typeCol + 6), 'writev');
  assert.equal(enter.time, ((12 * 60 + 14) * 60 + 44) * 1e9 + 321173000);
});

test('unfinished and resumed halves, errors, fd results, notices', () => {
  const unfinished = events('25075 12:14:44.324289 close(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]> <unfinished ...>');
  assert.equal(unfinished.length, 1);
  assert.equal(unfinished[0].fdName, '1550446->1550442 /tmp/helloFastCGI.s');
  const [epipe] = events('23743 12:14:35.877934 <... writev resumed>) = -1 EPIPE (Broken pipe)');
  assert.equal(epipe.exit, true);
  assert.equal(epipe.type, 'writev');
  assert.equal(epipe.res, -32);
  assert.equal(epipe.errno, 'EPIPE');
  const [accepted] = events('25075 12:14:44.320960 <... accept4 resumed>{sa_family=AF_UNIX}, [110 => 2], SOCK_NONBLOCK) = 5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>');
  assert.equal(accepted.fd, 5);
  assert.equal(accepted.local, 'u:1550446');
  const tcp = events('23745 12:14:44.320473 read(13<TCP:[127.0.0.1:28080->127.0.0.1:53334]>, "POST / HTTP/1.0\\r\\n", 8000) = 159');
  assert.equal(tcp[0].fdTag, '4t');
  assert.equal(tcp[1].res, 159);
  assert.deepEqual(events('23743 12:14:35.878128 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=23718, si_uid=33} ---'), []);
  assert.equal(parseStraceLine('89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........', 0, () => undefined), false);
});

function fastcgi(analysis: Analysis): Connection[] {
  return analysis.connections.filter((c) => c.kind === 'unix');
}

test('revert-httpd-POST-single.strace: 200 connections, 62 unread-write, 0 EPIPE, as the summary counts', () => {
  const analysis = analyzeText(readFixture('revert-httpd-POST-single.strace'));
  assert.equal(analysis.stats.unparsedLines, 0);
  const unix = fastcgi(analysis);
  assert.equal(unix.length, 200);
  assert.ok(unix.every((c) => c.endpoints.length === 2));
  // httpd writes 16 656 8 15 8 = 703 bytes on every connection; uWSGI 8 43 8 11 24 = 94.
  const connector = (c: Connection) => c.endpoints.find((e) => e.role === 'connect')!;
  const acceptor = (c: Connection) => c.endpoints.find((e) => e.role === 'accept')!;
  assert.ok(unix.every((c) => connector(c).bytesWritten === 703 && acceptor(c).bytesWritten === 94));
  const shortReads = unix.filter((c) => acceptor(c).bytesRead === 695);
  assert.equal(shortReads.length, 62);
  const unread = analysis.findings.filter((f) => f.code === 'unread-write');
  assert.equal(unread.length, 62);
  assert.equal(analysis.findings.length, 62);
  assert.ok(unread.every((f) => f.call.type === 'writev' && f.call.res === 8 && /^8 bytes written here were never read: pid 25075 closed fd 5 at line \d+ after reading 695 of 703 bytes$/.test(f.message)));
  assert.deepEqual(new Set(unread.map((f) => f.call.endpoint!.connection)), new Set(shortReads));
});

test('the same capture in sysdig format gives the same streams', () => {
  const patterns = (a: Analysis) => fastcgi(a).map((c) => c.endpoints.map((e) => `${e.role} ${e.bytesWritten}/${e.bytesRead}`).sort().join(' ')).sort();
  const strace = analyzeText(readFixture('revert-httpd-POST-single.strace'));
  const sysdig = analyzeText(readFixture('revert-httpd-POST-single.scap.txt'));
  assert.deepEqual(patterns(strace), patterns(sysdig));
});

test('revert-httpd-POST-frontonly: 178 EPIPE with the reader not in the capture, and no unread-write claim', () => {
  const analysis = analyzeText(readFixture('revert-httpd-POST-frontonly.httpd.strace'));
  const epipe = analysis.findings.filter((f) => f.code === 'epipe');
  assert.equal(epipe.length, 178);
  assert.equal(analysis.findings.length, 178);
  assert.ok(epipe.every((f) => /the reading end was closed by a process that is not in the capture/.test(f.message)));
  assert.equal(fastcgi(analysis).length, 200);
});

test('revert-nginx-POST: nginx sends everything in one writev, so nothing is left unread', () => {
  const analysis = analyzeText(readFixture('revert-nginx-POST.merged.strace'));
  assert.equal(analysis.findings.length, 0);
  assert.equal(fastcgi(analysis).filter((c) => c.endpoints.length === 2).length, 200);
});

// --- Calls split by another thread's line: `<unfinished ...>` … `<... NAME resumed>` -------------

/**
 * The same trace with split calls of the given kinds (all when none are given) written as one
 * line, the way strace prints a call that no other thread interrupts: at the enter's place
 * (`at: 'enter'`) or at the exit's (`at: 'exit'`). An unfinished line ends `…, 21 <unfinished ...>`
 * and its exit line goes on `<... connect resumed>) = 0`: the joined line is the two texts end to end.
 */
function unsplit(text: string, at: 'enter' | 'exit', kinds?: Set<string>): string {
  const lines = text.split('\n');
  const open = new Map<string, number>();
  const joined = new Map<number, string>();
  const dropped = new Set<number>();
  lines.forEach((line, i) => {
    const tid = /^(\d+)(?:<[^>]*>)? /.exec(line)?.[1];
    if (tid === undefined) return;
    const resumed = /^\S+ +\S+ <\.\.\. ([a-z0-9_]+) resumed>(.*)$/.exec(line);
    if (line.endsWith(' <unfinished ...>')) {
      const kind = /^\S+ +\S+ ([a-z0-9_]+)\(/.exec(line)?.[1];
      if (kind !== undefined && (!kinds || kinds.has(kind))) open.set(tid, i);
    } else if (resumed && open.has(tid)) {
      const start = open.get(tid)!;
      open.delete(tid);
      const whole = lines[start].slice(0, -' <unfinished ...>'.length) + resumed[2];
      if (at === 'enter') {
        joined.set(start, whole);
        dropped.add(i);
      } else {
        joined.set(i, whole);
        dropped.add(start);
      }
    }
  });
  return lines.flatMap((line, i) => (dropped.has(i) ? [] : [joined.get(i) ?? line])).join('\n');
}

/** What must not depend on how strace cut the calls: every connection, its ends, their bytes and opens, and the findings. */
function streams(analysis: Analysis) {
  // The key, not the tuple: a connection prints its addresses in the order its first line gave them.
  const connections = analysis.connections.map((c) => `${c.key}: ${c.endpoints.map((e) => `${e.role} fd ${e.fd} tids ${e.tids.join(',')} `
    + `${e.bytesWritten} written ${e.bytesRead} read ${e.callCount} calls${e.opened ? ` opened by ${e.opened.type}` : ''}${e.closed ? ' closed' : ''}${e.eof ? ' eof' : ''}`).sort().join(' | ')}`).sort();
  // Lines move when two lines become one; what a finding says apart from them must not.
  const findings = analysis.findings.map((f) => `${f.code} ${f.call.type} ${f.call.endpoint?.connection.key}: ${f.message.replace(/(line|event) \d+/g, '$1 N')}`);
  return { connections, findings };
}

const SPLIT_FIXTURES = ['revert-httpd-POST-single.strace', 'revert-httpd-POST-frontonly.httpd.strace', 'strace-cases/debian-httpd-POST.1501-1760.strace',
  'strace-cases/python-unix-pair.Y.strace', 'strace-cases/python-tcp-pair.strace'];

test('every kind of split call lands where the unsplit call would (real traces, one kind at a time and all at once)', () => {
  const tested = new Set<string>();
  for (const name of SPLIT_FIXTURES) {
    const text = readFixture(name);
    const kinds = new Set([...text.matchAll(/^\S+ +\S+ ([a-z0-9_]+)\(.* <unfinished \.\.\.>$/gm)].map((m) => m[1]));
    const split = streams(analyzeText(text));
    for (const kind of [...kinds, undefined]) {
      for (const at of ['enter', 'exit'] as const) {
        const whole = unsplit(text, at, kind === undefined ? undefined : new Set([kind]));
        if (kind !== undefined && whole === text) continue;
        assert.notEqual(whole, text, `${name}: some ${kind ?? 'call'} is split`);
        assert.deepEqual(streams(analyzeText(whole)), split, `${name}: ${kind ?? 'every kind'} joined at its ${at}`);
        if (kind !== undefined) tested.add(kind);
      }
    }
  }
  // Every kind the real traces split is among them: the test would prove little otherwise.
  const expected = ['accept4', 'close', 'connect', 'fcntl', 'read', 'recvfrom', 'shutdown', 'socket', 'write', 'writev'];
  assert.deepEqual(expected.filter((k) => !tested.has(k)), []);
});

test('a connect that resumes after the peer\'s accept4 names the pair still opens its end (debian-httpd-POST.merged.strace:1525-1531)', () => {
  // 23738 12:13:52.063928 connect(21<UNIX-STREAM:[1525187]>, {sa_family=AF_UNIX, sun_path="/tmp/helloFastCGI.s"}, 21 <unfinished ...>
  // 23897 12:13:52.064111 accept4(3<UNIX-STREAM:[1525024,"/tmp/helloFastCGI.s"]>, ...) = 5<UNIX-STREAM:[1525188->1525187,"/tmp/helloFastCGI.s"]>
  // 23738 12:13:52.064158 <... connect resumed>) = 0
  const analysis = analyzeText(readFixture('strace-cases/debian-httpd-POST.1501-1760.strace'));
  const connection = analysis.connections.find((c) => c.tuple === '1525188->1525187')!;
  assert.ok(connection);
  const [connector, acceptor] = ['connect', 'accept'].map((role) => connection.endpoints.find((e) => e.role === role)!);
  assert.ok(connector && acceptor, connection.endpoints.map((e) => e.role).join(', '));
  assert.equal(connector.opened!.enterLine, 1525 - 1501);
  assert.equal(connector.opened!.exitLine, 1531 - 1501);
  assert.deepEqual([connector.fd, connector.tids, connector.bytesWritten, connector.bytesRead], [21, [23738], 703, 94]);
  assert.deepEqual([acceptor.fd, acceptor.tids, acceptor.bytesWritten, acceptor.bytesRead], [5, [23897], 94, 703]);
  // uWSGI read all 703 bytes before it closed: nothing to report on this connection.
  assert.equal(analysis.findings.filter((f) => f.call.endpoint?.connection === connection).length, 0);
  // The excerpt starts inside another connection: uWSGI's end names httpd's inode 1525945, writes
  // and closes (lines 18-19); httpd's reads then name their own inode alone
  //   23739 12:13:52.063845 read(19<UNIX-STREAM:[1525945]>,  <unfinished ...>
  // and are that connection's other end.
  const earlier = analysis.connections.filter((c) => c.key === 'u|1525185|1525945');
  assert.equal(earlier.length, 1);
  assert.deepEqual(earlier[0].endpoints.map((e) => `${e.fd} ${e.tids} ${e.bytesWritten}/${e.bytesRead}`), ['5 23897 94/703', '19 23739 0/94']);
  assert.ok(!analysis.connections.some((c) => c.tuple.includes('1525945->0')));
});

test('a TCP socket named by its inode after the client\'s FIN is still the connection its fd named (revert-nginx-POST.merged.strace:1711-1777)', () => {
  // 23755 12:14:31.091672 shutdown(14<TCP:[127.0.0.1:28081->127.0.0.1:46834]>, SHUT_WR) = 0
  // 23755 12:14:31.103162 recvfrom(14<TCP:[1542938]>, "", 4096, 0, NULL, NULL) = 0
  // 23755 12:14:31.111418 close(14<TCP:[1542938]>) = 0
  const analysis = analyzeText(readFixture('revert-nginx-POST.merged.strace'));
  assert.equal(analysis.connections.length, 400);
  const connection = analysis.connections.find((c) => c.tuple === '127.0.0.1:28081->127.0.0.1:46834')!;
  const [end] = connection.endpoints;
  assert.equal(connection.endpoints.length, 1);
  assert.equal(end.eof?.exitLine, 1775 - 1);
  assert.equal(end.closed?.enterLine, 1777 - 1);
  assert.deepEqual([end.bytesRead, end.bytesWritten], [159, 133]);
});

// --- Process names: -Y, execve and clone, otherwise `pid N` ---------------------------------------

function named(lines: string[]): TraceEvent[] {
  const names = new StraceNames();
  const found: TraceEvent[] = [];
  lines.forEach((line, i) => assert.ok(parseStraceLine(line, i, (e) => found.push({ ...e }), names), line));
  return found;
}

test('-Y names every line: `10288<python3> …`, and a clone returns `10289<python3>` (python-unix-pair.Y.strace:1,13,16)', () => {
  const [execEnter, execExit, , clone, socket] = named([
    '10288<strace> 05:49:46.426637 execve("/usr/bin/python3", ["/usr/bin/python3", "pair.py"], 0x7ffcfeba9908 /* 39 vars */) = 0',
    '10288<python3> 05:49:46.446633 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f547628a310) = 10289<python3>',
    '10289<python3> 05:49:46.450739 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 4<UNIX-STREAM:[72267]>',
  ]);
  // The execve's enter ran in strace's child before the exec; its exit is the new program.
  assert.deepEqual([execEnter.process, execExit.process, execExit.tid], ['strace', 'python3', 10288]);
  assert.equal(clone.res, 10289);
  assert.deepEqual([socket.process, socket.tid], ['python3', 10289]);
  // `[pid N<comm>]`: strace -f writing to a terminal.
  const [onTerminal] = named(['[pid 17997<sh>] 05:44:28.040793 write(1<pipe:[24824]>, "hi\\n", 3) = 3']);
  assert.deepEqual([onTerminal.process, onTerminal.tid, onTerminal.fd], ['sh', 17997, 1]);
});

test('without -Y, execve names its thread and clone passes the name on; nothing named stays unnamed (python-unix-pair.strace)', () => {
  const lines = readFixture('strace-cases/python-unix-pair.strace').split('\n').filter((l) => l.length > 0);
  const events = named(lines);
  const child = events.find((e) => e.tid === 10294)!;
  assert.deepEqual([child.process, child.type], ['python3', 'socket']);
  // Only the execve's enter came before any name: the trace starts with it.
  assert.deepEqual([events[0].type, events[0].exit, events[0].process], ['execve', false, '']);
  assert.ok(events.slice(1).every((e) => e.process === 'python3'));
  // A thread no execve or clone line names: no name, and labels say `pid N`.
  assert.deepEqual(named(['25075 12:14:44.324289 close(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]> <unfinished ...>']).map((e) => e.process), ['']);
});

test('a traced unix socket pair: names from the trace, lines for events, the listener is no connection (python-unix-pair*.strace)', () => {
  for (const [name, server, client, close] of [['strace-cases/python-unix-pair.strace', 10293, 10294, 55], ['strace-cases/python-unix-pair.Y.strace', 10288, 10289, 54]] as const) {
    const analysis = analyzeText(readFixture(name));
    assert.equal(analysis.stats.unparsedLines, 0, name);
    // bind, listen and the listener's close name its inode alone: they make no connection.
    assert.equal(analysis.connections.length, 1, name);
    const [connection] = analysis.connections;
    const connector = connection.endpoints.find((e) => e.role === 'connect')!;
    const acceptor = connection.endpoints.find((e) => e.role === 'accept')!;
    assert.deepEqual([connector.process, connector.tids, connector.bytesWritten], ['python3', [client], 13], name);
    assert.deepEqual([acceptor.process, acceptor.tids, acceptor.bytesRead], ['python3', [server], 5], name);
    assert.equal(connection.lineNumbered, true);
    // The server read "hello" and closed: "world!!!" was never read.
    assert.deepEqual(analysis.findings.map((f) => f.message), [`8 bytes written here were never read: python3 (${server}) closed fd 4 at line ${close} after reading 5 of 13 bytes`]);
  }
});

test('a TCP client: its connect names only the socket inode, the next call on its fd names the pair (python-tcp-pair.strace:47,49)', () => {
  //  7331  05:57:41.550887 connect(4<TCP:[160734]>, {sa_family=AF_INET, sin_port=htons(35551), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
  //  7331  05:57:41.553097 sendto(4<TCP:[127.0.0.1:60080->127.0.0.1:35551]>, "GET / HTTP/1.0\r\n\r\n", 18, 0, NULL, 0) = 18
  const analysis = analyzeText(readFixture('strace-cases/python-tcp-pair.strace'));
  // The listening socket (bind, listen, its close) is no connection.
  assert.equal(analysis.connections.length, 1);
  const [connection] = analysis.connections;
  const connector = connection.endpoints.find((e) => e.role === 'connect')!;
  const acceptor = connection.endpoints.find((e) => e.role === 'accept')!;
  assert.equal(connector.opened!.enterLine, 47 - 1);
  assert.deepEqual([connector.tids, connector.bytesWritten, connector.bytesRead, connector.closed?.enterLine], [[7331], 18, 24, 55 - 1]);
  assert.deepEqual([acceptor.tids, acceptor.bytesWritten, acceptor.bytesRead, acceptor.closed?.enterLine], [[7330], 24, 18, 57 - 1]);
  // Both ends opened in the trace: the server's reply is matched to the client's read.
  const reply = acceptor.writes[0];
  assert.deepEqual(connector.reads.map((r) => r.range), [reply.range]);
  assert.equal(analysis.findings.length, 0);
});

// --- Every FastCGI connection against the trace's own summary (written by the experiment's
// analyze_strace.py): `[16 656 8 15 8] | [695] | [8 43 8 11 24]: 20` is httpd's writes | uWSGI's
// reads | uWSGI's writes, and how many connections show it. `npm run strace-check` does the same
// on the whole corpus, and also checks each TCP socket's bytes against the raw lines.

function summaryPatterns(text: string): Map<string, number> {
  const patterns = new Map<string, number>();
  for (const m of text.matchAll(/^ {2}(\[[^\]]*\] \| \[[^\]]*\] \| \[[^\]]*\]): (\d+)$/gm)) patterns.set(m[1], Number(m[2]));
  return patterns;
}

function analysisPatterns(analysis: Analysis): Map<string, number> {
  const patterns = new Map<string, number>();
  for (const connection of fastcgi(analysis)) {
    const connector = connection.endpoints.find((e) => e.role === 'connect');
    const acceptor = connection.endpoints.find((e) => e.role === 'accept');
    const results = (endpoint: Endpoint | undefined, role: 'write' | 'read') => (endpoint === undefined ? [] : connection.calls
      .filter((c) => c.endpoint === endpoint && c.role === role && c.exitLine >= 0 && c.res !== 0 && c.errno !== 'EAGAIN')
      .map((c) => (c.errno ? `-1 ${c.errno}` : String(c.res))));
    const pattern = `[${results(connector, 'write').join(' ')}] | [${results(acceptor, 'read').join(' ')}] | [${results(acceptor, 'write').join(' ')}]`;
    patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
  }
  return patterns;
}

test('every FastCGI connection of the whole traces, call by call, as their summaries count them', () => {
  for (const [trace, summary] of [
    ['revert-httpd-POST-single.strace', 'strace-cases/revert-httpd-POST-single.summary.txt'],
    ['revert-httpd-POST-frontonly.httpd.strace', 'strace-cases/revert-httpd-POST-frontonly.summary.txt'],
    ['revert-nginx-POST.merged.strace', 'strace-cases/revert-nginx-POST.summary.txt'],
  ]) {
    const truth = summaryPatterns(readFixture(summary));
    assert.equal([...truth.values()].reduce((a, n) => a + n, 0), 200, summary);
    const analysis = analyzeText(readFixture(trace));
    assert.deepEqual(Object.fromEntries([...analysisPatterns(analysis)].sort()), Object.fromEntries([...truth].sort()), trace);
    // Each end's byte counts are the sums of its calls' results.
    for (const connection of fastcgi(analysis)) {
      for (const e of connection.endpoints) {
        const sum = (role: string) => connection.calls.filter((c) => c.endpoint === e && c.role === role && (c.res ?? 0) > 0).reduce((n, c) => n + c.res!, 0);
        assert.deepEqual([e.bytesWritten, e.bytesRead], [sum('write'), sum('read')], `${trace}: ${connection.tuple}`);
      }
    }
  }
});

test('a client that wrote and closed before the server\'s accept4 is still the other end (python-tcp-late-accept.strace:48,50)', async () => {
  //  25241 06:24:58.961919 close(4<TCP:[127.0.0.1:60256->127.0.0.1:45617]>) = 0
  //  25240 06:24:59.155828 accept4(3<TCP:[127.0.0.1:45617]>, {...}, [16], SOCK_CLOEXEC) = 4<TCP:[127.0.0.1:45617->127.0.0.1:60256]>
  for (const analysis of [analyzeText(readFixture('strace-cases/python-tcp-late-accept.strace')), await analyzeFile(fixturePath('strace-cases/python-tcp-late-accept.strace'))]) {
    assert.equal(analysis.stats.connections, 1);
  }
  const [connection] = analyzeText(readFixture('strace-cases/python-tcp-late-accept.strace')).connections;
  assert.deepEqual(connection.endpoints.map((e) => `${e.role} ${e.tids} ${e.bytesWritten}/${e.bytesRead}`), ['connect 25241 18/0', 'accept 25240 0/18']);
  // Both ends opened in the trace: the server's read goes to the client's write.
  const read = connection.endpoints[1].reads[0];
  assert.deepEqual(peersOf(read).map((c) => c.exitLine + 1), [47]);
});

test('the CLI (lean analysis) and the language server agree on every strace fixture', async () => {
  const names = readdirSync(join(repoRoot(), 'test/fixtures')).filter((f) => f.endsWith('.strace'));
  const subdirs = ['strace-flags', 'strace-cases'].flatMap((dir) => readdirSync(join(repoRoot(), 'test/fixtures', dir)).filter((f) => f.endsWith('.strace')).map((f) => `${dir}/${f}`));
  for (const name of [...names, ...subdirs]) {
    const retained = analyzeText(readFixture(name));
    const lean = await analyzeFile(fixturePath(name));
    assert.equal(lean.stats.connections, retained.stats.connections, name);
    assert.deepEqual(lean.findings.map((f) => `${f.line} ${f.message}`), retained.findings.map((f) => `${f.line} ${f.message}`), name);
  }
});

test('a write call\'s enter carries the length strace prints (writev: the sum of iov_len), as sysdig\'s size=', () => {
  const sizes = (line: string) => {
    const events: TraceEvent[] = [];
    parseStraceLine(line, 0, (e) => events.push(e));
    return events.map((e) => [e.exit, e.size]);
  };
  // Lines 53 and 56 of revert-httpd-POST-frontonly.httpd.strace (FastCGI headers + bodies).
  assert.deepEqual(sizes('23743 12:14:35.869912 writev(15<UNIX-STREAM:[1544692->1544174]>, [{iov_base="\\1\\1\\0\\1\\0\\10\\0\\0", iov_len=8}, {iov_base="\\0\\1\\0\\0\\0\\0\\0\\0", iov_len=8}], 2 <unfinished ...>'), [[false, 16]]);
  assert.deepEqual(sizes('23743 12:14:35.870043 writev(15<UNIX-STREAM:[1544692->1544174]>, [{iov_base="\\1\\4\\0\\1\\2\\210\\0\\0", iov_len=8}, {iov_base="\\16\\1CONTENT_LENGTH7\\f!CONTENT_TYPEapplication"..., iov_len=648}], 2 <unfinished ...>'), [[false, 656]]);
  // A string strace cut (`"..."...`) and one with an escaped quote: the length after the buffer.
  assert.deepEqual(sizes('25075 12:14:44.323109 write(5<UNIX-STREAM:[1550446->1550442,"/tmp/helloFastCGI.s"]>, "Status: 200 OK\\r\\nContent-type: text/html\\r\\n\\r\\n", 43 <unfinished ...>'), [[false, 43]]);
  assert.deepEqual(sizes('23744 12:14:35.853066 write(7</srv/lab/logs/httpd-access.log>, "127.0.0.1 - - [27/Nov/2026:12:14:35 +0000] \\"POST / HTTP/1.0\\" 200 11\\n", 68) = 68'), [[false, 68], [true, undefined]]);
  assert.deepEqual(sizes('17620 05:44:19.387213 sendto(6<UNIX-STREAM:[23667]>, "\\1\\5\\0\\1\\0\\0\\0\\0", 8, 0, NULL, 0) = -1 EPIPE (Broken pipe)'), [[false, 8], [true, undefined]]);
  // Reads carry no size: what they asked for is not what they moved.
  assert.deepEqual(sizes('25075 12:14:44.322 read(5<UNIX-STREAM:[1550446->1550442]>, "\\1\\1\\0\\1\\0\\10\\0\\0", 8) = 8'), [[false, undefined], [true, undefined]]);
});
