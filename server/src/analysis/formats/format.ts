// What every trace format the analysis reads provides (one file per format in this folder,
// listed in index.ts). A dump is in one format, picked by its first event; from then on the
// analyzer hands each line to that format and consumes the events it gives back, without
// asking which format they came from.

import type { TraceEvent } from '../model';
import { type ParseCache, newParseCache } from '../sysdigParser';
import { StraceNames } from '../straceParser';

export type FormatName = 'sysdig' | 'strace' | 'lidds' | 'json';

/** The editor language a document in the format gets (package.json's `languages`). */
export type TraceLanguage = 'scap' | 'strace';

/**
 * What parseLine returns for a line whose events it handed to `emit` (strace: one line holds
 * a whole call, its enter and its exit).
 */
export const CALL_LINE = 1;

/**
 * What the formats learn from one dump as it is read: sysdig's parse cache (names seen), and
 * what a strace trace has said so far about its process names (`-Y`, execve, clone).
 */
export interface DumpState {
  readonly cache: ParseCache;
  readonly names: StraceNames;
}

export function newDumpState(): DumpState {
  return { cache: newParseCache(), names: new StraceNames() };
}

export interface TraceFormat {
  readonly name: FormatName;
  readonly language: TraceLanguage;
  /** Whether events carry sysdig's event number; otherwise the 1-based line number stands in. */
  readonly hasEventNumbers: boolean;
  /** Whether a record's `-A` payload prints on the lines after it (sysdig's default format only). */
  readonly payloadLines: boolean;
  /** Whether the CLI's WebAssembly scanner (byteScanner.ts) parses this format's events. */
  readonly scanned: boolean;
  /**
   * Detection (detect.ts): whether one line, without its newline, is an event of this format.
   * A line cut short by a head limit counts when its start is the format's.
   */
  looksLike(line: string): boolean;
  /**
   * The line at [start, end) of `text` (no `\r`): a record format (one event per line, whose
   * record runs on over the next lines when it does not end with a space) returns its event,
   * parsed into `scratch`; a format whose line holds a whole call hands its events to `emit`
   * and returns CALL_LINE. undefined when the line is not an event of this format.
   */
  parseLine(
    text: string, start: number, end: number, line: number, scratch: TraceEvent, state: DumpState,
    emit: (event: TraceEvent) => void,
  ): TraceEvent | typeof CALL_LINE | undefined;
  /** The event of one line with every field read (hover on any line, a row's time), in a new object. */
  parseAllFields(text: string, line: number): TraceEvent | undefined;
}
