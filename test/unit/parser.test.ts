// parseSysdigLine on real lines. Every line is copied byte for byte (trailing space kept) from
// the file named in the comment above it; paths are relative to ../shared/corpus/ unless they
// start with test/fixtures/. Lines that had to be constructed say so and why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventSpans, newParseCache, parseSysdigLine } from '../../server/src/analysis/sysdigParser';
import type { TraceEvent } from '../../server/src/analysis';

function parse(line: string, lineNo = 0): TraceEvent {
  const event = parseSysdigLine(line, lineNo);
  assert.ok(event, `expected an event from: ${JSON.stringify(line)}`);
  return event;
}

/** Asserts that `col` points at `expected` in `line`. */
function at(line: string, col: number, expected: string, what: string): void {
  assert.ok(col >= 0, `${what}: column is ${col}`);
  assert.equal(line.slice(col, col + expected.length), expected, `${what} at column ${col} of ${JSON.stringify(line)}`);
}

/** `07:12:54.259984241` or `-t a`'s `1512416690.41152095` as ns modulo one day (unpadded ns are a count). */
function nsOfDay(printed: string): number {
  const [whole, fraction] = printed.split('.');
  let seconds = 0;
  for (const part of whole.split(':')) seconds = seconds * 60 + Number(part);
  return (seconds % 86400) * 1e9 + Number(fraction);
}

/** The event's time is the printed text or (newer model) that text as ns modulo one day. */
function assertTime(e: TraceEvent, printed: string): void {
  const time: unknown = e.time;
  if (typeof time === 'string') assert.equal(time, printed);
  else assert.equal(time, nsOfDay(printed), `time of ${printed}`);
}

const UNIX = 'ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s';

test('enter line: writev with a unix fd (test/fixtures/seed-epipe.scap.txt:33, the blog verbatim)', () => {
  // seed/000_fdeb26505d4997ea.txt (blog), test/fixtures/seed-epipe.scap.txt:33
  const line = '89254 07:12:54.259984241 6 httpd (22014) > writev fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) size=8 ';
  const e = parse(line, 32);
  assert.equal(e.line, 32);
  assert.equal(e.num, 89254);
  // The default layout's digits are read only where the model keeps a time (a close or a
  // failed call) or when every field is asked for (a hover).
  assert.ok(Number.isNaN(e.time), `no time on a successful writev, got ${e.time}`);
  assertTime(parseSysdigLine(line, 32, undefined, undefined, true)!, '07:12:54.259984241');
  assert.equal(e.process, 'httpd');
  assert.equal(e.tid, 22014);
  assert.equal(e.pid, undefined);
  assert.equal(e.exit, false);
  assert.equal(e.type, 'writev');
  assert.equal(e.fd, 26);
  assert.equal(e.fdTag, 'u');
  assert.equal(e.fdName, UNIX);
  assert.equal(e.size, 8);
  assert.equal(e.res, undefined);
  assert.equal(e.resCol, -1);
  at(line, e.typeCol, 'writev ', 'typeCol');
  at(line, e.fdCol, '26(<u>', 'fdCol');
});

test('a close enter keeps its time (test/fixtures/seed-epipe.scap.txt:31): what "closed 128 µs before" is computed from', () => {
  const e = parse('89188 07:12:54.259895312 6 uwsgi (20882) > close fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) ');
  assert.equal(e.type, 'close');
  assertTime(e, '07:12:54.259895312');
  // A time whose layout is right but whose digits are not is no time at all.
  assert.ok(Number.isNaN(parse('89188 07:1x:54.259895312 6 uwsgi (20882) > close fd=10(<u>) ').time));
});

