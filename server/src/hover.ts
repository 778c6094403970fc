// Hover on a socket syscall (enter or exit line): who is on the other end, the connection's
// life, the bytes each way, this call's place in the stream. On an errno: what it means here.
// On a socket address: the other connections in the capture that reused it.

import { type Hover, MarkupKind, type Position } from 'vscode-languageserver';
import {
  type Connection, type Endpoint, type Syscall,
  alignmentOf, callRef, causalBreakOf, contradictionOf, elapsedBetween, firstLine, peerOf, peersOf, primaryLine, primaryNum, processLabel, threadLabel, unknownPeerReason, unreadBytes,
} from './analysis';
import { errnoMeaning, errnoNumber } from './analysis/errno';
import { formatNamed, parseAllFields } from './analysis/formats';
import { eventSpans } from './analysis/sysdigParser';
import { lineLink, tokenRange } from './convert';
import type { DumpIndex } from './dumpStore';
import { streamSection } from './followStream';
import { markdownCode, markdownText } from './markdown';

const MAX_LISTED = 5;

/** `[event 89314](…#L35)`, or `[line 54](…)` in a trace that numbers no events (strace). */
function eventLink(index: DumpIndex, call: Syscall, atEnter = false): string {
  const line = atEnter ? firstLine(call) : primaryLine(call);
  return lineLink(index, line, callRef(call, atEnter));
}

/** `uwsgi (20882)` as markdown text: process names come from the dump (see markdown.ts). */
function thread(endpoint: Endpoint): string {
  return markdownText(threadLabel(endpoint));
}

/** errnoMeaning quotes the syscall in a code span and names an unknown errno as is: both come from the dump. */
function meaning(errno: string, type: string): string {
  const plain = /^[A-Za-z0-9_]+$/;
  return plain.test(errno) && plain.test(type) ? errnoMeaning(errno, type) : markdownText(errnoMeaning(errno, type));
}

/**
 * ` (-11)`: the errno's number as the line prints it, in `res=` or, on sysdig's accept exit
 * (`< accept fd=-11(EAGAIN) tuple=NULL`), in `fd=`; else from the table (a failed accept's
 * Syscall keeps no fd); else nothing.
 */
function errnoValue(errno: string, res: number | undefined, fd: number | undefined): string {
  const value = res !== undefined && res < 0 ? res : fd !== undefined && fd < 0 ? fd : -(errnoNumber(errno) ?? 0);
  return value < 0 ? ` (${value})` : '';
}

function endLabel(endpoint: Endpoint): string {
  return `**${thread(endpoint)}** fd ${endpoint.fd}`;
}

/**
 * An end as the hover names it: its process (`httpd`), or its thread too when both ends run
 * the same program (`python3 (10289) → python3 (10288)`, a forked client and its server).
 */
function who(endpoint: Endpoint): string {
  const peer = peerOf(endpoint);
  return markdownText(peer && processLabel(peer) === processLabel(endpoint) ? threadLabel(endpoint) : processLabel(endpoint));
}

function describeConnection(connection: Connection): string {
  const kind = connection.kind === 'unix' ? 'unix socket' : connection.datagram ? `${connection.kind.toUpperCase()} socket` : `${connection.kind.replace(/\d$/, '').toUpperCase()} connection`;
  // A socket whose fd names no pair has no tuple: at most a path (`<u>/var/run/docker.sock`).
  if (connection.tuple.length === 0) return `${kind}${connection.path ? ` ${markdownCode(connection.path)}` : ''}, addresses not printed`;
  return `${kind} ${markdownCode(connection.tuple)}${connection.path ? ` ${markdownCode(connection.path)}` : ''}`;
}

/** The other end as the hover's first line names it, when there is no one peer. */
function absentPeer(connection: Connection): string {
  if (connection.unknownPeer !== undefined) return '*peer unknown*';
  if (connection.endpoints.length > 2) return `*${connection.endpoints.length} holders of one socket*`;
  return '*peer not in the capture*';
}

