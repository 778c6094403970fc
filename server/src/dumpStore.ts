// Keeps one analysis per open dump: analyses on open, re-analyses after edits (debounced),
// in slices so the server keeps answering, with work-done progress for large dumps.
// Requests await the current analysis; an edit cancels the one in flight.

import { setFlagsFromString } from 'node:v8';
import type { Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type Analysis, type Syscall, TextLines, analyzeTextAsync, buildLineIndex } from './analysis';
import { packCalls } from './analysis/callTable';
import type { LineSource } from './convert';

export interface Settings {
  unreadWrite: boolean;
  inlayHints: boolean;
}

export const defaultSettings: Settings = { unreadWrite: true, inlayHints: true };

/**
 * A finished analysis of one version of a document, with its line → syscall index and its
 * own lines (TextLines: a Uint32Array of line starts is half the size of the offsets
 * TextDocument would build on first use, and computing it is one pass).
 */
export class DumpIndex implements LineSource {
  readonly uri: string;
  readonly lineCount: number;
  private readonly lines: TextLines;
  private readonly lineIndex: Int32Array;

  /**
   * Packs the analysis's calls (analysis/callTable.ts), as the index holds them for as long as
   * the dump is open, unless `packLater` (DumpStore packs them once the findings are published).
   */
  constructor(readonly document: TextDocument, readonly analysis: Analysis, packLater = false) {
    if (!packLater) packCalls(analysis);
    this.uri = document.uri;
    this.lines = new TextLines(document.getText());
    this.lineCount = this.lines.lineCount;
    this.lineIndex = buildLineIndex(analysis, this.lineCount);
  }

  callAt(line: number): Syscall | undefined {
    const id = line >= 0 && line < this.lineIndex.length ? this.lineIndex[line] : -1;
    return id >= 0 ? this.analysis.calls[id] : undefined;
  }

  /** The text of a line without its line break (empty past the end). */
  lineText(line: number): string {
    return this.lines.lineText(line);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Entry {
  version: number;
  timer?: NodeJS.Timeout;
  pending: Promise<DumpIndex | undefined>;
  resolvePending?: (index: DumpIndex | undefined) => void;
  current?: DumpIndex;
}

/** Dumps above this many characters get a progress notification while they are indexed. */
const PROGRESS_THRESHOLD = 2_000_000;
const EDIT_DEBOUNCE_MS = 300;

export class DumpStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly connection: Connection,
    private readonly settings: () => Settings,
    /** Publishes the findings; resolves once they are sent. */
    private readonly onAnalysed: (index: DumpIndex) => Promise<void>,
    private readonly progressSupported: () => boolean,
  ) {}

  /** Schedules an analysis: at once for a newly opened document, after a pause for edits. */
  update(document: TextDocument, opened: boolean): void {
    let entry = this.entries.get(document.uri);
    // onDidChangeContent also fires right after open, for the version the open scheduled.
    if (!opened && entry && entry.version === document.version) return;
    if (!entry) {
      entry = { version: document.version, pending: Promise.resolve(undefined) };
      this.entries.set(document.uri, entry);
    }
    entry.version = document.version;
    if (entry.timer) clearTimeout(entry.timer);
    if (!entry.resolvePending) {
      entry.pending = new Promise((resolve) => { entry!.resolvePending = resolve; });
    }
    const run = () => { entry!.timer = undefined; void this.analyse(document, entry!); };
    if (opened) run();
    else entry.timer = setTimeout(run, EDIT_DEBOUNCE_MS);
  }

  /** Re-analyses every open dump (after a settings change). */
  refreshAll(documents: TextDocument[]): void {
    for (const document of documents) if (this.entries.has(document.uri)) this.update(document, true);
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry?.timer) clearTimeout(entry.timer);
    entry?.resolvePending?.(undefined);
    this.entries.delete(uri);
  }

  /** The analysis of the document's latest version, waiting for it if it is being computed. */
  async get(uri: string): Promise<DumpIndex | undefined> {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    if (entry.current && entry.current.document.version === entry.version && !entry.resolvePending) return entry.current;
    return entry.pending;
  }

  private async analyse(document: TextDocument, entry: Entry): Promise<void> {
    const version = document.version;
    const text = document.getText();
    const cancelled = () => this.entries.get(document.uri) !== entry || entry.version !== version;
    const progress = text.length > PROGRESS_THRESHOLD && this.progressSupported()
      ? await this.connection.window.createWorkDoneProgress().catch(() => undefined)
      : undefined;
    progress?.begin('Scap Lens: indexing dump', 0, `${(text.length / 1e6).toFixed(1)} MB`, false);
    let analysis: Analysis | undefined;
    const started = performance.now();
    try {
      analysis = await analyzeTextAsync(text, { unreadWrite: this.settings().unreadWrite }, {
        isCancelled: cancelled,
        onProgress: (fraction) => progress?.report(Math.round(fraction * 100)),
      });
    } catch (error) {
      // The analysis is written never to throw on input; if it does, say so and keep serving.
      this.connection.console.error(`Scap Lens: analysis of ${document.uri} failed: ${(error as Error).stack ?? error}`);
    } finally {
      progress?.done();
    }
    if (cancelled()) return;
    if (!analysis) {
      // Failed: answer waiting requests with nothing rather than leave them hanging.
      const resolve = entry.resolvePending;
      entry.resolvePending = undefined;
      resolve?.(undefined);
      return;
    }
    // Indexing lines (~30 ms on 50 MB) and publishing come in their own turns of the event loop.
    await yieldToEventLoop();
    if (cancelled()) return;
    const analysed = performance.now();
    const index = new DumpIndex(document, analysis, true);
    const { stats } = analysis;
    this.connection.console.info(`Scap Lens: ${document.uri}: ${stats.events} events, ${analysis.connections.length} connections, `
      + `${analysis.findings.length} findings, ${stats.unparsedLines} unparsed lines; analysed in ${Math.round(analysed - started)} ms, indexed in ${Math.round(performance.now() - analysed)} ms`);
    // The findings go out first. Then, before any request sees the index, its calls are packed
    // (about 100 ms for the bench's 50 MB dump) and a large dump's garbage is collected: the
    // first diagnostics wait for neither, requests made meanwhile for both.
    await this.onAnalysed(index).catch(() => undefined);
    if (cancelled()) return;
    packCalls(analysis);
    if (text.length > PROGRESS_THRESHOLD) collectAfterAnalysis();
    entry.current = index;
    const resolve = entry.resolvePending;
    entry.resolvePending = undefined;
    resolve?.(index);
  }
}

/**
 * Two full garbage collections once a large dump is analysed and its findings are out. What
 * the analysis made and dropped (the parser's strings, the JSON-RPC transport's copies of the
 * didOpen message: about 110 MB for the bench's 50 MB dump) is freed only at V8's next full
 * collection, which an idle server does not run by itself; the first collection frees it. The
 * old-space pages the analysis left half-used (11 MB there) go back to the system only when
 * V8 moves what they hold together, which a full collection does for sparse pages alone and
 * V8's memory reducer for all of them some seconds later, if it runs: the second collection
 * compacts every page. It comes second so that the copies it makes do not add to the
 * garbage still in the heap (done at once, the peak RSS would grow by 44 MB). Both take
 * about 150 ms on the bench's dump. `gc` exists because serverFlags.json gives the server
 * `--expose-gc`; elsewhere (unit tests) nothing is collected.
 */
function collectAfterAnalysis(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