test('streaming parse: the process name is read on lines the model can keep, not on a file read (FORMAT.md line 433, seed-epipe:33)', () => {
  const cache = newParseCache();
  const file = parseSysdigLine('92 11:34:15.249238611 0 curl (28783) > readv fd=3(<f>/etc/ssl/openssl.cnf) ', 0, undefined, cache)!;
  assert.equal(file.type, 'readv');
  assert.equal(file.process, '', 'a file read cannot become a call: its name is not read');
  const socket = parseSysdigLine('89254 07:12:54.259984241 6 httpd (22014) > writev fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) size=8 ', 1, undefined, cache)!;
  assert.equal(socket.process, 'httpd');
  // test/fixtures/instruqt-tar-dbus.scap.txt:22
  const connect = parseSysdigLine('6024 22:06:09.292496616 0 tar (1847) > connect fd=4(<u>) ', 2, undefined, cache)!;
  assert.equal(connect.process, 'tar', 'a connect names its socket only on its exit, so its name is read');
  // Without a cache (a hover) every field is read.
  assert.equal(parseSysdigLine('92 11:34:15.249238611 0 curl (28783) > readv fd=3(<f>/etc/ssl/openssl.cnf) ', 0)!.process, 'curl');
});

test('exit line with res=-32(EPIPE) (test/fixtures/seed-epipe.scap.txt:34, the blog verbatim)', () => {
  const line = '89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ ';
  const e = parse(line);
  assert.equal(e.exit, true);
  assert.equal(e.type, 'writev');
  assert.equal(e.res, -32);
  assert.equal(e.errno, 'EPIPE');
  assert.equal(e.fd, undefined);
  assert.equal(e.fdCol, -1);
  at(line, e.resCol, '-32(EPIPE)', 'resCol');
  assertTime(e, '07:12:54.260023713');
  at(line, e.typeCol, 'writev', 'typeCol');
});

test('exit line with a positive res and a payload (test/fixtures/seed-epipe.scap.txt:16)', () => {
  const line = '89045 07:12:54.259748834 6 uwsgi (20882) < read res=699 data=..........HTTP_HOST127.0.0.1..HTTP_USER_AGENTApacheBench/2.3..HTTP_ACCEPT*/*.<PA ';
  const e = parse(line);
  assert.equal(e.res, 699);
  assert.equal(e.errno, undefined);
  at(line, e.resCol, '699 ', 'resCol');
});

test('accept exit with a unix tuple (sysdig/instruqt__svh5_activity.scap.txt:5916)', () => {
  const line = '6029 22:06:09.292573860 0 dbus-daemon (344) < accept fd=13(<u>ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket) tuple=ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket queuepct=0 queuelen=0 queuemax=128 ';
  const e = parse(line);
  assert.equal(e.process, 'dbus-daemon');
  assert.equal(e.tid, 344);
  assert.equal(e.exit, true);
  assert.equal(e.type, 'accept');
  assert.equal(e.fd, 13);
  assert.equal(e.fdTag, 'u');
  assert.equal(e.fdName, 'ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket');
  assert.equal(e.tuple, 'ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket');
  at(line, e.fdCol, '13(<u>', 'fdCol');
  at(line, e.typeCol, 'accept ', 'typeCol');
});

test('accept exit of the seed (test/fixtures/seed-epipe.scap.txt:10, blog verbatim)', () => {
  const line = '88619 07:12:54.259281618 7 uwsgi (20882) < accept fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s queuepct=0 ';
  const e = parse(line);
  assert.equal(e.fd, 10);
  assert.equal(e.fdTag, 'u');
  assert.equal(e.fdName, UNIX);
  assert.equal(e.tuple, UNIX);
});

test('connect exit: unix tuple, and a failed connect with tuple=0->... (instruqt__svh5_activity.scap.txt:6071)', () => {
  // test/fixtures/seed-epipe.scap.txt:2 (reconstructed from the blog's line 87796)
  const ok = parse('87796 07:12:54.244173691 6 httpd (22014) < connect res=0 tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s ');
  assert.equal(ok.res, 0);
  assert.equal(ok.errno, undefined);
  assert.equal(ok.tuple, UNIX);
  // sysdig/instruqt__svh5_activity.scap.txt:6071
  const failed = parse('6184 22:06:09.295734279 0 tar (1847) < connect res=-2(ENOENT) tuple=0->ffff91bbfc5e6000 /var/run/nscd/socket ');
  assert.equal(failed.res, -2);
  assert.equal(failed.errno, 'ENOENT');
  assert.equal(failed.tuple, '0->ffff91bbfc5e6000 /var/run/nscd/socket');
  // sysdig/k8strouble__capture.scap.txt:4342
  const inprogress = parse('4370 15:41:38.803651030 0 hyperkube (7893) < connect res=-115(EINPROGRESS) tuple=172.17.0.1:57624->172.17.0.3:9090 ');
  assert.equal(inprogress.res, -115);
  assert.equal(inprogress.errno, 'EINPROGRESS');
  assert.equal(inprogress.tuple, '172.17.0.1:57624->172.17.0.3:9090');
});

