// Scap Lens's own LSP requests and commands, declared once for the server and the client (as
// rust-analyzer's lsp_ext.ts does). Both sides build their RequestType from these method names
// with their own library (vscode-languageserver / vscode-languageclient), so this file imports
// nothing and esbuild bundles it into each side.

/** A place in a dump: the document and a 0-based line of one of the connection's events. */
export interface DumpPosition {
  uri: string;
  line: number;
}

/** Commands the client registers; hovers, code actions and the outline link to them. */
export const Commands = {
  /** Opens the Follow Stream document of the connection at a DumpPosition (default: the cursor). */
  followStream: 'scapLens.followStream',
  /** Opens the sequence diagram of the connection at a DumpPosition (default: the cursor). */
  showSequenceDiagram: 'scapLens.showSequenceDiagram',
} as const;

/** Request method names, one per custom request. */
export const Requests = {
} as const;
