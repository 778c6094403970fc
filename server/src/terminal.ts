// Dump text on a terminal. A process can rename itself to `u\x1b[2K\x1b]0;pwned\x07`, and the
// CLI's text output prints process names: raw, those bytes would erase lines and retitle the
// terminal of whoever reads the report. Control characters are shown escaped instead, as
// `ls` and `git` do. `--json` needs nothing: JSON.stringify escapes them already.

// C0 controls, DEL, and the C1 range (0x80-0x9f): the CLI reads bytes as latin1, and a byte
// 0x9b is a one-byte CSI to some terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** `u\x1b[2K` becomes the visible `u\x1b[2K`: each control character as `\xHH`. */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