test('IPv4 tuple on an accept exit (sysdig/k8strouble__capture.scap.txt:363)', () => {
  const line = '391 15:41:38.334174532 1 hyperkube (4886) < accept fd=123(<4t>127.0.0.1:47418->127.0.0.1:8080) tuple=127.0.0.1:47418->127.0.0.1:8080 queuepct=0 queuelen=0 queuemax=128 ';
  const e = parse(line);
  assert.equal(e.fd, 123);
  assert.equal(e.fdTag, '4t');
  assert.equal(e.fdName, '127.0.0.1:47418->127.0.0.1:8080');
  assert.equal(e.tuple, '127.0.0.1:47418->127.0.0.1:8080');
  at(line, e.fdCol, '123(', 'fdCol');
});

test('IPv6 tuple and a listening IPv6 fd, <NA> process (sysdig/libs__single_ipv6_conn.scap.txt:21, :5)', () => {
  const line = '1153 23:30:56.118352985 1 <NA> (25886) < accept fd=4(<6t>2001:db8::4:54405->2001:db8::3:1234) tuple=2001:db8::4:54405->2001:db8::3:1234 queuepct=0 queuelen=0 queuemax=1 ';
  const e = parse(line);
  assert.equal(e.process, '<NA>');
  assert.equal(e.tid, 25886);
  assert.equal(e.fd, 4);
  assert.equal(e.fdTag, '6t');
  assert.equal(e.fdName, '2001:db8::4:54405->2001:db8::3:1234');
  assert.equal(e.tuple, '2001:db8::4:54405->2001:db8::3:1234');
  const listen = parse('852 23:30:53.000945929 1 <NA> (25886) > listen fd=3(<6t>2001:db8::3:1234) backlog=1 ');
  assert.equal(listen.type, 'listen');
  assert.equal(listen.fd, 3);
  assert.equal(listen.fdTag, '6t');
  assert.equal(listen.fdName, '2001:db8::3:1234');
});

test('fd=-2(ENOENT) on an openat exit (sysdig/instruqt__svh5_activity.scap.txt:759)', () => {
  const line = '843 22:06:08.609178796 0 mkdir (1845) < openat fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=/usr/lib/locale/es_ES.UTF-8/LC_MEASUREMENT flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=0 ';
  const e = parse(line);
  assert.equal(e.type, 'openat');
  assert.equal(e.fd, -2);
  assert.equal(e.errno, 'ENOENT');
  assert.equal(e.fdTag, undefined);
  assert.equal(e.fdName, undefined);
  at(line, e.fdCol, '-2(ENOENT)', 'fdCol');
});

test('fd=3(<u>): a unix socket with no name yet (sysdig/k8strouble__capture.scap.txt:9639)', () => {
  const line = '9827 15:41:39.536305023 0 curl (22370) < socket fd=3(<u>) ';
  const e = parse(line);
  assert.equal(e.type, 'socket');
  assert.equal(e.fd, 3);
  assert.equal(e.fdTag, 'u');
  assert.equal(e.fdName, '');
  assert.equal(e.errno, undefined);
});

