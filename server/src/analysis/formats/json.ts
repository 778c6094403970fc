// `sysdig -j`: one JSON object per event, with sysdig's own field names.

import { parseJsonLine } from '../sysdigParser';
import type { TraceFormat } from './format';

/** The start of a `sysdig -j` line, whose keys sysdig sorts: `{"evt.cpu":0,"evt.dir":"<",…`. */
const JSON_EVENT_START = /^\{"evt\.[a-z_.]+":/;

export const jsonFormat: TraceFormat = {
  name: 'json',
  language: 'scap',
  hasEventNumbers: true,
  payloadLines: false,
  scanned: false,
  // `{"evt.cpu":0,"evt.dir":"<","evt.info":"res=1 ","evt.num":53,"evt.outputtime":1512416671719834330,"evt.type":"epoll_wait","proc.name":"nginx","thread.tid":15259}`
  // A line cut by a detection head limit no longer parses; its start is still sysdig's.
  looksLike: (line) => parseJsonLine(line, 0) !== undefined || (!line.endsWith('}') && JSON_EVENT_START.test(line)),
  parseLine: (text, start, end, line, scratch) => parseJsonLine(text.slice(start, end), line, scratch),
  parseAllFields: (text, line) => parseJsonLine(text, line),
};
