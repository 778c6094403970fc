// Strings that must outlive the text they were cut from.

/**
 * A copy of `text` that does not keep its source alive. A substring of 13 characters or
 * more is a view into its parent in V8, so a name sliced from a 64 KiB chunk keeps the chunk.
 * Concatenating and cutting again makes V8 flatten into a fresh string: three times cheaper
 * than a round trip through a Buffer, and checked by test/unit/memory.test.ts.
 */
export function detach(text: string): string {
  return (text + '\u0000').slice(0, -1);
}