function directionLine(index: DumpIndex, writer: Endpoint, reader: Endpoint | undefined): string {
  const head = `${who(writer)} → ${reader ? who(reader) : 'peer'}: ${writer.bytesWritten} bytes written`;
  if (!reader) return head;
  let text = `${head}, ${reader.bytesRead} read`;
  const unread = unreadBytes(writer);
  if (reader.closed && unread !== undefined && unread > 0) {
    text += `, **${unread} never read** (${thread(reader)} closed at ${eventLink(index, reader.closed, true)})`;
  }
  const alignment = alignmentOf(writer);
  if (alignment !== undefined && alignment.by !== 'open') {
    // Alignment in hover text: "aligned by payload at events 1263/1278".
    const shown = [alignment.write, alignment.read].filter((c): c is Syscall => c !== undefined);
    const events = shown.map((c) => lineLink(index, primaryLine(c), String(primaryNum(c)))).join('/');
    const unit = writer.connection.lineNumbered ? 'line' : 'event';
    text += `; aligned by ${alignment.by === 'eof' ? 'end of file' : alignment.by === 'size' ? 'read sizes' : 'payload'} at ${unit}${shown.length > 1 ? 's' : ''} ${events}`;
  }
  return text;
}

function listCalls(index: DumpIndex, calls: Syscall[]): string {
  const shown = calls.slice(0, MAX_LISTED).map((c) => eventLink(index, c)).join(', ');
  return calls.length > MAX_LISTED ? `${shown} and ${calls.length - MAX_LISTED} more` : shown;
}

function thisCallLine(index: DumpIndex, call: Syscall): string | undefined {
  const endpoint = call.endpoint!;
  const peer = peerOf(endpoint);
  const peers = peersOf(call);
  if (call.range) {
    const direction = call.role === 'write'
      ? `${who(endpoint)} → ${peer ? who(peer) : 'peer'}` : `${peer ? who(peer) : 'peer'} → ${who(endpoint)}`;
    let text = `this ${markdownText(call.type)}: bytes ${call.range.start}–${call.range.end} of ${direction}`;
    if (peers.length > 0) text += call.role === 'write' ? `, read by ${peer ? thread(peer) : 'the peer'} at ${listCalls(index, peers)}` : `, written at ${listCalls(index, peers)}`;
    else if (call.role === 'write' && peer?.closed && alignmentOf(endpoint) !== undefined) text += ', **never read**';
    return text;
  }
  if ((call.role === 'connect' || call.role === 'accept') && peers.length > 0) return `this ${markdownText(call.type)} pairs with the ${markdownText(peers[0].type)} at ${eventLink(index, peers[0])}`;
  return undefined;
}

