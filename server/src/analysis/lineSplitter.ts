// Splits a stream of text chunks into lines for the analyzer, so a dump far larger than
// memory can be read. A line longer than MAX_LINE_LENGTH is not buffered: it is reported as
// unparsed and its bytes are dropped until the next newline.

import { DumpAnalyzer, MAX_LINE_LENGTH } from './analyzer';

export class LineSplitter {
  private carry = '';
  private line = 0;
  private overlong = -1;

  constructor(private readonly analyzer: DumpAnalyzer) {}

  push(chunk: string): void {
    let start = 0;
    let end = chunk.indexOf('\n');
    while (end >= 0) {
      if (this.overlong >= 0) this.endOverlong(this.overlong + end);
      else if (this.carry.length > 0) this.analyzer.addLine(this.carry + chunk.slice(start, end), this.line++);
      else this.analyzer.addLineAt(chunk, start, end, this.line++);
      this.carry = '';
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    const rest = chunk.length - start;
    if (this.overlong >= 0) this.overlong += chunk.length;
    else if (this.carry.length + rest > MAX_LINE_LENGTH) {
      this.overlong = this.carry.length + rest;
      this.carry = '';
    } else if (rest > 0) this.carry += chunk.slice(start);
  }

  /** Flushes a last line that has no newline (a truncated dump). */
  end(): void {
    if (this.overlong >= 0) this.endOverlong(this.overlong);
    else if (this.carry.length > 0) this.analyzer.addLine(this.carry, this.line++);
    this.carry = '';
  }

  private endOverlong(length: number): void {
    this.analyzer.skipOverlong(this.line++, length);
    this.overlong = -1;
  }
}
