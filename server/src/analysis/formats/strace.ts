// `strace -f -tt -yy` (and -t, -ttt, -T, -x, -Y, stderr's `[pid N]`): one line holds a whole
// call, or its unfinished enter, or its resumed exit; straceParser.ts reads it.

import type { TraceEvent } from '../model';
import { parseStraceLine } from '../straceParser';
import { CALL_LINE, type TraceFormat } from './format';

/**
 * A strace line as `strace -f -t/-tt/-ttt [-T -y -yy -x]` prints it, e.g.
 *   `23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [...], 2) = 16`
 *   `[pid 17738] 05:44:20.662013 accept4(3<TCP:[127.0.0.1:35403]>,  <unfinished ...>` (no -o: on stderr)
 *   `17640<python3> 05:44:19.674777 accept4(3<TCP:[127.0.0.1:45411]>,  <unfinished ...>` (-Y)
 *   `23743 12:14:35.878128 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=23718, si_uid=33} ---`
 * The time is required: `f(x) = 2` in a text file must not become strace. A call must end
 * with its result (` = …`) or `<unfinished ...>`, which plain prose rarely does. Each `.*` is
 * followed by a literal the line ends with, so a long line is scanned once, not backtracked.
 * package.json gives the same pattern as the strace language's `firstLine`.
 */
export const STRACE_LINE = /^(?:\[pid +\d+(?:<[^>]*>)?\] |\d+(?:<[^>]*>)? +)?(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d{9,}\.\d+) (?:[a-z_][a-z_0-9]*\(.*(?:\) += .*|<unfinished \.\.\.>)|<\.\.\. [a-z_][a-z_0-9]* resumed>.*|--- SIG[A-Z0-9]+ .*---|\+\+\+ (?:exited with -?\d+|killed by SIG[A-Z0-9]+.*) \+\+\+)$/;

export const straceFormat: TraceFormat = {
  name: 'strace',
  language: 'strace',
  hasEventNumbers: false,
  payloadLines: false,
  scanned: false,
  // `23745 12:14:44.321173 writev(14<UNIX-STREAM:[1550442->1550446]>, [...], 2) = 16`
  looksLike: (line) => STRACE_LINE.test(line),
  parseLine: (text, start, end, line, _scratch, state, emit) => parseStraceLine(text.slice(start, end), line, emit, state.names) ? CALL_LINE : undefined,
  // The call's exit when the line has one (its result, its errno), else its enter.
  parseAllFields: (text, line) => {
    let last: TraceEvent | undefined;
    return parseStraceLine(text, line, (event) => { last = event; }) ? last : undefined;
  },
};
