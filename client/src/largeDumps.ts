// Dumps over 50 MB: VS Code opens them in an editor but gives no document to extensions, so
// the language server never sees them. When such a dump is open in a tab, this module asks the
// server to analyse the file from disk (Requests.analyzeFromDisk), shows the progress in the
// status bar (click to cancel), and says once what works at this size and what does not.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  CancellationTokenSource, commands, type Disposable, StatusBarAlignment, type StatusBarItem,
  TabInputText, type Uri, window, workspace,
} from 'vscode';
import { type LanguageClient, NotificationType, RequestType } from 'vscode-languageclient/node';
import { DETECTION_HEAD_BYTES, detectTraceLanguage } from '../../server/src/analysis/detect';
import { type DiskAnalysisParams, type DiskAnalysisProgress, type DiskAnalysisResult, Requests } from '../../server/src/lsp_ext';
import { OPEN_CONNECTION_COMMAND } from './connectionDumps';

/** VS Code's limit: a model over 50 MB is "too large for syncing" to the extension host. */
export const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

const analyzeFromDisk = new RequestType<DiskAnalysisParams, DiskAnalysisResult, void>(Requests.analyzeFromDisk);
const progressNotification = new NotificationType<DiskAnalysisProgress>(Requests.diskAnalysisProgress);
const forgetNotification = new NotificationType<DiskAnalysisParams>(Requests.forgetDiskAnalysis);

const CANCEL_COMMAND = 'scapLens.cancelDiskAnalysis';

/** Whether a file's first lines are a sysdig dump or an strace trace (its name alone decides for `.scap.txt` and `.strace`). */
async function looksLikeDump(file: string): Promise<boolean> {
  if (/\.(scap\.txt|strace)$/.test(file)) return true;
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(DETECTION_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return detectTraceLanguage(head.subarray(0, bytesRead).toString('latin1')) !== undefined;
  } finally {
    await handle.close();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Running {
  source: CancellationTokenSource;
  item: StatusBarItem;
}

export class LargeDumps implements Disposable {
  /** URIs (as strings) handled since their tab opened: analysed, running, or not a dump. */
  private readonly seen = new Set<string>();
  private readonly running = new Map<string, Running>();
  /** The dumps analysed from disk whose tabs are open. */
  private readonly analysed = new Map<string, Uri>();
  private readonly disposables: Disposable[] = [];

  /** `start` starts the language server if it is not running yet (a large dump may be the first trace opened). */
  constructor(private readonly client: LanguageClient, private readonly start: () => Promise<void>) {
    this.disposables.push(
      window.tabGroups.onDidChangeTabs(() => void this.scan()),
      commands.registerCommand(CANCEL_COMMAND, (uri?: string) => {
        for (const [key, run] of this.running) if (uri === undefined || key === uri) run.source.cancel();
      }),
      client.onNotification(progressNotification, (p) => {
        const run = this.running.get(p.uri);
        if (run) run.item.text = `$(sync~spin) Scap Lens: ${path.basename(workspacePath(p.uri))} ${p.percent}%`;
      }),
    );
    void this.scan();
  }

  /** Starts an analysis for each newly opened large dump, and forgets the ones whose tabs closed. */
  private async scan(): Promise<void> {
    const open = new Map<string, Uri>();
    for (const group of window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof TabInputText && tab.input.uri.scheme === 'file') open.set(tab.input.uri.toString(), tab.input.uri);
      }
    }
    for (const key of [...this.seen]) {
      if (open.has(key)) continue;
      this.seen.delete(key);
      this.analysed.delete(key);
      this.running.get(key)?.source.cancel();
      if (this.client.isRunning()) void this.client.sendNotification(forgetNotification, { uri: key });
    }
    for (const [key, uri] of open) {
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      // A document the extension host holds is the language server's already.
      if (workspace.textDocuments.some((d) => d.uri.toString() === key)) continue;
      let size: number;
      try {
        size = (await fs.stat(uri.fsPath)).size;
        if (size <= SYNC_LIMIT_BYTES || !(await looksLikeDump(uri.fsPath))) continue;
      } catch {
        continue;
      }
      void this.analyze(uri, size);
    }
  }

  private async analyze(uri: Uri, size: number): Promise<void> {
    const key = uri.toString();
    const name = path.basename(uri.fsPath);
    const item = window.createStatusBarItem('scapLens.diskAnalysis', StatusBarAlignment.Left);
    item.name = 'Scap Lens: analysis from disk';
    item.text = `$(sync~spin) Scap Lens: ${name} 0%`;
    item.tooltip = `Scap Lens is analysing ${name} (${megabytes(size)}) from disk. Click to cancel.`;
    item.command = { title: 'Cancel', command: CANCEL_COMMAND, arguments: [key] };
    item.show();
    const source = new CancellationTokenSource();
    this.running.set(key, { source, item });
    let result: DiskAnalysisResult | undefined;
    let failure: string | undefined;
    try {
      await this.start();
      result = await this.client.sendRequest(analyzeFromDisk, { uri: key }, source.token);
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      this.running.delete(key);
      item.dispose();
      source.dispose();
    }
    if (!result || result.cancelled) {
      if (failure && !source.token.isCancellationRequested) void window.showErrorMessage(`Scap Lens could not analyse ${name} from disk: ${failure}`);
      // Cancelled by the user: opening the tab again analyses it again.
      if (source.token.isCancellationRequested) this.seen.delete(key);
      return;
    }
    if (result.problem) {
      void window.showWarningMessage(`Scap Lens: ${result.problem}`);
      return;
    }
    this.analysed.set(key, uri);
    const found = [plural(result.errors, 'error'), plural(result.warnings, 'warning'), ...(result.notes > 0 ? [plural(result.notes, 'note')] : [])].join(', ');
    const choice = await window.showInformationMessage(
      `${name} is ${megabytes(size)}: VS Code gives extensions no file over 50 MB, so Scap Lens analysed it from disk `
      + `(${plural(result.events, 'event')}, ${plural(result.connections, 'connection')}): ${found} in the Problems panel, each opens its line. `
      + 'Hover, Go to Peer (F12), references, inlay hints and the outline need the document and do not work at this size: '
      + 'to use them, open one connection as a dump of its own.'
      + (result.incomplete ? ` Not complete: ${result.incomplete}` : ''),
      'Show Problems',
      ...(result.errors + result.warnings > 0 ? ['Open a Connection as a Dump'] : []),
    );
    if (choice === 'Show Problems') void commands.executeCommand('workbench.actions.view.problems');
    if (choice === 'Open a Connection as a Dump') void commands.executeCommand(OPEN_CONNECTION_COMMAND, uri);
  }

  /** The dumps analysed from disk that are open now. */
  dumps(): Uri[] {
    return [...this.analysed.values()];
  }

  dispose(): void {
    for (const run of this.running.values()) run.source.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

function workspacePath(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return uri;
  }
}
