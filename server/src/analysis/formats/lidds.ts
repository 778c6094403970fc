// LID-DS's custom sysdig -p format (FORMAT.md §10): no event number, the pid on every line.

import { parseLiddsLine } from '../sysdigParser';
import type { TraceFormat } from './format';

export const liddsFormat: TraceFormat = {
  name: 'lidds',
  language: 'scap',
  hasEventNumbers: false,
  payloadLines: false,
  scanned: false,
  // `1631078878496797197 33 2902778 apache2 2902778 writev < res=-32(EPIPE) data=FQMDABokO4Jz9bPHZuxEr/YrSMelMX30Ap7uwWok4A== `
  looksLike: (line) => parseLiddsLine(line, 0) !== undefined,
  parseLine: (text, start, end, line, scratch) => parseLiddsLine(text.slice(start, end), line, scratch),
  parseAllFields: (text, line) => parseLiddsLine(text, line),
};
