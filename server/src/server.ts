// The Scap Lens language server: LSP glue only. Each feature lives in its own file and works
// on a DumpIndex; this file registers them and keeps settings and documents.
// Run: `node server/out/server.js --stdio` (any LSP client) or through the VS Code client (IPC).

import {
  type ClientCapabilities, CodeActionKind, createConnection, DidChangeConfigurationNotification, NotificationType, ProposedFeatures,
  RequestType, TextDocuments, TextDocumentSyncKind, type CancellationToken,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { provideCodeActions } from './codeActions';
import { provideDefinition } from './definition';
import { provideSequenceDiagram } from './diagram';
import { provideDiagnostics } from './diagnostics';
import { DiskAnalyses } from './diskAnalysis';
import { provideDocumentSymbols } from './documentSymbols';
import { type DumpIndex, DumpStore, type Settings, defaultSettings } from './dumpStore';
import { provideHover } from './hover';
import { provideFollowStream } from './followStream';
import { provideInlayHints } from './inlayHints';
import {
  type ConnectionExcerptParams, type ConnectionExcerptResult, type DiskAnalysisParams, type DiskAnalysisResult, type DumpPosition,
  type FollowStreamParams, Requests, type SequenceDiagramResult,
} from './lsp_ext';
import { provideDocumentHighlights, provideReferences } from './references';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let capabilities: ClientCapabilities = {};
let settings: Settings = { ...defaultSettings };

const store = new DumpStore(
  connection,
  () => settings,
  (index) => connection.sendDiagnostics({ uri: index.document.uri, version: index.document.version, diagnostics: provideDiagnostics(index) }),
  () => capabilities.window?.workDoneProgress === true,
);

connection.onInitialize((params) => {
  capabilities = params.capabilities;
  return {
    capabilities: {
      // Dumps are read, rarely edited: full sync keeps the server simple at no real cost.
      textDocumentSync: TextDocumentSyncKind.Full,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      documentSymbolProvider: { label: 'Scap Lens' },
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'scap-lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'scapLens' });
  }
  void loadSettings();
});

async function loadSettings(): Promise<void> {
  if (!capabilities.workspace?.configuration) return;
  try {
    const section = await connection.workspace.getConfiguration('scapLens');
    // settings.json is hand-edited too: anything but a boolean (`"false"`) keeps the default.
    const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
    const next: Settings = {
      unreadWrite: flag(section?.unreadWrite?.enabled, defaultSettings.unreadWrite),
      inlayHints: flag(section?.inlayHints?.enabled, defaultSettings.inlayHints),
    };
    const changed = next.unreadWrite !== settings.unreadWrite;
    const hintsChanged = next.inlayHints !== settings.inlayHints;
    settings = next;
    if (changed) store.refreshAll(documents.all());
    if (hintsChanged) void connection.languages.inlayHint.refresh().catch(() => undefined);
  } catch {
    // A client that cannot answer keeps the defaults.
  }
}

connection.onDidChangeConfiguration(() => void loadSettings());

documents.onDidOpen((event) => store.update(event.document, true));
documents.onDidChangeContent((event) => store.update(event.document, false));
documents.onDidClose((event) => {
  store.close(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

/**
 * Runs a feature on the document's current analysis. Requests that arrive while a dump is
 * being indexed wait for it; a request the client has cancelled meanwhile gets no answer.
 */
async function withIndex<T>(uri: string, token: CancellationToken, empty: T, feature: (index: DumpIndex) => T): Promise<T> {
  const index = await store.get(uri);
  if (!index || token.isCancellationRequested) return empty;
  try {
    return feature(index);
  } catch (error) {
    connection.console.error(`Scap Lens: request failed on ${uri}: ${(error as Error).stack ?? error}`);
    return empty;
  }
}

connection.onHover((params, token) => withIndex(params.textDocument.uri, token, null, (index) => provideHover(index, params.position) ?? null));
connection.onDefinition((params, token) => withIndex(params.textDocument.uri, token, [], (index) => provideDefinition(index, params.position)));
connection.onReferences((params, token) => withIndex(params.textDocument.uri, token, [], (index) => provideReferences(index, params.position, params.context.includeDeclaration)));
connection.onDocumentHighlight((params, token) => withIndex(params.textDocument.uri, token, [], (index) => provideDocumentHighlights(index, params.position)));
connection.onDocumentSymbol((params, token) => withIndex(params.textDocument.uri, token, [], (index) => provideDocumentSymbols(index)));
connection.onCodeAction((params, token) => withIndex(params.textDocument.uri, token, [], (index) => provideCodeActions(index, params)));
connection.onRequest(Requests.followStream, (params: FollowStreamParams, token) => withIndex(params.uri, token, null, (index) => provideFollowStream(index, params)));
connection.languages.inlayHint.on((params, token) => withIndex(params.textDocument.uri, token, [], (index) => settings.inlayHints ? provideInlayHints(index, params.range) : []));
connection.onRequest(Requests.sequenceDiagram, (params: DumpPosition, token: CancellationToken) =>
  withIndex<SequenceDiagramResult>(params.uri, token, { message: 'The dump is not open in the Scap Lens server.' }, (index) => provideSequenceDiagram(index, params.line)));

// Dumps too large for VS Code to sync (over 50 MB), analysed from disk by the CLI in a child process.
const diskAnalyses = new DiskAnalyses(connection, () => settings.unreadWrite);
connection.onRequest(new RequestType<DiskAnalysisParams, DiskAnalysisResult, void>(Requests.analyzeFromDisk), (params, token) => diskAnalyses.analyze(params, token));
connection.onNotification(new NotificationType<DiskAnalysisParams>(Requests.forgetDiskAnalysis), (params) => diskAnalyses.forget(params.uri));
connection.onRequest(new RequestType<ConnectionExcerptParams, ConnectionExcerptResult, void>(Requests.connectionExcerpt), (params, token) => diskAnalyses.excerpt(params, token));
connection.onShutdown(() => diskAnalyses.stopAll());

documents.listen(connection);
connection.listen();