test('bare fd=3 without parentheses (sysdig/k8strouble__capture.scap.txt:8398, falco__ping_sendto.scap.txt:1)', () => {
  const line = '8586 15:41:39.529390871 0 bash (22369) > read fd=3 size=1 ';
  const e = parse(line);
  assert.equal(e.fd, 3);
  assert.equal(e.fdTag, undefined);
  assert.equal(e.fdName, undefined);
  assert.equal(e.size, 1);
  at(line, e.fdCol, '3 size', 'fdCol');
  const ping = parse('137 17:13:47.557282636 3 <NA> (738) > sendmsg fd=3 size=64 tuple=0.0.0.0:1->128.32.41.1:0 ');
  assert.equal(ping.process, '<NA>');
  assert.equal(ping.tid, 738);
  assert.equal(ping.fd, 3);
  assert.equal(ping.size, 64);
  assert.equal(ping.tuple, '0.0.0.0:1->128.32.41.1:0');
});

test('tid (-1) on a container event with JSON info (sysdig/falco__psp_privileged.scap.txt:1)', () => {
  const line = '1405 21:35:33.350505660 0 container:9dbcbd0c435f (-1) > container json={"container":{"Mounts":[],"cpu_period":100000,"cpu_quota":0,"cpu_shares":1024,"env":[],"id":"9dbcbd0c435f","image":"nginx:latest","imagedigest":"sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a","imageid":"f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc","imagerepo":"nginx","imagetag":"latest","ip":"172.17.0.2","is_pod_sandbox":false,"labels":{"maintainer":"NGINX Docker Maintainers <docker-maint@nginx.com>"},"memory_limit":0,"metadata_deadline":0,"name":"epic_cray","port_mappings":[],"privileged":true,"swap_limit":0,"type":0}}';
  const e = parse(line);
  assert.equal(e.process, 'container:9dbcbd0c435f');
  assert.equal(e.tid, -1);
  assert.equal(e.exit, false);
  assert.equal(e.type, 'container');
  assert.equal(e.fd, undefined);
  at(line, e.typeCol, 'container json=', 'typeCol');
});

test('tid (0) with <NA> process (sysdig/instruqt__svh5_activity.scap.txt:6)', () => {
  const line = '6 22:06:05.995819177 0 <NA> (0) > switch next=1844(sysdig) pgft_maj=0 pgft_min=0 vm_size=0 vm_rss=0 vm_swap=0 ';
  const e = parse(line);
  assert.equal(e.num, 6);
  assert.equal(e.process, '<NA>');
  assert.equal(e.tid, 0);
  assert.equal(e.type, 'switch');
  assert.equal(e.fd, undefined);
});

test('process names with spaces and parentheses (constructed: the default dumps have none)', () => {
  // FORMAT.md §1: proc.name is not sanitized and may contain spaces or parentheses; the lazy
  // `(.+?)` rule makes the first ` (TID) > ` / ` (TID) < ` end the name. No default dump has
  // such a name, so these lines are sysdig/k8strouble__capture.scap.txt:8398 with the name
  // `bash` replaced by real-world comms: Firefox's `Web Content`, systemd's `(sd-pam)`, and
  // two made-up names holding `(…)` groups that are not followed by a direction.
  const base = (name: string) => `8586 15:41:39.529390871 0 ${name} (22369) > read fd=3 size=1 `;
  for (const name of ['Web Content', '(sd-pam)', 'foo (bar)', 'a (12) b', 'x (1) > y']) {
    const line = base(name);
    const e = parse(line);
    // `x (1) > y` is the documented limit of the lazy rule: the name ends at `x`.
    const expected = name === 'x (1) > y' ? 'x' : name;
    assert.equal(e.process, expected, line);
    if (name !== 'x (1) > y') {
      assert.equal(e.tid, 22369, line);
      assert.equal(e.type, 'read', line);
      assert.equal(e.fd, 3, line);
      at(line, e.typeCol, 'read ', 'typeCol');
      at(line, e.fdCol, '3 size', 'fdCol');
    }
  }
});

