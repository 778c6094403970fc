// What two analyses of the same dump must share, for tests that compare the CLI's WebAssembly
// scanner with the JavaScript parser (test/unit/byteScanner.test.ts, robustness.test.ts).

import { DumpAnalyzer, type Analysis, type Syscall } from '../../server/src/analysis';

/** The reference: every line through the analyzer's JavaScript path, as the language server parses. */
export function analyzeLines(text: string): Analysis {
  const analyzer = new DumpAnalyzer({ retainCalls: false });
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => analyzer.addLine(line, i));
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

