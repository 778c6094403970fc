// Dumps VS Code does not give to extensions (over 50 MB) are analysed from disk: the client asks
// (Requests.analyzeFromDisk) when such a file is open in a tab, and the server runs
// `scap-lens check --json --progress FILE` (server/out/cli.js, beside this bundle) as a child
// process, as bash-language-server runs shellcheck. The CLI reads the file in lean mode, in its
// own process, so the server keeps answering and its memory does not grow with the file. The
// findings become the file's diagnostics: the Problems panel lists them and opens their lines.

import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CancellationToken, type Connection, type Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { connectionExcerpt } from './connectionExcerpt';
import { reportedLocation, reportedRange } from './convert';
import { explanationHref, SOURCE } from './diagnostics';
import type { ConnectionExcerptParams, ConnectionExcerptResult, DiskAnalysisParams, DiskAnalysisProgress, DiskAnalysisResult } from './lsp_ext';
import { Requests } from './lsp_ext';
import type { FileReport } from './cli/report';


const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** The CLI's findings as LSP diagnostics, with the same codes, links and related events as diagnostics.ts gives. */
export function reportDiagnostics(uri: string, report: FileReport): Diagnostic[] {
  const hrefs = new Map<string, string | undefined>();
  const href = (code: string) => (hrefs.has(code) ? hrefs.get(code) : hrefs.set(code, explanationHref(code)).get(code));
  const diagnostics: Diagnostic[] = report.diagnostics.map((d) => ({
    range: reportedRange(d.line, d.column),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Information,
    code: d.code,
    ...(href(d.code) ? { codeDescription: { href: href(d.code)! } } : {}),
    source: SOURCE,
    message: d.message,
    relatedInformation: d.related.map((r) => DiagnosticRelatedInformation.create(reportedLocation(uri, r.line), r.message)),
  }));
  const first = report.unparsedSamples[0];
  if (report.unparsedLines > 0 && first) {
    diagnostics.push({
      range: reportedRange(first.line, 1),
      severity: DiagnosticSeverity.Information,
      code: 'unparsed-lines',
      source: SOURCE,
      message: `${report.unparsedLines} line${report.unparsedLines === 1 ? ' is' : 's are'} not sysdig events and ${report.unparsedLines === 1 ? 'was' : 'were'} skipped (this one: ${first.reason}).`,
    });
  }
  return diagnostics;
}

function summary(report: FileReport): DiskAnalysisResult {
  const count = (severity: string) => report.diagnostics.filter((d) => d.severity === severity).length;
  return {
    events: report.events,
    connections: report.connections,
    errors: count('error'),
    warnings: count('warning'),
    notes: count('information'),
    unparsedLines: report.unparsedLines,
  };
}

const EMPTY: DiskAnalysisResult = { events: 0, connections: 0, errors: 0, warnings: 0, notes: 0, unparsedLines: 0 };

export class DiskAnalyses {
  /** The CLI child running for each URI; a newer request for the same URI replaces it. */
  private readonly running = new Map<string, ChildProcess>();

  constructor(
    private readonly connection: Connection,
    private readonly unreadWrite: () => boolean,
    private readonly cli = path.join(__dirname, 'cli.js'),
  ) {}

  async analyze(params: DiskAnalysisParams, token: CancellationToken): Promise<DiskAnalysisResult> {
    const { uri } = params;
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return { ...EMPTY, problem: `${uri} is not a file on disk: only local files can be analysed from disk` };
    }
    this.stop(uri);
    const args = [this.cli, 'check', '--json', '--progress', ...(this.unreadWrite() ? [] : ['--no-unread-write']), file];
    // Inside VS Code the server runs on Electron's binary in Node mode; the child must too.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    this.running.set(uri, child);
    const cancel = token.onCancellationRequested(() => child.kill());
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const progress = /^progress: (\d+)%$/.exec(line);
        if (progress) {
          const report: DiskAnalysisProgress = { uri, percent: Number(progress[1]) };
          void this.connection.sendNotification(Requests.diskAnalysisProgress, report);
        } else if (line.length > 0) {
          stderr += `${line.replace(/^scap-lens: /, '')}\n`;
        }
      }
    });
    const exit = await new Promise<number | null>((resolve) => {
      child.on('error', (error) => { stderr += `${error.message}\n`; });
      child.on('close', (code) => resolve(code));
    });
    cancel.dispose();
    const replaced = this.running.get(uri) !== child;
    if (!replaced) this.running.delete(uri);
    if (token.isCancellationRequested || replaced) return { ...EMPTY, cancelled: true };
    let report: FileReport | undefined;
    try {
      report = stdout.trim() ? (JSON.parse(stdout.trim().split('\n')[0]) as FileReport) : undefined;
    } catch {
      report = undefined;
    }
    if (!report) {
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return { ...EMPTY, problem: (stderr + partial).trim() || `the analysis of ${file} stopped (exit status ${exit})` };
    }
    void this.connection.sendDiagnostics({ uri, diagnostics: reportDiagnostics(uri, report) });
    const said = (stderr + partial).trim();
    return said ? { ...summary(report), incomplete: said } : summary(report);
  }

  /**
   * The lines of the connections named at some lines of the file, read from disk in chunks (the
   * event loop keeps turning between them); for "Open this connection as a dump".
   */
  async excerpt(params: ConnectionExcerptParams, token: CancellationToken): Promise<ConnectionExcerptResult> {
    let file: string;
    try {
      file = fileURLToPath(params.uri);
    } catch {
      return { problem: `${params.uri} is not a file on disk`, pairs: [], lines: [], text: '' };
    }
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const excerpt = await connectionExcerpt(file, params.lines, controller.signal);
      if (excerpt.lines.length === 0) {
        return { ...excerpt, problem: `no socket address pair found at line${params.lines.length === 1 ? '' : 's'} ${params.lines.map((l) => l + 1).join(', ')} of ${path.basename(file)}` };
      }
      return excerpt;
    } catch (error) {
      return { problem: `${path.basename(file)} could not be read: ${(error as Error).message}`, pairs: [], lines: [], text: '' };
    } finally {
      cancel.dispose();
    }
  }

  /** The dump's tab closed: stop its analysis and clear its diagnostics. */
  forget(uri: string): void {
    this.stop(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The server shuts down: no child outlives it. */
  stopAll(): void {
    for (const uri of [...this.running.keys()]) this.stop(uri);
  }

  private stop(uri: string): void {
    const child = this.running.get(uri);
    if (!child) return;
    this.running.delete(uri);
    child.kill();
  }
}