function socketSummary(index: DumpIndex, call: Syscall): string {
  const endpoint = call.endpoint!;
  const connection = endpoint.connection;
  const peer = peerOf(endpoint);
  const lines: string[] = [];
  lines.push(`${endLabel(endpoint)} ⟷ ${peer ? endLabel(peer) : absentPeer(connection)}`);
  lines.push('');
  lines.push(describeConnection(connection));
  lines.push('');
  // At the call's enter line, as closes, follow and conversations name an open.
  const opened = connection.endpoints.filter((e) => e.opened).map((e) => `${e.role} by ${who(e)} at ${eventLink(index, e.opened!, true)}`);
  const closed = connection.endpoints.filter((e) => e.closed).sort((x, y) => x.closed!.id - y.closed!.id).map((e) => `${who(e)} at ${eventLink(index, e.closed!, true)}`);
  const items: string[] = [];
  items.push(`opened: ${opened.length > 0 ? opened.join(' · ') : 'before the capture started'}`);
  items.push(`closed: ${closed.length > 0 ? closed.join(' · ') : 'not in the capture'}`);
  items.push(directionLine(index, endpoint, peer));
  if (peer) items.push(directionLine(index, peer, endpoint));
  else items.push(`peer → ${markdownText(endpoint.process)}: ${endpoint.bytesRead} bytes read`);
  const here = thisCallLine(index, call);
  if (here) items.push(here);
  if (peer) {
    // A direction whose writer opened before the capture and that no evidence lines up.
    const unaligned = [[endpoint, peer], [peer, endpoint]]
      .filter(([writer, reader]) => (writer.bytesWritten > 0 || reader.bytesRead > 0) && alignmentOf(writer) === undefined && contradictionOf(writer) === undefined)
      .map(([writer, reader]) => `${markdownText(writer.process)} → ${markdownText(reader.process)}`);
    if (unaligned.length > 0) {
      items.push(`${unaligned.join(' and ')}: byte offsets count from the first byte seen; the writer opened its end before the capture started`
        + ' and no payload, size or end of file in the capture lines the two counts up, so reads are not matched to writes');
    }
    for (const [writer, reader] of [[endpoint, peer], [peer, endpoint]]) {
      const extra = contradictionOf(writer);
      const broken = causalBreakOf(writer);
      if (broken !== undefined) items.push(`${markdownText(processLabel(writer))} → ${markdownText(processLabel(reader))}: from byte ${broken.offset} on, reads are not matched to writes: the read at ${eventLink(index, broken.read)} returned before the write at ${eventLink(index, broken.write, true)} began (a peek or a lost write)`);
      if (extra !== undefined) items.push(`${markdownText(processLabel(reader))} read ${extra} bytes more than ${markdownText(processLabel(writer))} wrote: a peek (MSG_PEEK) or a lost write; offsets not compared, so reads are not matched to writes`);
    }
  }
  if (connection.unknownPeer !== undefined) items.push(`${unknownPeerReason(connection, markdownCode)}; nothing is claimed about what the peer read or wrote`);
  else if (connection.endpoints.length > 2) {
    const others = connection.endpoints.filter((e) => e !== endpoint).map((e) => `${endLabel(e)} (${e.bytesWritten} bytes written, ${e.bytesRead} read)`);
    items.push(`the socket is held by ${connection.endpoints.length} processes or fds (a forked child, a dup): also ${others.join(', ')}; which holder's bytes the other end moved is unknown, so nothing is matched`);
  } else if (!peer) items.push('only this end is in the capture: nothing is claimed about what the peer read');
  return lines.join('\n') + items.map((item) => `- ${item}`).join('\n');
}

function errnoSection(index: DumpIndex, call: Syscall): string {
  let text = `**${markdownText(call.errno!)}**${errnoValue(call.errno!, call.res, undefined)}: ${meaning(call.errno!, call.type)}`;
  const finding = index.analysis.findings.find((f) => f.call === call);
  const cause = finding?.related[0];
  if (finding && cause && (call.errno === 'EPIPE' || call.errno === 'ECONNRESET')) {
    const when = elapsedBetween(cause.call, call);
    text += `\n\nHere: ${cause.call.endpoint ? thread(cause.call.endpoint) : markdownText(cause.call.process)} ${cause.call.role === 'shutdown' ? 'shut down' : 'closed'} its end at ${eventLink(index, cause.call, true)}${when ? `, ${when} before` : ''}.`;
  } else if (finding) {
    text += `\n\nHere: ${markdownText(finding.message)}.`;
  }
  return text;
}

/**
 * On `data=` and `size=`: what the numbers mean. sysdig prints at most 80 characters of a
 * payload, and `size=` is the buffer asked for; the bytes moved are in `res=`.
 */