test('-t a and -t r time forms (sysdig/variants/wstrouble__example5_httpd.ta.txt:94-95, .tr.txt:94)', () => {
  const enter = parse('196 1512416690.41152095 0 httpd (15298) > writev fd=10(<4t>172.18.0.1:60304->172.18.0.3:80) size=20480251 ');
  assertTime(enter, '1512416690.41152095');
  assert.equal(enter.fd, 10);
  assert.equal(enter.fdTag, '4t');
  assert.equal(enter.size, 20480251);
  const exit = parse('197 1512416690.41283506 0 httpd (15298) < writev res=86880 data=HTTP/1.1 200 OK..Date: Mon, 04 Dec 2017 19:44:50 GMT..Server: Apache/2.4.29 (Uni ');
  assertTime(exit, '1512416690.41283506');
  assert.equal(exit.res, 86880);
  assert.equal(exit.exit, true);
  const rel = parse('196 1.041152096 0 httpd (15298) > writev fd=10(<4t>172.18.0.1:60304->172.18.0.3:80) size=20480251 ');
  assertTime(rel, '1.041152096');
  assert.equal(rel.num, 196);
  assert.equal(rel.fd, 10);
});

test('terminal form: ANSI colours and (PID.TID) (sysdig/variants/wstrouble__example5_nginx.tty_ansi.txt:5)', () => {
  // The file's line ends in `\r` (the pty's CRLF); the analyzer strips it before parsing, so it is left off here.
  const line = '57 19:44:31.719873079 0 \x1b[01;32mnginx\x1b[00m (\x1b[01;36m15259\x1b[00m.15259) < \x1b[01;34maccept\x1b[00m fd=3(<4t>172.18.0.1:51902->172.18.0.2:80) tuple=172.18.0.1:51902->172.18.0.2:80 queuepct=0 queuelen=0 queuemax=128 ';
  const e = parse(line);
  assert.equal(e.num, 57);
  assert.equal(e.process, 'nginx');
  assert.equal(e.pid, 15259);
  assert.equal(e.tid, 15259);
  assert.equal(e.exit, true);
  assert.equal(e.type, 'accept');
  assert.equal(e.fd, 3);
  assert.equal(e.fdTag, '4t');
  assert.equal(e.fdName, '172.18.0.1:51902->172.18.0.2:80');
  assert.equal(e.tuple, '172.18.0.1:51902->172.18.0.2:80');
});

test('terminal form: columns point into the line as it is in the document, colour codes included', () => {
  // Same line as above. The editor shows (and places diagnostics on) the raw line, escapes
  // and all, so typeCol/fdCol must index the raw text, not the text with colours stripped.
  const line = '57 19:44:31.719873079 0 \x1b[01;32mnginx\x1b[00m (\x1b[01;36m15259\x1b[00m.15259) < \x1b[01;34maccept\x1b[00m fd=3(<4t>172.18.0.1:51902->172.18.0.2:80) tuple=172.18.0.1:51902->172.18.0.2:80 queuepct=0 queuelen=0 queuemax=128 ';
  const e = parse(line);
  at(line, e.typeCol, 'accept', 'typeCol');
  at(line, e.fdCol, '3(<4t>', 'fdCol');
});

test('a payload holding ` fd=`/`res=`/`size=` text is not read as parameters', () => {
  // Real: sysdig/k8strouble__capture.scap.txt:4475 (` charset="ut...` inside data=).
  const real = parse('4503 15:41:38.804110240 1 dashboard (5365) < read res=811 data= <!doctype html> <html ng-app="kubernetesDashboard"> <head> <meta charset="ut... ');
  assert.equal(real.res, 811);
  assert.equal(real.errno, undefined);
  assert.equal(real.fd, undefined);
  // Constructed (no dump has ` fd=`/`res=` inside a payload): the converted trace's
  // revert-httpd-POST-single.scap.txt:32 `< writev res=15 data=........a=1&b=2 ` with a
  // form body that spells parameters, as a POST body or a log line could.
  const line = '8772 12:14:44.322325803 0 httpd (23745) < writev res=33 data=a=1 fd=7(<f>/x) res=-32(EPIPE) size=9 ';
  const e = parse(line);
  assert.equal(e.res, 33);
  assert.equal(e.errno, undefined);
  assert.equal(e.fd, undefined);
  assert.equal(e.fdCol, -1);
  assert.equal(e.size, undefined);
  at(line, e.resCol, '33 data=', 'resCol');
  // The same text after data= on an exit that has more parameters (recvfrom: res data tuple).
  const rf = parse('10199 15:41:39.538875855 0 curl (22370) < recvfrom res=20 data=fd=9 res=-104(ECONNRESET) tuple=10.0.2.15:53->172.17.0.7:46162 ');
  assert.equal(rf.res, 20);
  assert.equal(rf.errno, undefined);
  assert.equal(rf.fd, undefined);
});

