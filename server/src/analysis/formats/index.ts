// The registry of trace formats: one file per format, each with the same small interface
// (format.ts), as yaml-language-server's validatorFactory.ts picks one file per schema draft.
// The analyzer picks a dump's format by its first event (DumpAnalyzer.addLineAt), detect.ts
// picks a document's language with the formats' looksLike, hover and the sequence diagram
// re-read a line through the dump's format.

import type { TraceEvent } from '../model';
import { jsonFormat } from './json';
import { liddsFormat } from './lidds';
import { straceFormat } from './strace';
import { sysdigFormat } from './sysdig';
import type { FormatName, TraceFormat } from './format';

export { CALL_LINE, type DumpState, type FormatName, type TraceFormat, type TraceLanguage, newDumpState } from './format';
export { STRACE_LINE } from './strace';
export { jsonFormat, liddsFormat, straceFormat, sysdigFormat };

/**
 * Every format, in the order a first event is tried: sysdig's default format first (nearly
 * every dump, and the cheapest check), strace last (its check is a regular expression).
 */
export const FORMATS: readonly TraceFormat[] = [sysdigFormat, liddsFormat, jsonFormat, straceFormat];

/** A format by its name (Analysis.format); undefined for a dump none of whose lines was an event. */
export function formatNamed(name: FormatName | undefined): TraceFormat | undefined {
  return FORMATS.find((format) => format.name === name);
}

/** The format one line is an event of, or undefined. */
export function formatOfLine(line: string): TraceFormat | undefined {
  return FORMATS.find((format) => format.looksLike(line));
}

/**
 * The event of one line with every field read, through the dump's format when it is known,
 * else through the first format that reads it, e.g. the time of
 *   `89030 07:12:54.259735774 6 httpd (22014) < writev res=699 data=..........HTTP_HOST127.0.0.1..`
 */
export function parseAllFields(text: string, line: number, format?: TraceFormat): TraceEvent | undefined {
  if (format) return format.parseAllFields(text, line);
  for (const candidate of FORMATS) {
    const event = candidate.parseAllFields(text, line);
    if (event) return event;
  }
  return undefined;
}
