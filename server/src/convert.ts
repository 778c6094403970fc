// The one place where the analysis's lines, columns and syscalls become LSP ranges and
// locations. Everything else in the server speaks the analysis's terms.

import { Location, Range } from 'vscode-languageserver';
import { type Syscall } from './analysis';

/** A dump's lines by number (the DumpIndex, which keeps line starts of its own). */
export interface LineSource {
  readonly uri: string;
  lineText(line: number): string;
}

/** The range of the space-delimited token starting at `column` on `line` (`-32(EPIPE)`, `699`, `26(<u>...)`). */
export function tokenRange(lines: LineSource, line: number, column: number): Range {
  const text = lines.lineText(line);
  if (column < 0 || column >= text.length) return Range.create(line, 0, line, text.length);
  let end = column;
  // An fd token runs to its closing parenthesis, which may be after a space (`<u>A->B /path)`).
  if (/^\d+\(</.test(text.slice(column, column + 12))) {
    const close = text.indexOf(') ', column);
    end = close >= 0 ? close + 1 : text.length;
  } else {
    while (end < text.length && text.charCodeAt(end) !== 32) end++;
  }
  return Range.create(line, column, line, end);
}

/**
 * Where a syscall is shown: its result on the exit line (`res=699`), else its fd on the
 * enter line. A close or shutdown is shown at its enter line, where it takes effect.
 */
export function callRange(lines: LineSource, call: Syscall): Range {
  const atEnter = call.role === 'close' || call.role === 'shutdown' || call.exitLine < 0;
  if (atEnter && call.enterLine >= 0) {
    return tokenRange(lines, call.enterLine, call.fdCol >= 0 ? call.fdCol : call.typeCol);
  }
  return tokenRange(lines, call.exitLine, call.resCol >= 0 ? call.resCol : call.typeCol);
}

export function callLocation(lines: LineSource, call: Syscall): Location {
  return Location.create(lines.uri, callRange(lines, call));
}

/** The whole of a line, for highlights and symbols. */
export function lineRange(lines: LineSource, line: number): Range {
  return Range.create(line, 0, line, lines.lineText(line).length);
}

/** A link that opens the document at a 1-based line, for markdown in hovers. */
export function lineLink(lines: LineSource, line: number, label: string): string {
  return `[${label}](${lines.uri}#L${line + 1})`;
}

/**
 * A point at a 1-based line and column of a dump the server does not hold (analysed from disk,
 * as `scap-lens check --json` reports it). VS Code widens an empty range to the word there.
 */
export function reportedRange(line: number, column: number): Range {
  return Range.create(Math.max(0, line - 1), Math.max(0, column - 1), Math.max(0, line - 1), Math.max(0, column - 1));
}

export function reportedLocation(uri: string, line: number, column = 1): Location {
  return Location.create(uri, reportedRange(line, column));
}