test('non-event lines give undefined', () => {
  const lines = [
    // sysdig/variants/wstrouble__example5_httpd.x.txt:36 (hex row of -x)
    '\t0x0000: 4745 5420 2f66 6f6f 6261 722e 6269 6e20',
    // sysdig/variants/wstrouble__example5_httpd.A.txt:36-37 (-A payload lines)
    'GET /foobar.bin HTTP/1.1',
    'Host: localhost:8081',
    // the -x block's closing line (FORMAT.md §6.2) and the -S summary (FORMAT.md §8)
    ' tuple=10.0.2.15:53->172.17.0.7:46162 ',
    ' ',
    '----------------------',
    'Event           #Calls',
    '> socket          3',
    // -D debug line on stderr (FORMAT.md §8)
    '11-27 11:57:02.567145 starting offline capture',
    // a -j line (FORMAT.md §6.3)
    '{"evt.cpu":0,"evt.dir":">","evt.info":"fd=3 size=1 ","evt.num":8586,"evt.outputtime":1512416690041152095,"evt.type":"read","proc.name":"bash","thread.tid":22369}',
    // garbage of several shapes
    '',
    'hello world',
    '12345',
    '12345 ',
    '89254 07:12:54.259984241 6 httpd (22014) writev fd=26 size=8 ',
    '89254 07:12:54.259984241 6 httpd 22014 > writev fd=26 size=8 ',
    '89254 07:12:54.259984241 6 httpd (22014) > ',
    '-5 07:12:54.259984241 6 httpd (22014) > writev fd=26 size=8 ',
    'x89254 07:12:54.259984241 6 httpd (22014) > writev fd=26 size=8 ',
    '\x00\x01\x02binary\xff\xfe',
  ];
  for (const line of lines) assert.equal(parseSysdigLine(line, 0), undefined, JSON.stringify(line));
});

test('an event with no parameters keeps its type (FORMAT.md §1: `> set_robust_list `)', () => {
  const line = '2694 22:31:12.101300994 0 ls (32052) > set_robust_list ';
  const e = parse(line);
  assert.equal(e.type, 'set_robust_list');
  assert.equal(e.fdCol, -1);
  assert.equal(e.resCol, -1);
  at(line, e.typeCol, 'set_robust_list ', 'typeCol');
});

test('eventSpans: the columns of every part of a line (seed-epipe.scap.txt:16)', () => {
  const line = '89045 07:12:54.259748834 6 uwsgi (20882) < read res=699 data=..........HTTP_HOST127.0.0.1..HTTP_USER_AGENTApacheBench/2.3..HTTP_ACCEPT*/*.<PA ';
  const spans = eventSpans(line)!;
  const at = (span: { start: number; end: number }) => line.slice(span.start, span.end);
  assert.equal(at(spans.process), 'uwsgi');
  assert.equal(at(spans.tid), '20882');
  assert.equal(at(spans.type), 'read');
  assert.equal(at(spans.params.get('res')!), '699');
  // data= is exactly min(res, 80) characters, whatever it contains.
  assert.equal(at(spans.params.get('data')!).length, 80);
  const tuple = '6029 22:06:09.292573860 0 dbus-daemon (344) < accept fd=13(<u>ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket) tuple=ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket queuepct=0 queuelen=0 queuemax=128 ';
  const t = eventSpans(tuple)!;
  assert.equal(tuple.slice(t.params.get('tuple')!.start, t.params.get('tuple')!.end), 'ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket');
  assert.equal(tuple.slice(t.params.get('fd')!.start, t.params.get('fd')!.end), '13(<u>ffff91bbfc5e6000->ffff91bbfc5e7000 /var/run/dbus/system_bus_socket)');
  assert.equal(eventSpans('\t0x0000: 75d0 8583 0001 0000 0001 0000 0762 6163  u............bac'), undefined);
});
