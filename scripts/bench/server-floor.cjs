// The server floor: a language server that only receives the document and keeps it, as ours
// does (full document sync, vscode-languageserver's TextDocuments), and publishes no findings.
// Its memory after the same didOpen is what any Node LSP server pays before analysing anything:
// the document text plus what the JSON-RPC transport leaves behind.
const { createConnection, TextDocuments, TextDocumentSyncKind } = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');

const connection = createConnection();
const documents = new TextDocuments(TextDocument);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Full } }));
documents.onDidOpen((event) => connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }));
documents.listen(connection);
connection.listen();
