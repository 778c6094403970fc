// The sequence diagram webview (command scapLens.showSequenceDiagram): asks the server for
// the message sequence of the connection at a DumpPosition (default: the cursor of the
// active dump), shows it in one panel beside the dump, and keeps the two in step: a click
// in the diagram moves the dump's cursor to the event, a cursor move in the dump selects
// its element. The page (client/webview/diagram.ts) runs under a strict Content Security
// Policy with a nonce and loads nothing but its own script, as in VS Code's webview sample.

import { randomBytes } from 'node:crypto';
import {
  commands, type Disposable, type ExtensionContext, Range, Selection, TextEditorRevealType, Uri, ViewColumn,
  type WebviewPanel, window, workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Sequence } from '../../server/src/analysis/sequence';
import { SEQUENCE_CSS, renderSequenceSvg } from '../../server/src/analysis/sequenceSvg';
import { lineAfterChanges } from './lineAfterChanges';
import { Commands, type DumpPosition, Requests, type SequenceDiagramResult } from '../../server/src/lsp_ext';

const DUMP_LANGUAGES = new Set(['scap', 'strace']);

/** Messages the page sends. */
type FromPage = { type: 'ready' } | { type: 'reveal'; line: number } | { type: 'save' } | { type: 'follow' };

export function registerDiagramPanel(context: ExtensionContext, client: () => LanguageClient | undefined): void {
  context.subscriptions.push(commands.registerCommand(Commands.showSequenceDiagram, async (argument?: unknown) => {
    const position = dumpPosition(argument);
    if (!position) {
      void window.showInformationMessage('Scap Lens: open a sysdig or strace dump and put the cursor on a socket call to see its sequence diagram.');
      return;
    }
    const language = client();
    if (!language) return;
    let result: SequenceDiagramResult;
    try {
      // The server analyses open documents only: a link from elsewhere opens the dump first.
      await workspace.openTextDocument(Uri.parse(position.uri));
      result = await language.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, position);
    } catch (error) {
      void window.showErrorMessage(`Scap Lens: no sequence diagram: ${(error as Error).message ?? error}`);
      return;
    }
    if (!result.sequence) {
      void window.showInformationMessage(`Scap Lens: ${result.message ?? 'no sequence diagram here.'}`);
      return;
    }
    DiagramPanel.show(context, position, result.sequence, client);
  }));
}

/**
 * The position the command was given, or the cursor of the active dump editor when the
 * command comes from the Command Palette (no argument) or an editor menu (a Uri).
 */
function dumpPosition(argument: unknown): DumpPosition | undefined {
  if (argument && typeof argument === 'object' && !(argument instanceof Uri)) {
    const { uri, line } = argument as Partial<DumpPosition>;
    if (typeof uri === 'string' && typeof line === 'number' && Number.isInteger(line) && line >= 0) return { uri, line };
  }
  const editor = window.activeTextEditor;
  if (!editor || !DUMP_LANGUAGES.has(editor.document.languageId)) return undefined;
  if (argument instanceof Uri && argument.toString() !== editor.document.uri.toString()) return undefined;
  return { uri: editor.document.uri.toString(), line: editor.selection.active.line };
}

/** How long the panel waits after the last edit before it asks the server again. */
const REFRESH_DELAY_MS = 300;

class DiagramPanel {
  private static current: DiagramPanel | undefined;
  private readonly disposables: Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts refreshes, so that the answer to an older one never replaces a newer one. */
  private refreshes = 0;