function payloadSection(index: DumpIndex, call: Syscall, text: string, position: Position): string | undefined {
  const spans = eventSpans(text);
  const inside = (name: string) => {
    const span = spans?.params.get(name);
    return span !== undefined && position.character >= span.start - name.length - 1 && position.character <= span.end;
  };
  const moved = call.res !== undefined && call.res >= 0 ? `**${call.res} bytes**` : undefined;
  const where = call.range ? ` (bytes ${call.range.start}–${call.range.end} of this direction)` : '';
  if (inside('data')) {
    return `\`data=\` shows at most 80 characters of the payload, non-printable bytes as \`.\`: it is not the byte count.`
      + (moved ? ` This ${markdownText(call.type)} moved ${moved}${where}, as its \`res=\` says.` : '');
  }
  if (inside('size') && call.size !== undefined) {
    const exit = call.exitLine >= 0 ? ` (${lineLink(index, call.exitLine, callRef(call, false))})` : '';
    return `\`size=${call.size}\` is the buffer size asked for.` + (moved ? ` The call returned ${moved}${exit}${where}.` : '');
  }
  return undefined;
}

/** `ffff880108bcc440` or `127.0.0.1:47418` under the cursor, if any. */
function addressAt(text: string, character: number): string | undefined {
  const pattern = /[0-9a-f]{8,16}|\d{1,3}(?:\.\d{1,3}){3}:\d+/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (character >= m.index && character <= m.index + m[0].length) return m[0];
  }
  return undefined;
}

function reuseSection(index: DumpIndex, address: string, current: Connection | undefined): string | undefined {
  const users = index.analysis.connections.filter((c) => c.key.split('|').slice(1).includes(address));
  const others = users.filter((c) => c !== current);
  if (others.length === 0) return undefined;
  const shown = others.slice(0, MAX_LISTED).map((c) => {
    const first = c.calls[0];
    const who = c.endpoints.map((e) => thread(e)).join(' ⟷ ');
    return `- ${markdownCode(c.tuple)} ${who} from ${first ? eventLink(index, first, true) : '?'}`;
  });
  return `\`${address}\` is used by ${users.length} connections in this capture (addresses are reused after a close):\n${shown.join('\n')}`
    + (others.length > MAX_LISTED ? `\n- and ${others.length - MAX_LISTED} more` : '');
}

export function provideHover(index: DumpIndex, position: Position): Hover | undefined {
  const call = index.callAt(position.line);
  const text = index.lineText(position.line);
  const sections: string[] = [];
  if (call?.errno !== undefined && call.exitLine === position.line && call.resCol >= 0) {
    const range = tokenRange(index, position.line, call.resCol);
    if (position.character >= call.resCol - 4 && position.character <= range.end.character) sections.push(errnoSection(index, call));
  }
  const payload = call?.endpoint ? payloadSection(index, call, text, position) : undefined;
  if (payload) sections.push(payload);
  const address = addressAt(text, position.character);
  if (address) {
    const reuse = reuseSection(index, address, call?.endpoint?.connection);
    if (reuse) sections.push(reuse);
  }
  if (call?.endpoint) sections.push(socketSummary(index, call), streamSection(index, call, position.line));
  else if (call?.errno !== undefined && sections.length === 0) sections.push(errnoSection(index, call));
  else if (!call) {
    // Lines the model does not keep (files, pipes, failed opens) still deserve an errno
    // explanation: read it from the line itself, through the dump's format.
    const event = parseAllFields(text, position.line, formatNamed(index.analysis.format));
    if (event?.errno !== undefined && event.res !== undefined && event.resCol >= 0 && position.character >= event.resCol - 4) {
      sections.push(`**${markdownText(event.errno)}**${errnoValue(event.errno, event.res, undefined)}: ${meaning(event.errno, event.type)}`);
    } else if (event?.errno !== undefined && event.fdCol >= 0 && event.fd !== undefined && event.fd < 0 && position.character >= event.fdCol - 3) {
      sections.push(`**${markdownText(event.errno)}**${errnoValue(event.errno, undefined, event.fd)}: ${meaning(event.errno, event.type)}`);
    }
  }
  if (sections.length === 0) return undefined;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}
