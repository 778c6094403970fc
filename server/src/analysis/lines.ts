// A dump's text cut into lines the way everything here numbers them: at `\n`, `\r\n` and a
// lone `\r`, as VS Code does. The analysis drivers, the language server's DumpIndex and the
// CLI's follow and diagram all count lines through this file, so a line number means the same
// line everywhere, whatever the line endings.

/** A dump's lines by number; the language server's DumpIndex and the CLI's TextLines are both one. */
export interface DumpLines {
  readonly lineCount: number;
  lineText(line: number): string;
}

/**
 * Cuts a text into lines as VS Code numbers them: at `\n`, at `\r\n` (the line keeps its `\r`,
 * which addLineAt drops) and at a lone `\r` (a file with old Mac line ends is 36 lines to VS
 * Code, not one). A text without `\r` costs one indexOf per line, as before.
 */
export class LineCutter {
  /** The first `\r` at or after the last line's start, or -1 when there is none left. */
  private cr: number;
  /** Where the line after the one last cut starts. */
  next = 0;

  constructor(private readonly text: string) {
    this.cr = text.indexOf('\r');
  }

  /** The end of the line starting at `start`, before its `\n` or lone `\r`; sets `next`. */
  lineEnd(start: number): number {
    const text = this.text;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    this.next = end + 1;
    if (this.cr >= 0) {
      if (this.cr < start) this.cr = text.indexOf('\r', start);
      // A `\r` right before the `\n` is a CRLF; one that ends the text is a line break.
      if (this.cr >= 0 && (this.cr < end - 1 || (this.cr === end - 1 && end === text.length))) {
        end = this.cr;
        this.next = end + 1;
      }
    }
    return end;
  }
}

/**
 * Where each line starts, in one pass over the text (the array doubles as it fills), as
 * LineCutter cuts them.
 */
export function lineStarts(text: string): Uint32Array {
  let starts = new Uint32Array(1024);
  let count = 1;
  const lines = new LineCutter(text);
  for (let start = 0; lines.lineEnd(start) < text.length; start = lines.next) {
    if (count === starts.length) {
      const grown = new Uint32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[count++] = lines.next;
  }
  return starts.slice(0, count);
}

/** `lineText(33)` → `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ ` */
export class TextLines implements DumpLines {
  readonly lineCount: number;
  private readonly starts: Uint32Array;

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
    this.lineCount = this.starts.length;
  }

  /** The text of a line without its line break (empty past the end). */
  lineText(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const start = this.starts[line];
    let end = line + 1 < this.lineCount ? this.starts[line + 1] - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }
}