  private constructor(
    private readonly context: ExtensionContext,
    private readonly panel: WebviewPanel,
    private position: DumpPosition,
    private sequence: Sequence,
    private readonly client: () => LanguageClient | undefined,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromPage) => void this.onMessage(message)),
      window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor.document.uri.toString() !== this.position.uri) return;
        void panel.webview.postMessage({ type: 'cursor', line: event.selections[0].active.line });
      }),
      // An edit or a reload from disk (sysdig -r run again into the same file) changes the
      // analysis: the panel follows its event to its new line and draws the diagram again.
      workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() !== this.position.uri || event.contentChanges.length === 0) return;
        this.position = { uri: this.position.uri, line: lineAfterChanges(this.position.line, event.contentChanges) };
        this.scheduleRefresh();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Asks the server for the sequence at the panel's (moved) line and shows it, or says it is gone. */
  private async refresh(): Promise<void> {
    const language = this.client();
    if (!language) return;
    const asked = ++this.refreshes;
    const position = this.position;
    let result: SequenceDiagramResult;
    try {
      result = await language.sendRequest<SequenceDiagramResult>(Requests.sequenceDiagram, position);
    } catch (error) {
      result = { message: `no sequence diagram after the change: ${(error as Error).message ?? error}` };
    }
    if (asked !== this.refreshes || DiagramPanel.current !== this) return;
    if (!result.sequence) {
      void this.panel.webview.postMessage({
        type: 'gone',
        message: `The dump changed: line ${position.line + 1} holds no connection now (${result.message ?? 'no sequence diagram here'}).`,
      });
      return;
    }
    this.sequence = result.sequence;
    this.panel.title = DiagramPanel.title(result.sequence);
    void this.panel.webview.postMessage({ type: 'show', sequence: this.sequence, line: position.line, refreshed: true });
  }

  private static title(sequence: Sequence): string {
    return `Sequence: ${sequence.lifelines.map((l) => l.process || `tid ${l.tid}`).join(' ⟷ ')}`;
  }

  /** Shows the sequence in the panel (created beside the dump on first use). */
  static show(context: ExtensionContext, position: DumpPosition, sequence: Sequence, client: () => LanguageClient | undefined): void {
    const title = DiagramPanel.title(sequence);
    const existing = DiagramPanel.current;
    if (existing) {
      // A refresh still under way was for the previous position: its answer is dropped.
      existing.refreshes++;
      existing.position = position;
      existing.sequence = sequence;
      existing.panel.title = title;
      existing.panel.reveal(undefined, true);
      existing.post();
      return;
    }
    const panel = window.createWebviewPanel('scapLens.sequenceDiagram', title, { viewColumn: ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      // The page's own script is the only file it may load.
      localResourceRoots: [Uri.joinPath(context.extensionUri, 'client', 'out', 'webview')],
      retainContextWhenHidden: true,
    });
    DiagramPanel.current = new DiagramPanel(context, panel, position, sequence, client);
  }

  private post(): void {
    void this.panel.webview.postMessage({ type: 'show', sequence: this.sequence, line: this.position.line });
  }

  private async onMessage(message: FromPage): Promise<void> {
    if (message.type === 'ready') this.post();
    else if (message.type === 'reveal' && Number.isInteger(message.line)) await this.reveal(message.line);
    else if (message.type === 'save') await this.save();
    // The same connection as a conversation, bytes and records (client/src/followStream.ts).
    else if (message.type === 'follow') await commands.executeCommand(Commands.followStream, this.position);
  }

  /** Moves the dump editor (opened beside the panel if needed) to a 0-based line. */
  private async reveal(line: number): Promise<void> {
    const uri = Uri.parse(this.position.uri);
    const visible = window.visibleTextEditors.find((e) => e.document.uri.toString() === this.position.uri);
    const editor = await window.showTextDocument(uri, { viewColumn: visible?.viewColumn ?? ViewColumn.One, preserveFocus: false });
    const at = new Selection(line, 0, line, 0);
    editor.selection = at;
    editor.revealRange(new Range(line, 0, line, 0), TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(): Promise<void> {
    const dump = Uri.parse(this.position.uri);
    const name = dump.path.split('/').pop()!.replace(/(\.scap)?\.txt$|\.strace$/, '');
    const fallback = dump.scheme === 'file' || dump.scheme === 'vscode-remote'
      ? Uri.joinPath(dump, '..', `${name}-line${this.position.line + 1}.svg`) : undefined;
    const target = await window.showSaveDialog({ defaultUri: fallback, filters: { SVG: ['svg'] }, title: 'Save the sequence diagram as SVG' });
    if (!target) return;
    await workspace.fs.writeFile(target, Buffer.from(renderSequenceSvg(this.sequence), 'utf8'));
    void window.showInformationMessage(`Scap Lens: saved ${target.path.split('/').pop()}`);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(Uri.joinPath(this.context.extensionUri, 'client', 'out', 'webview', 'diagram.js'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}' ${webview.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Sequence diagram</title>
<style nonce="${nonce}">${PAGE_CSS}${SEQUENCE_CSS}</style>
</head>
<body>
<div id="toolbar">
  <button id="save" type="button" title="Save the whole diagram as a standalone SVG file">Save as SVG</button>
  <button id="follow" type="button" title="Open this connection's conversation, bytes and records, as a document">Follow Stream</button>
  <span id="hint">Click or Enter: go to the event · ↑/↓ PgUp/PgDn Home/End: move · ]/[: next/previous failure, unread or close</span>
  <span id="status" role="status" aria-live="polite"></span>
</div>
<div id="scroller" tabindex="0" role="application" aria-label="Sequence diagram: arrow keys move between events, ] and [ jump to the next and previous failure, unread write or close, Enter goes to the event in the dump">
  <svg id="header" class="seq" xmlns="http://www.w3.org/2000/svg"></svg>
  <svg id="body" class="seq" xmlns="http://www.w3.org/2000/svg"></svg>
</div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  private dispose(): void {
    DiagramPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The page's own layout around the SVG; the SVG's classes come from sequenceSvg.ts. */
const PAGE_CSS = `
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { display: flex; flex-direction: column; background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#toolbar { display: flex; gap: 12px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--vscode-panel-border, transparent); flex: none; }
#toolbar button { white-space: nowrap; flex: none; background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; font-family: inherit; }
#toolbar button:hover { background: var(--vscode-button-hoverBackground); }
#toolbar button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
#hint { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
#hint, #status { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
#status { margin-left: auto; flex: none; max-width: 50%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#scroller { flex: 1; overflow: auto; position: relative; outline: none; }
#scroller:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
#header { position: sticky; top: 0; z-index: 1; background: var(--vscode-editor-background); display: block; }
#body { display: block; }
`;
