// "Open this connection as a dump", for dumps over 50 MB: pick one of the file's findings (the
// diagnostics the server published from disk), and the lines of its connection open as a small
// read-only dump of their own (a virtual document named `….scap.txt`, so it is in the `scap`
// language and the server gets it like any dump): hover, Go to Peer and the rest work there.

import * as path from 'node:path';
import {
  commands, type Diagnostic, DiagnosticSeverity, type Disposable, type Event, EventEmitter, languages, ProgressLocation,
  Range, type TextDocumentContentProvider, Uri, window, workspace,
} from 'vscode';
import { type LanguageClient, RequestType } from 'vscode-languageclient/node';
import { type ConnectionExcerptParams, type ConnectionExcerptResult, Requests } from '../../server/src/lsp_ext';

export const OPEN_CONNECTION_COMMAND = 'scapLens.openConnectionAsDump';
const SCHEME = 'scap-lens-connection';

const excerptRequest = new RequestType<ConnectionExcerptParams, ConnectionExcerptResult, void>(Requests.connectionExcerpt);

/** The excerpts opened in this session, by their virtual URI. */
class ExcerptProvider implements TextDocumentContentProvider {
  readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange: Event<Uri> = this.changed.event;

  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

/** Findings worth a connection of their own: errors and warnings the server published for the file. */
function findingsOf(uri: Uri): Diagnostic[] {
  return languages.getDiagnostics(uri)
    .filter((d) => d.source === 'scap-lens' && (d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning))
    .sort((a, b) => a.severity - b.severity || a.range.start.line - b.range.start.line);
}

export function registerConnectionDumps(client: LanguageClient, largeDumps: () => Uri[]): Disposable[] {
  const provider = new ExcerptProvider();
  const open = async (file?: Uri | string, line?: number) => {
    let uri = typeof file === 'string' ? Uri.parse(file) : file;
    if (!uri) {
      const candidates = largeDumps();
      if (candidates.length === 0) {
        void window.showInformationMessage('Scap Lens: no dump over 50 MB is open. In a smaller dump, every connection is already navigable.');
        return;
      }
      uri = candidates.length === 1 ? candidates[0] : (await window.showQuickPick(
        candidates.map((c) => ({ label: path.basename(c.fsPath), description: c.fsPath, uri: c })), { title: 'Which dump?' }))?.uri;
      if (!uri) return;
    }
    const findings = findingsOf(uri);
    let finding = line === undefined ? undefined : findings.find((d) => d.range.start.line === line);
    if (!finding) {
      if (findings.length === 0) {
        void window.showInformationMessage(`Scap Lens: ${path.basename(uri.fsPath)} has no error or warning to open a connection from.`);
        return;
      }
      const picked = await window.showQuickPick(findings.map((d) => ({
        label: `${d.severity === DiagnosticSeverity.Error ? '$(error)' : '$(warning)'} Ln ${d.range.start.line + 1}`,
        detail: d.message,
        diagnostic: d,
      })), { title: `Open the connection of a finding of ${path.basename(uri.fsPath)} as a dump`, matchOnDetail: true });
      finding = picked?.diagnostic;
      if (!finding) return;
    }
    const targets = [finding.range.start.line, ...(finding.relatedInformation ?? []).map((r) => r.location.range.start.line)];
    const source = uri;
    const result = await window.withProgress(
      { location: ProgressLocation.Notification, title: `Collecting the connection's lines from ${path.basename(source.fsPath)}`, cancellable: true },
      (_progress, token) => client.sendRequest(excerptRequest, { uri: source.toString(), lines: targets }, token),
    );
    if (result.problem || result.lines.length === 0) {
      void window.showWarningMessage(`Scap Lens: ${result.problem ?? 'the connection has no lines'}`);
      return;
    }
    const name = `${path.basename(source.fsPath).replace(/\.scap\.txt$|\.txt$/, '')} line ${finding.range.start.line + 1}.scap.txt`;
    const virtual = Uri.from({ scheme: SCHEME, path: `/${name}`, query: source.toString() });
    provider.texts.set(virtual.toString(), result.text);
    const at = Math.max(0, result.lines.indexOf(finding.range.start.line));
    await window.showTextDocument(virtual, { preview: false, selection: new Range(at, 0, at, 0) });
  };
  return [
    workspace.registerTextDocumentContentProvider(SCHEME, provider),
    commands.registerCommand(OPEN_CONNECTION_COMMAND, open),
  ];
}
