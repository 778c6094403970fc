// The first bytes of a read or write as sysdig printed them after `data=`: the evidence that
// lines up the two ends of a connection the capture joined midway (alignment.ts). Byte counts
// never come from here (they come from `res=`); only the bytes' values do.

/**
 * A payload prefix. `rendered` is sysdig's default rendering, one character per byte where
 * every byte that is not printable became `.`; otherwise `bytes` holds the exact bytes (`-x`,
 * `-X`), one latin1 character each.
 */
export interface Payload {
  bytes: string;
  rendered: boolean;
}

/** sysdig's default mode prints at most this many characters of a buffer (FORMAT.md §3.6). */
const DEFAULT_CUT = 80;
/** With a snaplen above 80, a longer buffer is cut to 77 characters and `...`. */
const CUT_WITH_ELLIPSIS = 77;
// `\t0x0010: 5573 6572 2d41 6765 6e74 3a20 5767 6574  User-Agent: Wget`
const HEX_LINE = /^\t0x([0-9a-f]{4,}): ((?:[0-9a-f]{2,4} ?)+)/;

/**
 * Reads the payload of an exit line whose `res=` value starts at `resCol`, e.g.
 *   `1278 13:22:23.581404124 1 nginx (13057) < recvfrom res=141 data=GET / HTTP/1.1..User-Agent: Wget/1.17.1 (linux-gnu)..Accept: (…)..Accept-Encodin tuple=NULL `
 * (`(…)` stands for `*` `/` `*`, which would end this comment) gives the 80 characters from
 * `GET` to `Accept-Encodin`. Default output prints
 * exactly min(res, 80) characters (FORMAT.md §3.6), which is how its end is found when the
 * payload holds spaces or `=`. With `-x`/`-X` the value starts on the next line as hex dump
 * lines; `lineAfter(k)` gives the k-th line after the exit line. `-A` drops non-printable bytes,
 * so its text cannot say where a byte was: it gives undefined, as does anything unexpected.
 */
export function readPayload(text: string, resCol: number, res: number, lineAfter: (k: number) => string | undefined): Payload | undefined {
  if (resCol < 0 || !(res > 0)) return undefined;
  const at = text.indexOf(' data=', resCol);
  if (at < 0) return undefined;
  const start = at + 6;
  if (start === text.length || (start === text.length - 1 && text.charCodeAt(start) === 32)) return hexPayload(res, lineAfter);
  const length = Math.min(res, DEFAULT_CUT);
  const end = start + length;
  // The character after the value is the space before the next parameter or the line's end.
  if (end > text.length || (end < text.length && text.charCodeAt(end) !== 32)) return undefined;
  // A longer buffer may end in sysdig's `...` (snaplen above 80): only the first 77 are sure.
  const kept = res > DEFAULT_CUT ? CUT_WITH_ELLIPSIS : length;
  return { bytes: text.slice(start, start + kept), rendered: true };
}

// `1278 ... < recvfrom res=141 data=` then `\t0x0000: 4745 5420 2f20 4854 5450 2f31 2e31 0d0a  GET / HTTP/1.1..`
function hexPayload(res: number, lineAfter: (k: number) => string | undefined): Payload | undefined {
  let bytes = '';
  for (let k = 1; ; k++) {
    const line = lineAfter(k);
    const match = line === undefined ? null : HEX_LINE.exec(line);
    if (!match) break;
    if (parseInt(match[1], 16) !== bytes.length) return undefined;
    const hex = match[2].replace(/ /g, '');
    for (let i = 0; i + 1 < hex.length; i += 2) bytes += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  }
  if (bytes.length === 0 || bytes.length > res) return undefined;
  return { bytes, rendered: false };
}

/** Whether a payload character says something: a rendered `.` may be any non-printable byte. */
export function isTelling(payload: Payload, code: number): boolean {
  return payload.rendered ? code !== 46 : code !== 0;
}

/**
 * The payloads of a dump held in memory, read again from the exit line of each call: the
 * language server keeps the text anyway, so nothing is kept per call while analysing. The
 * table of line starts is built on the first question only (most dumps align by open).
 */
export function payloadsOfText(text: string): (call: { exitLine: number; resCol: number; res: number | undefined }) => Payload | undefined {
  let starts: Uint32Array | undefined;
  const lineText = (line: number): string | undefined => {
    starts ??= lineStarts(text);
    if (line < 0 || line >= starts.length) return undefined;
    let end = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
    if (end > starts[line] && text.charCodeAt(end - 1) === 13) end--;
    return text.slice(starts[line], end);
  };
  return (call) => {
    if (call.exitLine < 0 || call.res === undefined) return undefined;
    const line = lineText(call.exitLine);
    if (line === undefined) return undefined;
    return readPayload(line, call.resCol, call.res, (k) => lineText(call.exitLine + k));
  };
}

function lineStarts(text: string): Uint32Array {
  let starts = new Uint32Array(1024);
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (count === starts.length) {
      const grown = new Uint32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[count++] = i + 1;
  }
  return starts.slice(0, count);
}
