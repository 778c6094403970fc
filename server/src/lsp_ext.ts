// Scap Lens's own LSP requests and commands, declared once for the server and the client (as
// rust-analyzer's lsp_ext.ts does). Both sides build their RequestType from these method names
// with their own library (vscode-languageserver / vscode-languageclient), so this file imports
// nothing but types and esbuild bundles it into each side.

import type { Sequence } from './analysis/sequence';

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
  /** FollowStreamParams → FollowStreamResult | null (no connection on that line). */
  followStream: 'scapLens/followStream',
  /** DumpPosition → SequenceDiagramResult: the message sequence of the connection on that line. */
  sequenceDiagram: 'scapLens/sequenceDiagram',
  /**
   * Analyses a dump from disk (DiskAnalysisParams → DiskAnalysisResult) and publishes its
   * diagnostics: for dumps VS Code does not sync (over 50 MB). Cancelling the request stops it.
   */
  analyzeFromDisk: 'scapLens/analyzeFromDisk',
  /** Notification, server → client: how far an analysis from disk is (DiskAnalysisProgress). */
  diskAnalysisProgress: 'scapLens/diskAnalysisProgress',
  /** Notification, client → server ({ uri }): the dump's tab closed; stop and clear its diagnostics. */
  forgetDiskAnalysis: 'scapLens/forgetDiskAnalysis',
  /**
   * The lines of a dump on disk that belong to the connections at some of its lines
   * (ConnectionExcerptParams → ConnectionExcerptResult): "Open this connection as a dump".
   */
  connectionExcerpt: 'scapLens/connectionExcerpt',
} as const;

/** The URI scheme of Follow Stream documents; their query holds a FollowStreamParams as JSON. */
export const FOLLOW_STREAM_SCHEME = 'scap-lens-stream';

export interface FollowStreamParams extends DumpPosition {
  /** `text` (default): payloads as text; `hex`: payloads as a hex dump. */
  view?: 'text' | 'hex';
}

/** A span of the stream document that opens an event of the dump. */
export interface StreamLink {
  /** 0-based line and columns in the stream document. */
  line: number;
  start: number;
  end: number;
  target: DumpPosition;
}

export interface FollowStreamResult {
  /** `httpd (22014) fd 26 ⟷ uwsgi (20882) fd 10`. */
  title: string;
  text: string;
  links: StreamLink[];
}

/** The answer to Requests.sequenceDiagram: the sequence, or why there is none. */
export interface SequenceDiagramResult {
  sequence?: Sequence;
  /** Set when there is no sequence: a sentence for the user. */
  message?: string;
}

export interface ConnectionExcerptParams {
  /** A file: URI. */
  uri: string;
  /** 0-based lines: a finding's line and its related events' lines. */
  lines: number[];
}

export interface ConnectionExcerptResult {
  /** Why there is no excerpt, as one sentence. */
  problem?: string;
  /** The address pairs followed (`A->B`). */
  pairs: string[];
  /** 0-based lines of the file: line i of `text` is line lines[i] of the file. */
  lines: number[];
  text: string;
}

export interface DiskAnalysisParams {
  /** A file: URI. */
  uri: string;
}

export interface DiskAnalysisProgress {
  uri: string;
  /** 0 to 100. */
  percent: number;
}

/** What an analysis from disk found; its findings themselves are published as diagnostics. */
export interface DiskAnalysisResult {
  /** Set when the analysis did not run to its end: cancelled by the client, or replaced by a newer one. */
  cancelled?: boolean;
  /** Why the file gave no analysis (not a dump, unreadable), as one sentence. */
  problem?: string;
  /** What the analysis left out, as the CLI says it (its memory budget was reached). */
  incomplete?: string;
  events: number;
  connections: number;
  errors: number;
  warnings: number;
  notes: number;
  unparsedLines: number;
}
