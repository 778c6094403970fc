// Which trace a text is, from its first lines: the client switches a Plain Text or Log
// document to `scap` or `strace` with this, so `capture.txt` and `nginx.log` get every
// feature. It is the formats' own check (formats/index.ts: a line is a sysdig event when the
// parser reads it), so every rendering the analysis reads is detected, and nothing the
// analysis would reject.

import { formatOfLine, type TraceLanguage } from './formats';

export { STRACE_LINE, type TraceLanguage } from './formats';

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

/** The language of one line: a sysdig event in any rendering the parser reads, a strace line, or neither. */
export function lineLanguage(line: string): TraceLanguage | undefined {
  return formatOfLine(line)?.language;
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
