// Syscall keeps some of its fields packed or beside it (model.ts): what goes in must come back
// out, in the common case and in the rare one (a wide column, an enter time no close has).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Syscall, analyzeText } from '../../server/src/analysis';

test('a call gives back its role and columns, narrow and wide', () => {
  const narrow = new Syscall(0, 'writev', 'write', 'httpd', 22014, 26, 40, 34);
  assert.equal(narrow.role, 'write');
  assert.equal(narrow.typeCol, 34);
  assert.equal(narrow.fdCol, 40);
  assert.equal(narrow.resCol, -1);
  narrow.resCol = 253;
  assert.equal(narrow.resCol, 253);
  assert.equal(narrow.fdCol, 40, 'setting one column leaves the others');

  // A strace line can put `= 400` past column 254: such columns are kept beside the call.
  const wide = new Syscall(1, 'read', 'read', 'python', 7, 3, 254, 1 << 19);
  wide.resCol = 100000;
  assert.deepEqual([wide.typeCol, wide.fdCol, wide.resCol, wide.role], [1 << 19, 254, 100000, 'read']);
  wide.resCol = 12;
  assert.equal(wide.resCol, 12, 'a column that was wide can be narrow again');
  wide.fdCol = -1;
  assert.equal(wide.fdCol, -1);
});

test('every role comes back, with either column wide', () => {
  for (const role of ['write', 'read', 'connect', 'accept', 'close', 'shutdown', 'other'] as const) {
    for (const [typeCol, fdCol] of [[0, -1], [253, 253], [254, 7], [7, 300]]) {
      const call = new Syscall(0, 'x', role, 'p', 1, 3, fdCol, typeCol);
      assert.deepEqual([call.role, call.typeCol, call.fdCol, call.resCol], [role, typeCol, fdCol, -1], `${role} ${typeCol} ${fdCol}`);
    }
  }
});

test('a read or write has a range, a close an enter time, in the same field', () => {
  const write = new Syscall(0, 'write', 'write', 'p', 1, 3, -1, 30);
  assert.equal(write.range, undefined);
  assert.equal(write.rangeStart, -1);
  write.res = 8;
  write.rangeStart = 100;
  assert.deepEqual(write.range, { start: 100, end: 108 });
  assert.equal(write.rangeEnd, 108);
  assert.equal(write.enterTime, undefined, 'a range is not an enter time');

  const close = new Syscall(1, 'close', 'close', 'p', 1, 3, -1, 30);
  close.enterTime = 26_000_000_000_123;
  assert.equal(close.enterTime, 26_000_000_000_123);
  assert.equal(close.range, undefined, 'an enter time is not a range');
  assert.throws(() => { close.rangeStart = 5; }, /moves no bytes/);
  close.enterTime = undefined;
  assert.equal(close.enterTime, undefined);

  // Nothing sets an enter time on a read today; if something did, it would be kept aside.
  write.enterTime = 42;
  assert.equal(write.enterTime, 42);
  assert.deepEqual(write.range, { start: 100, end: 108 });
});

test('errno and exit time come and go', () => {
  const call = new Syscall(0, 'writev', 'write', 'httpd', 1, 3, -1, 30);
  assert.equal(call.errno, undefined);
  call.errno = 'EPIPE';
  call.exitTime = 7;
  assert.deepEqual([call.errno, call.exitTime], ['EPIPE', 7]);
  call.errno = undefined;
  assert.deepEqual([call.errno, call.exitTime], [undefined, 7]);
});

test('the analysis fills them from the dump lines', () => {
  const text = [
    '1 07:12:54.259000000 6 httpd (22014) > connect fd=26(<u>) ',
    '2 07:12:54.259000100 6 httpd (22014) < connect res=0 tuple=ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s ',
    '3 07:12:54.259984241 6 httpd (22014) > writev fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) size=8 ',
    '4 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ ',
    '5 07:12:54.260100000 6 httpd (22014) > close fd=26(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s) ',
    '6 07:12:54.260100500 6 httpd (22014) < close res=0 ',
  ].join('\n');
  const analysis = analyzeText(text);
  const [connect, writev, close] = analysis.calls;
  assert.deepEqual([connect.role, writev.role, close.role], ['connect', 'write', 'close']);
  const lines = text.split('\n');
  assert.equal(lines[2].slice(writev.typeCol, writev.typeCol + 6), 'writev');
  assert.equal(lines[2].slice(writev.fdCol, writev.fdCol + 2), '26');
  assert.equal(lines[3].slice(writev.resCol, writev.resCol + 3), '-32');
  assert.equal(writev.errno, 'EPIPE');
  assert.equal(writev.range, undefined, 'a failed write moved no bytes');
  assert.equal(close.enterTime, (7 * 3600 + 12 * 60 + 54) * 1e9 + 260100000);
});
