// What `scap-lens check --json` prints for each file, one object a line. The language server
// reads it back when it runs the CLI on a dump too large to open (diskAnalysis.ts), so the
// shape is declared here once; lines and columns are 1-based.

export interface FileReport {
  file: string;
  events: number;
  unparsedLines: number;
  connections: number;
  diagnostics: {
    line: number; column: number; severity: string; code: string; message: string;
    related: { line: number; message: string }[];
  }[];
  unparsedSamples: { line: number; reason: string }[];
  overBudgetSocketCalls?: number;
}
