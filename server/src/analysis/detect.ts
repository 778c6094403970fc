// Which trace a text is, from its first lines: the client switches a Plain Text or Log
// document to `scap` or `strace` with this, so `capture.txt` and `nginx.log` get every
// feature. It is the parsers' own check (a line is a sysdig event when the parser reads it),
// so every rendering the analysis reads is detected, and nothing the analysis would reject.

import { parseJsonLine, parseLiddsLine, parseSysdigLine } from './sysdigParser';

export type TraceLanguage = 'scap' | 'strace';

/**
 * How many non-blank lines may come before the first event: a copied terminal session can
 * start with its prompt (`$ sysdig -r trace.scap`), a log with a header line or two.
 */
const LEADING_LINES = 5;

/**
 * How much of a file a caller that reads from disk should pass: enough for the first lines
 * of any dump. A line cut by this limit still counts (see detectTraceLanguage).
 */
export const DETECTION_HEAD_BYTES = 64 * 1024;

/** The start of a `sysdig -j` line, whose keys sysdig sorts: `{"evt.cpu":0,"evt.dir":"<",…`. */
const JSON_EVENT_START = /^\{"evt\.[a-z_.]+":/;

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

/** The language of one line: a sysdig event in any rendering the parser reads, a strace line, or neither. */
export function lineLanguage(line: string): TraceLanguage | undefined {
  if (parseSysdigLine(line, 0) || parseLiddsLine(line, 0) || parseJsonLine(line, 0)) return 'scap';
  // A JSON line cut by the caller's head limit no longer parses; its start is still sysdig's.
  if (!line.endsWith('}') && JSON_EVENT_START.test(line)) return 'scap';
  if (STRACE_LINE.test(line)) return 'strace';
  return undefined;
}

/**
 * `scap` when the first event among the text's first non-blank lines is a sysdig event
 * (default format, every `-t` mode, `-pc`, terminal colours with `(PID.TID)`, `-j`, LID-DS),
 * `strace` when it is a strace line, undefined when none of the first few lines is either.
 * `text` is the start of a document or file, e.g.
 *   `131 16:17:57.881730713 0 host (host) cat (20072:<NA>) < execve res=0 exe=cat args=/dev/null. …`
 * A line cut short by the end of `text` still counts: the parsers read a line's start, and a
 * `-j` line is known by its first key.
 */
export function detectTraceLanguage(text: string): TraceLanguage | undefined {
  let seen = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < text.length && seen < LEADING_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // Terminal output ends its lines with CRLF.
    const line = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    if (line.trim() === '') continue;
    seen++;
    const language = lineLanguage(line);
    if (language) return language;
  }
  return undefined;
}
