// "Open this connection as a dump", for dumps too large for the editor: the lines of the file
// that belong to the connections of a finding, as a small dump of their own where every feature
// works. Two streaming passes over the file, line by line, with only the picked lines kept:
//   1. read up to the finding's lines and take the socket address pair each names (an exit
//      line has no fd: the pair comes from the thread's enter line before it);
//   2. keep every line that names one of these pairs, with the enter or exit that completes
//      its call (same thread), in file order.
// A reused address pair brings in the other connections that used it; the analysis of the
// excerpt separates them by lifetime, as it does in the whole dump. Node only, no LSP.

import { createReadStream } from 'node:fs';

/** The thread and direction of a default-format line: `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) ...`. */
const HEADER = /^\d+ \S+ \d+ .*? \((\d+)(?:\.\d+)?\) ([<>]) /;

// The pair inside an fd's annotation, `fd=10(<u>ffff880108bcc440->ffff880108bcba80 /tmp/helloFastCGI.s)`
// or `fd=3(<4t>172.18.0.1:51910->172.18.0.2:80)`, or after `tuple=` on a connect exit line.
const FD_PAIR = /\(<(?:u|4t|4u|6t|6u)>([^\s)]+->[^\s)]+)/;
const TUPLE_PAIR = / tuple=([^\s)]+->[^\s)]+)/;

/** The address pair a line names, if any: `ffff880108bcc440->ffff880108bcba80`. */
export function addressPair(line: string): string | undefined {
  return FD_PAIR.exec(line)?.[1] ?? TUPLE_PAIR.exec(line)?.[1];
}

/** Whether `line` names `pair` as a whole (`:80->` must not match `:8080->`). */
function namesPair(line: string, pair: string): boolean {
  for (let at = line.indexOf(pair); at >= 0; at = line.indexOf(pair, at + 1)) {
    const before = line.charCodeAt(at - 1);
    const after = line.charCodeAt(at + pair.length);
    // Before: `>` of `<u>`/`<4t>`, or `=` of `tuple=`. After: `)`, a space, or the end.
    if ((before === 62 || before === 61) && (Number.isNaN(after) || after === 41 || after === 32)) return true;
  }
  return false;
}

/** Calls `visit` with each line of a file (latin1, so columns are bytes) and its 0-based number; `visit` returns false to stop. */
async function eachLine(path: string, visit: (text: string, line: number) => boolean | void, signal?: AbortSignal): Promise<void> {
  const stream = createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 18 });
  let carry = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (signal?.aborted) throw new Error('cancelled');
      const text = carry + chunk;
      let start = 0;
      for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
        if (visit(text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end), line++) === false) return;
        start = end + 1;
      }
      carry = text.slice(start);
    }
    if (carry.length > 0) visit(carry, line);
  } finally {
    stream.destroy();
  }
}

export interface Excerpt {
  /** The address pairs followed. */
  pairs: string[];
  /** 0-based lines of the file, in order; line i of the excerpt is line lines[i] of the file. */
  lines: number[];
  /** The excerpt's text, one source line per line. */
  text: string;
}

/** The excerpt of the connections named at `targets` (0-based lines of the file). */
export async function connectionExcerpt(path: string, targets: number[], signal?: AbortSignal): Promise<Excerpt> {
  const wanted = new Set(targets);
  const last = Math.max(-1, ...targets);
  const pairs = new Set<string>();
  const lastEnter = new Map<string, string>();
  await eachLine(path, (text, line) => {
    if (line > last) return false;
    const header = HEADER.exec(text);
    if (header?.[2] === '>') lastEnter.set(header[1], text);
    if (wanted.has(line)) {
      const pair = addressPair(text) ?? (header?.[2] === '<' ? addressPair(lastEnter.get(header[1]) ?? '') : undefined);
      if (pair) pairs.add(pair);
    }
    return true;
  }, signal);
  if (pairs.size === 0) return { pairs: [], lines: [], text: '' };

  const kept: { line: number; text: string }[] = [];
  // Per thread: its last enter line, and whether its call is being kept (then its exit is too).
  const enters = new Map<string, { line: number; text: string; kept: boolean }>();
  const list = [...pairs];
  await eachLine(path, (text, line) => {
    const header = HEADER.exec(text);
    const named = list.some((pair) => namesPair(text, pair));
    if (!header) {
      if (named) kept.push({ line, text });
      return;
    }
    const [, tid, direction] = header;
    if (direction === '>') {
      enters.set(tid, { line, text, kept: named });
      if (named) kept.push({ line, text });
      return;
    }
    const enter = enters.get(tid);
    if (named || enter?.kept) {
      // A connect's enter names no pair (`fd=26(<u>)`): its exit does, so the enter comes along.
      if (enter && !enter.kept) kept.push({ line: enter.line, text: enter.text });
      kept.push({ line, text });
    }
    enters.delete(tid);
  }, signal);
  kept.sort((a, b) => a.line - b.line);
  return { pairs: list, lines: kept.map((k) => k.line), text: kept.map((k) => `${k.text}\n`).join('') };
}
