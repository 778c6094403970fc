// Where a line of a document is after an edit, from VS Code's content changes. The sequence
// diagram panel keeps the line of its event with it, so that after an edit above it the
// panel still asks the server for the same connection. No vscode import: the unit tests
// run it under node --test (test/unit/lineAfterChanges.test.ts).

/** The part of a vscode.TextDocumentContentChangeEvent this needs (0-based lines). */
export interface LineChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/**
 * The line after edits: lines inserted or removed above it move it (an edit that ends at
 * the line's first character is above it: Enter at the start of the line pushes it down);
 * an edit that spans it leaves it at the start of the new text. The changes of one event
 * apply in their order.
 */
export function lineAfterChanges(line: number, changes: readonly LineChange[]): number {
  for (const { range, text } of changes) {
    let added = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) added++;
    if (range.end.line < line || (range.end.line === line && range.end.character === 0)) line += added - (range.end.line - range.start.line);
    else if (range.start.line < line) line = Math.min(line, range.start.line + added);
  }
  return Math.max(0, line);
}

