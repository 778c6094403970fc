// Binary sysdig captures (`*.scap`, plain or gzip): VS Code would show "binary file". A read-only
// custom editor takes them instead and offers to convert the capture with the user's sysdig
// (`scapLens.sysdig.path`, machine-scoped) into its text dump, with an optional sysdig filter,
// progress and cancel. The dump is cached in the extension's global storage, keyed by the
// capture's path, mtime, size and the filter, and opens as a normal dump with every feature.
// Running a program needs a trusted workspace: untrusted, the editor says so and converts nothing.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  commands, type CustomDocument, type CustomReadonlyEditorProvider, type Disposable, type ExtensionContext,
  ProgressLocation, TabInputCustom, Uri, type WebviewPanel, window, workspace,
} from 'vscode';
import { inputKind, runSysdig, SysdigError } from '../../server/src/sysdigCapture';

export const CAPTURE_VIEW_TYPE = 'scapLens.capture';
const CONVERT_COMMAND = 'scapLens.convertCapture';
const LAST_FILTER_KEY = 'scapLens.lastSysdigFilter';

/** Where the dump of a capture (as it is now, with this filter) is cached. */
export function cachedDumpPath(storageDir: string, capture: string, mtimeMs: number, size: number, filter: string): string {
  const key = createHash('sha256').update(`${capture}\0${mtimeMs}\0${size}\0${filter}`).digest('hex').slice(0, 16);
  // One folder per key, so the editor tab shows the capture's own name: `trace.scap.txt`.
  return path.join(storageDir, 'captures', key, `${path.basename(capture).replace(/\.gz$/, '')}.txt`);
}

function sysdigPath(): string {
  return workspace.getConfiguration('scapLens').get<string>('sysdig.path', 'sysdig') || 'sysdig';
}

/**
 * Asks for an optional filter (unless `givenFilter` is one), converts the capture (or finds it
 * in the cache) and opens the dump. Returns the dump's URI, or undefined when the user
 * cancelled or sysdig failed (after saying why).
 */
