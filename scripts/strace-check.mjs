// Checks the analysis of the real strace traces of the shared corpus (corpus/strace/*.strace)
// against their counted truth, connection by connection:
// - each trace's *.summary.txt (written by the experiment's analyze_strace.py, not by this
//   project) lists the FastCGI connections as patterns of call results, e.g.
//   `[16 656 8 15 8] | [695] | [8 43 8 11 24]: 20` (httpd's writes | uWSGI's reads | uWSGI's
//   writes: how many connections). The unix connections of the analysis must give the same
//   patterns, the same number of times, with the connecting end opened by its connect and the
//   accepting end by its accept.
// - the TCP connections (httpd or nginx ↔ ab, ab is not traced) must each be found once with
//   the bytes the raw trace gives for that socket: a small reader below sums the results of
//   every read and write per socket straight from the lines, joining `<unfinished ...>` and
//   `<... resumed>` halves by thread. It shares no code with the analysis.
// - go to peer answers on every read and write of a connection with both ends in the trace,
//   except on bytes the reader closed without reading.
// It prints one line per trace and exits 1 when any differs, 2 when the corpus is missing.
//
//   npm run strace-check    (= node scripts/build.mjs && node scripts/strace-check.mjs)
//   SCAP_LENS_SHARED=/path/to/shared node scripts/strace-check.mjs

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.env.SCAP_LENS_SHARED ?? join(repo, '..', 'shared'));
const straceDir = join(shared, 'corpus', 'strace');
if (!existsSync(straceDir)) {
  console.error(`strace-check: ${straceDir} does not exist (set SCAP_LENS_SHARED to the shared folder)`);
  process.exit(2);
}

const bundle = join(tmpdir(), `scap-lens-strace-check-${process.pid}.cjs`);
await build({
  stdin: { contents: "export { analyzeText, analyzeFile, peersOf } from './server/src/analysis';", resolveDir: repo, loader: 'ts' },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', loader: { '.wasm': 'binary' }, outfile: bundle, logLevel: 'warning',
});
const { analyzeText, analyzeFile, peersOf } = createRequire(import.meta.url)(bundle);
rmSync(bundle, { force: true });

/** `  [16 656 8 15 8] | [695] | [8 43 8 11 24]: 20` lines of a summary, as a map pattern → count. */
function summaryPatterns(text) {
  const patterns = new Map();
  for (const m of text.matchAll(/^ {2}(\[[^\]]*\] \| \[[^\]]*\] \| \[[^\]]*\]): (\d+)$/gm)) patterns.set(m[1], Number(m[2]));
  return patterns;
}

const WRITES = new Set(['write', 'writev', 'send', 'sendto', 'sendmsg']);
const READS = new Set(['read', 'readv', 'recv', 'recvfrom', 'recvmsg']);

/**
 * The raw trace's bytes per TCP socket: `fd<TCP:[a->b]>` names it; a call on the same thread
 * and fd that names only an inode (`14<TCP:[1542938]>`, after the peer's FIN) is on the socket
 * that fd last named. Returns `a->b` → { written, read, accepted }, one entry per accept4 (a
 * tuple reused later gets `#2`).
 */
