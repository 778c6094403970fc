// `scap-lens conversations [--json] FILE...`: every connection of a dump with both ends and
// the bytes each way, as Wireshark's Statistics → Conversations (`tshark -z conv`) lists them.
// Every socket fd with I/O in the dump is in exactly one endpoint, those with an unknown peer
// included, so the byte sums per (process, fd) can be checked against sysdig's own counts.

import { type Analysis, type Connection, type Endpoint, type Syscall, connectionAlignment, firstLine, firstNum, processLabel, unknownPeerReason, unreadBytes } from '../analysis';
import { analyzeInput, statusAfter } from './analyze';
import { EXIT_BAD_INPUT, EXIT_OK, readArguments } from './args';
import { terminalText } from '../terminal';
import { writeErr, writeOut } from './output';

const USAGE = `Usage: scap-lens conversations [--json] FILE...   (FILE - reads standard input)

Lists every connection of each sysdig text dump (or binary capture, read as check reads it):
both ends (process, fd, how it was opened and closed) and the bytes each end wrote and read,
like Wireshark's Statistics → Conversations.
  --json   one JSON object per file:
           {"file","conversations":[{"id","kind","addresses","path"?,"aligned","peer"?,"endpoints":[
             {"process","pid"?,"tids","fd","role","opened"?,"closed"?,"bytesWritten","bytesRead","unreadBytes"?}]}]}
           lines are 1-based; "aligned" is "open" when both ends were opened inside the
           capture (their byte offsets are comparable), else null.
Exit status: 0 no errors, 1 some error-severity finding, 2 unreadable input or bad usage.`;

interface EventRef {
  line: number;
  event: number;
}

export interface ConversationEndpoint {
  process: string;
  pid?: number;
  tids: number[];
  fd: number;
  role: Endpoint['role'];
  opened?: EventRef;
  closed?: EventRef;
  bytesWritten: number;
  bytesRead: number;
  unreadBytes?: number;
}

export interface Conversation {
  id: number;
  kind: Connection['kind'];
  /** The two socket addresses as sysdig printed the pair (`A->B`); null for an end it did not print. */
  addresses: [string | null, string | null];
  path?: string;
  aligned: 'open' | 'payload' | null;
  /** Why the peer is not known, for a socket whose fd names no address pair. */
  peer?: string;
  findings: number;
  endpoints: ConversationEndpoint[];
}

/**
 * Ends whose process the dump does not name (strace without -Y or an execve): their `process`
 * is the label the hovers use (`pid 23745`), which the table must not print twice.
 */
const unnamed = new WeakSet<ConversationEndpoint>();

function eventRef(call: Syscall | undefined): EventRef | undefined {
  return call ? { line: firstLine(call) + 1, event: firstNum(call) } : undefined;
}

/** The conversations of an analysis, in the order their connections were first seen. */
export function conversationsOf(analysis: Analysis): Conversation[] {
  const findings = new Map<Connection, number>();
  for (const f of analysis.findings) {
    const connection = f.call.endpoint?.connection;
    if (connection) findings.set(connection, (findings.get(connection) ?? 0) + 1);
  }
  return analysis.connections.map((connection, id) => {
    const arrow = connection.tuple.indexOf('->');
    const addresses: [string | null, string | null] = arrow < 0
      ? [null, null] : [connection.tuple.slice(0, arrow), connection.tuple.slice(arrow + 2)];
    return {
      id,
      kind: connection.kind,
      addresses,
      ...(connection.path !== undefined ? { path: connection.path } : {}),
      aligned: connectionAlignment(connection) ?? null,
      ...(connection.unknownPeer !== undefined ? { peer: unknownPeerReason(connection) } : {}),
      findings: findings.get(connection) ?? 0,
      endpoints: connection.endpoints.map((e): ConversationEndpoint => {
        const unread = unreadBytes(e);
        const opened = eventRef(e.opened);
        const closed = eventRef(e.closed);
        const end: ConversationEndpoint = {
          process: processLabel(e),
          ...(e.pid !== undefined ? { pid: e.pid } : {}),
          tids: e.tids,
          fd: e.fd,
          role: e.role,
          ...(opened ? { opened } : {}),
          ...(closed ? { closed } : {}),
          bytesWritten: e.bytesWritten,
          bytesRead: e.bytesRead,
          ...(unread !== undefined ? { unreadBytes: unread } : {}),
        };
        if (!e.process) unnamed.add(end);
        return end;
      }),
    };
  });
}

/** `httpd (22014) fd 26, connect line 1, closed line 36`: one end for the table. */
function endLabel(e: ConversationEndpoint | undefined, conversation: Conversation): string {
  if (!e) return conversation.peer !== undefined ? 'peer unknown' : 'peer not in capture';
  // As threadLabel names a thread (model.ts), with the pid when the dump tells it.
  const who = `${unnamed.has(e) ? e.process : `${e.process} (${e.pid ?? e.tids[0]})`} fd ${e.fd}`;
  const how = [e.opened ? `${e.role} line ${e.opened.line}` : 'open before capture', ...(e.closed ? [`closed line ${e.closed.line}`] : [])];
  return `${who}, ${how.join(', ')}`;
}

function table(file: string, list: Conversation[]): string {
  const rows = [['id', 'kind', 'addresses', 'end A', 'A→B', 'B→A', 'end B', 'findings']];
  for (const c of list) {
    const [a, second] = c.endpoints;
    // With an unknown peer, a second endpoint is another process of the same name, not the peer.
    const b = c.peer === undefined ? second : undefined;
    const addresses = c.addresses[0] === null ? (c.path ?? '?') : `${c.addresses[0]}->${c.addresses[1]}${c.path ? ` ${c.path}` : ''}`;
    rows.push([String(c.id), c.kind, addresses, endLabel(a, c), String(a?.bytesWritten ?? 0), String(a?.bytesRead ?? 0), endLabel(b, c), String(c.findings)]);
    // A third holder of the same socket (a forked child, a dup), or a second process of the
    // same name on a socket with an unknown peer, gets a row of its own.
    for (const extra of c.endpoints.slice(c.peer === undefined ? 2 : 1)) rows.push(['', '', '', endLabel(extra, c), String(extra.bytesWritten), String(extra.bytesRead), c.peer === undefined ? 'shares end A or B' : 'peer unknown', '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const numeric = new Set([0, 4, 5, 7]);
  const lines = rows.map((r) => r.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
  return `${file}: ${list.length} conversation${list.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}

export async function conversations(argv: string[]): Promise<number> {
  const parsed = readArguments(argv, { json: { type: 'boolean', default: false } }, USAGE, 'scap-lens');
  if (typeof parsed === 'number') return parsed;
  const files = parsed.positionals;
  if (files.length === 0) {
    writeErr(`scap-lens: no file given\n${USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  let status = EXIT_OK;
  for (const name of files) {
    const input = await analyzeInput(name, { keepConnections: true });
    if (!input) {
      status = EXIT_BAD_INPUT;
      continue;
    }
    const { file, analysis } = input;
    status = statusAfter(status, file, analysis);
    const list = conversationsOf(analysis);
    // The table quotes the dump (process names, paths): no raw control character reaches the terminal.
    writeOut((parsed.values.json === true ? JSON.stringify({ file, conversations: list }) : table(file, list).split('\n').map(terminalText).join('\n')) + '\n');
  }
  return status;
}
