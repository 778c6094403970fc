// What two analyses of the same dump must share, for tests that compare the CLI's WebAssembly
// scanner with the JavaScript parser (test/unit/byteScanner.test.ts, robustness.test.ts).

import { DumpAnalyzer, LineCutter, type Analysis, type Syscall } from '../../server/src/analysis';
import { ByteLineReader } from '../../server/src/analysis/byteScanner';

/**
 * The reference: every line through the analyzer's JavaScript path, as the language server
 * parses (lines cut at `\n`, `\r\n` and a lone `\r`, as VS Code does).
 */
export function analyzeLines(text: string): Analysis {
  const analyzer = new DumpAnalyzer({ retainCalls: false });
  const cutter = new LineCutter(text);
  for (let start = 0, line = 0; start < text.length; start = cutter.next) {
    analyzer.addLine(text.slice(start, cutter.lineEnd(start)), line++);
  }
  return analyzer.finish();
}

function callGist(call: Syscall) {
  return {
    type: call.type, process: call.process, tid: call.tid, fd: call.fd, role: call.role,
    enterNum: call.enterNum, exitNum: call.exitNum, enterLine: call.enterLine, exitLine: call.exitLine,
    res: call.res, errno: call.errno, size: call.size, fdCol: call.fdCol, resCol: call.resCol, typeCol: call.typeCol,
    enterTime: call.enterTime, exitTime: call.exitTime, range: call.range,
  };
}

export function gist(analysis: Analysis) {
  return {
    stats: analysis.stats,
    findings: analysis.findings.map((f) => ({
      code: f.code, severity: f.severity, line: f.line, column: f.column, message: f.message,
      related: f.related, call: callGist(f.call),
    })),
  };
}

/** The CLI's way: the bytes through the WebAssembly scanner, in reads of `readSize` bytes. */
export function analyzeScanned(bytes: Uint8Array, readSize: number): Analysis {
  const analyzer = new DumpAnalyzer({ retainCalls: false });
  const reader = new ByteLineReader(analyzer);
  for (let at = 0; at < bytes.length; at += readSize) reader.push(bytes.subarray(at, at + readSize));
  reader.end();
  return analyzer.finish();
}

/** Lines as every reader counts them: cut at `\n`, `\r\n` and a lone `\r`; a final break starts none. */
export function countLines(text: string): number {
  return text.length === 0 ? 0 : text.split(/\r\n|\r|\n/).length - (/(\r\n|\r|\n)$/.test(text) ? 1 : 0);
}