function rawTcpTotals(text) {
  const unfinished = new Map();
  const current = new Map();
  const sockets = new Map();
  const uses = new Map();
  for (const raw of text.split('\n')) {
    const m = /^(\d+) \S+ (.*)$/.exec(raw);
    if (!m) continue;
    let [, tid, body] = m;
    if (body.endsWith(' <unfinished ...>')) {
      unfinished.set(tid, body.slice(0, -' <unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. [a-z0-9_]+ resumed>(.*)$/.exec(body);
    if (resumed) {
      body = (unfinished.get(tid) ?? '') + resumed[1];
      unfinished.delete(tid);
    }
    const call = /^([a-z0-9_]+)\((\d+)<TCP:\[([^\]]*)\]>/.exec(body);
    const result = / = (-?\d+)(?:<TCP:\[([^\]]*)\]>)?/.exec(body.slice(body.lastIndexOf(') = ')));
    if (call?.[1] === 'accept4' && result?.[2]?.includes('->')) {
      const n = (uses.get(result[2]) ?? 0) + 1;
      uses.set(result[2], n);
      const key = n === 1 ? result[2] : `${result[2]}#${n}`;
      sockets.set(key, { written: 0, read: 0 });
      current.set(`${tid}:${result[1]}`, key);
      continue;
    }
    if (!call || !result) continue;
    const [, type, fd, name] = call;
    if (name.includes('->')) {
      const n = uses.get(name) ?? 1;
      current.set(`${tid}:${fd}`, n === 1 ? name : `${name}#${n}`);
    }
    const key = current.get(`${tid}:${fd}`);
    const socket = key === undefined ? undefined : sockets.get(key);
    const res = Number(result[1]);
    if (!socket || res <= 0) continue;
    if (WRITES.has(type)) socket.written += res;
    else if (READS.has(type)) socket.read += res;
  }
  return sockets;
}

/** The analysis's FastCGI connections as summary patterns (failed calls as `-1 EPIPE`, no EAGAIN, no EOF). */
function analysisPatterns(analysis) {
  const patterns = new Map();
  const problems = [];
  for (const connection of analysis.connections.filter((c) => c.kind === 'unix')) {
    const connector = connection.endpoints.find((e) => e.role === 'connect');
    const acceptor = connection.endpoints.find((e) => e.role === 'accept');
    if (!connector) problems.push(`${connection.tuple}: no end opened by its connect (${connection.endpoints.map((e) => `${e.role} fd ${e.fd}`).join(', ')})`);
    const results = (endpoint, role) => (endpoint === undefined ? [] : connection.calls
      .filter((c) => c.endpoint === endpoint && c.role === role && c.exitLine >= 0 && c.res !== 0 && c.errno !== 'EAGAIN')
      .map((c) => (c.errno ? `-1 ${c.errno}` : String(c.res))));
    const pattern = `[${results(connector, 'write').join(' ')}] | [${results(acceptor, 'read').join(' ')}] | [${results(acceptor, 'write').join(' ')}]`;
    patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
    for (const e of connection.endpoints) {
      const sum = (role) => results(e, role).filter((r) => !r.startsWith('-')).reduce((a, r) => a + Number(r), 0);
      if (sum('write') !== e.bytesWritten || sum('read') !== e.bytesRead) problems.push(`${connection.tuple}: fd ${e.fd} counts ${e.bytesWritten}/${e.bytesRead} bytes but its calls hold ${sum('write')}/${sum('read')}`);
    }
  }
  return { patterns, problems };
}

/** Reads and writes of two-ended connections that go to peer finds no target for, leaving out bytes never read. */
function withoutPeer(analysis) {
  let moved = 0;
  const missing = [];
  for (const connection of analysis.connections.filter((c) => c.endpoints.length === 2)) {
    for (const call of connection.calls) {
      if (!call.range) continue;
      moved++;
      const reader = connection.endpoints.find((e) => e !== call.endpoint);
      const unread = call.role === 'write' && reader.closed && call.range.start >= reader.bytesRead;
      if (!unread && peersOf(call).length === 0) missing.push(`line ${call.exitLine + 1}: ${call.type} of ${call.res} bytes goes to no peer call`);
    }
  }
  return { moved, missing };
}

function compareTcp(analysis, raw) {
  const problems = [];
  const seen = new Map();
  let found = 0;
  for (const connection of analysis.connections.filter((c) => c.kind !== 'unix')) {
    const n = (seen.get(connection.tuple) ?? 0) + 1;
    seen.set(connection.tuple, n);
    const key = n === 1 ? connection.tuple : `${connection.tuple}#${n}`;
    const truth = raw.get(key);
    const traced = connection.endpoints.filter((e) => e.role === 'accept');
    if (!truth) {
      problems.push(`${key}: a connection the raw trace has no accept4 for (${connection.endpoints.map((e) => `${e.role} fd ${e.fd}`).join(', ')})`);
      continue;
    }
    found++;
    if (traced.length !== 1 || connection.endpoints.length !== 1) problems.push(`${key}: ${connection.endpoints.length} ends, ${traced.length} opened by accept`);
    const end = connection.endpoints[0];
    if (end.bytesWritten !== truth.written || end.bytesRead !== truth.read) problems.push(`${key}: ${end.bytesWritten}/${end.bytesRead} bytes written/read, the raw trace says ${truth.written}/${truth.read}`);
  }
  if (found !== raw.size) problems.push(`${raw.size - found} of ${raw.size} accepted TCP connections not found`);
  return problems;
}

let failed = 0;
for (const name of readdirSync(straceDir).filter((n) => n.endsWith('.strace')).sort()) {
  const file = join(straceDir, name);
  const stem = name.replace(/\.(merged|httpd)?\.?strace$/, '').replace(/\.$/, '');
  const summaryFile = join(straceDir, `${stem}.summary.txt`);
  if (!existsSync(summaryFile)) {
    console.log(`${name}: no summary, skipped`);
    continue;
  }
  const summary = readFileSync(summaryFile, 'utf8');
  const truth = summaryPatterns(summary);
  const text = readFileSync(file, 'latin1');
  const raw = rawTcpTotals(text);
  const problems = [];
  const retained = analyzeText(text);
  const { patterns, problems: countProblems } = analysisPatterns(retained);
  problems.push(...countProblems);
  for (const pattern of new Set([...truth.keys(), ...patterns.keys()])) {
    if ((truth.get(pattern) ?? 0) !== (patterns.get(pattern) ?? 0)) problems.push(`${pattern}: ${patterns.get(pattern) ?? 0} connections, the summary counts ${truth.get(pattern) ?? 0}`);
  }
  problems.push(...compareTcp(retained, raw));
  const peers = withoutPeer(retained);
  problems.push(...peers.missing);
  // The CLI's lean analysis of the same file must report the same findings.
  const lean = await analyzeFile(file);
  const gist = (a) => a.findings.map((f) => `${f.code} ${f.line} ${f.message}`).join('\n');
  if (gist(lean) !== gist(retained)) problems.push('the CLI (lean analysis) and the language server (retained) report different findings');
  if (lean.stats.connections !== retained.stats.connections) problems.push(`the CLI counts ${lean.stats.connections} connections, the language server ${retained.stats.connections}`);
  const unix = [...patterns.values()].reduce((a, n) => a + n, 0);
  const codes = {};
  for (const f of retained.findings) codes[f.code] = (codes[f.code] ?? 0) + 1;
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}: ${unix} unix connections in ${patterns.size} patterns (summary: ${[...truth.values()].reduce((a, n) => a + n, 0)} in ${truth.size}), `
    + `${raw.size} TCP, ${retained.stats.connections} connections in all, findings ${JSON.stringify(codes)}, `
    + `go to peer answers on ${peers.moved - peers.missing.length} of ${peers.moved} reads and writes of two-ended connections (a write never read counts as answered)`);
  for (const p of problems.slice(0, 12)) console.log(`     ${p}`);
  if (problems.length > 12) console.log(`     … and ${problems.length - 12} more`);
  if (problems.length > 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