export async function convertCapture(context: ExtensionContext, capture: Uri, givenFilter?: string): Promise<Uri | undefined> {
  const name = path.basename(capture.fsPath);
  if (!workspace.isTrusted) {
    void window.showWarningMessage(`Scap Lens converts ${name} by running sysdig, which needs a trusted workspace.`);
    return undefined;
  }
  const filter = givenFilter ?? await window.showInputBox({
    title: `Convert ${name} to a text dump with sysdig`,
    prompt: 'Optional sysdig filter (Enter for every event), e.g. fd.type=unix and proc.pid in (1234, 5678)',
    placeHolder: 'fd.type=unix or fd.type=ipv4',
    value: context.globalState.get<string>(LAST_FILTER_KEY, ''),
    ignoreFocusOut: true,
  });
  if (filter === undefined) return undefined;
  await context.globalState.update(LAST_FILTER_KEY, filter.trim());
  let stat;
  try {
    stat = await fs.stat(capture.fsPath);
  } catch (error) {
    void window.showErrorMessage(`Scap Lens: ${name} cannot be read: ${(error as Error).message}`);
    return undefined;
  }
  const dump = cachedDumpPath(context.globalStorageUri.fsPath, capture.fsPath, stat.mtimeMs, stat.size, filter.trim());
  const cached = await fs.stat(dump).then(() => true, () => false);
  if (!cached) {
    const converted = await window.withProgress(
      { location: ProgressLocation.Notification, title: `Converting ${name} with sysdig`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        const partial = `${dump}.${randomBytes(4).toString('hex')}.partial`;
        let reported = 0;
        try {
          await fs.mkdir(path.dirname(dump), { recursive: true });
          const run = runSysdig(capture.fsPath, {
            sysdigPath: sysdigPath(),
            filter: filter.trim(),
            signal: controller.signal,
            onProgress: (percent) => {
              progress.report({ increment: percent - reported, message: `${Math.floor(percent)}%` });
              reported = percent;
            },
          });
          await Promise.all([pipeline(run.stdout, createWriteStream(partial)), run.finished]);
          await fs.rename(partial, dump);
          return true;
        } catch (error) {
          await fs.rm(partial, { force: true });
          reportFailure(name, error);
          return false;
        } finally {
          cancel.dispose();
        }
      },
    );
    if (!converted) return undefined;
  }
  if ((await fs.stat(dump)).size === 0) {
    void window.showInformationMessage(`Scap Lens: sysdig found no event in ${name}${filter.trim() ? ` that matches \`${filter.trim()}\`` : ''}.`);
    return undefined;
  }
  const uri = Uri.file(dump);
  // vscode.open, not showTextDocument: a dump over 50 MB gets no document, but it opens all the same.
  await commands.executeCommand('vscode.open', uri, { preview: false });
  return uri;
}

function reportFailure(name: string, error: unknown): void {
  if (error instanceof SysdigError && error.reason === 'cancelled') return;
  if (error instanceof SysdigError && error.reason === 'missing') {
    void window.showErrorMessage(
      `Scap Lens cannot convert ${name}: ${error.message}. Install sysdig (Debian, Ubuntu: apt install sysdig) or set scapLens.sysdig.path to it.`,
      'Open Settings',
    ).then((choice) => {
      if (choice) void commands.executeCommand('workbench.action.openSettings', 'scapLens.sysdig.path');
    });
    return;
  }
  void window.showErrorMessage(`Scap Lens: ${error instanceof Error ? error.message : String(error)}`);
}

/** The read-only editor of a capture: what it is, and a button that converts it. */
class CaptureEditorProvider implements CustomReadonlyEditorProvider {
  constructor(private readonly context: ExtensionContext) {}

  openCustomDocument(uri: Uri): CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: CustomDocument, panel: WebviewPanel): Promise<void> {
    const name = path.basename(document.uri.fsPath);
    // A text dump saved as `.scap` needs no sysdig: it goes to the text editor.
    if (document.uri.scheme === 'file' && inputKind(document.uri.fsPath) === 'text') {
      panel.webview.html = `<!DOCTYPE html><html><body><p>${escapeHtml(name)} is text, not a binary capture: it opens in the text editor.</p></body></html>`;
      await commands.executeCommand('vscode.openWith', document.uri, 'default');
      return;
    }
    const size = await fs.stat(document.uri.fsPath).then((s) => s.size, () => 0);
    const trusted = workspace.isTrusted;
    panel.webview.options = { enableScripts: true };
    panel.webview.html = captureHtml(name, size, trusted);
    panel.webview.onDidReceiveMessage((message: { command?: string }) => {
      if (message.command === 'convert') void convertCapture(this.context, document.uri);
    });
    // Opening a capture is asking to read it: offer the conversion at once (Escape declines).
    if (trusted && document.uri.scheme === 'file') void convertCapture(this.context, document.uri);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function captureHtml(name: string, size: number, trusted: boolean): string {
  const nonce = randomBytes(16).toString('hex');
  const kb = (size / 1024).toFixed(0);
  const body = trusted
    ? `<p>Scap Lens reads sysdig's text dump. Convert this capture with sysdig (<code>sysdig -r</code>, the program set in
       <code>scapLens.sysdig.path</code>), optionally with a sysdig filter, and the dump opens with hovers, Go to Peer and the
       findings in the Problems panel.</p>
       <p><button id="convert">Convert with sysdig…</button></p>`
    : `<p>Converting runs sysdig, which needs a trusted workspace. Trust this workspace to convert the capture,
       or run <code>sysdig -r ${escapeHtml(name)} &gt; ${escapeHtml(name)}.txt</code> and open the dump.</p>`;
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>body { font-family: var(--vscode-font-family); padding: 1em 2em; } button { color: var(--vscode-button-foreground);
background: var(--vscode-button-background); border: none; padding: 6px 14px; cursor: pointer; }</style></head>
<body><h2>${escapeHtml(name)}</h2><p>A binary sysdig capture (${kb} KB).</p>${body}
<script nonce="${nonce}">const vscode = acquireVsCodeApi();
document.getElementById('convert')?.addEventListener('click', () => vscode.postMessage({ command: 'convert' }));</script>
</body></html>`;
}

export function registerCaptures(context: ExtensionContext): Disposable[] {
  return [
    window.registerCustomEditorProvider(CAPTURE_VIEW_TYPE, new CaptureEditorProvider(context), {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    // Arguments (both optional): the capture, and a sysdig filter that skips the input box.
    commands.registerCommand(CONVERT_COMMAND, async (uri?: Uri, filter?: string) => {
      const active = window.tabGroups.activeTabGroup.activeTab?.input;
      const target = uri ?? (active instanceof TabInputCustom && active.viewType === CAPTURE_VIEW_TYPE ? active.uri : undefined)
        ?? (await window.showOpenDialog({ canSelectMany: false, filters: { 'sysdig capture': ['scap', 'gz'] } }))?.[0];
      return target ? convertCapture(context, target, typeof filter === 'string' ? filter : undefined) : undefined;
    }),
  ];
}
