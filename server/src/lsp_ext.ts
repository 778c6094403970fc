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
