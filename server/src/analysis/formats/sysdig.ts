// sysdig's default text output (`sysdig -r trace.scap`, also -t a/r/d/D, -pc, -A, -x and
// terminal colours): sysdigParser.ts reads it, and the CLI's WebAssembly scanner too.

import { parseSysdigLine, parseSysdigSpan } from '../sysdigParser';
import type { TraceFormat } from './format';

export const sysdigFormat: TraceFormat = {
  name: 'sysdig',
  language: 'scap',
  hasEventNumbers: true,
  payloadLines: true,
  scanned: true,
  // `89285 07:12:54.260023713 6 httpd (22014) < writev res=-32(EPIPE) data=........ `
  looksLike: (line) => parseSysdigLine(line, 0) !== undefined,
  parseLine: (text, start, end, line, scratch, state) => parseSysdigSpan(text, start, end, line, scratch, state.cache),
  parseAllFields: (text, line) => parseSysdigLine(text, line, undefined, undefined, true),
};
