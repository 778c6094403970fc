// Follow Stream documents: read-only virtual documents (`scap-lens-stream:`) whose content the
// language server renders. As in VS Code's virtual-document sample, the state is in the URI:
// its query is the FollowStreamParams (dump, line, view), so a document can be reopened,
// refreshed and toggled between text and hex without any state here but the links.
import {
  commands, type DocumentLink, EventEmitter, type ExtensionContext, languages, Position, Range,
  type TextDocumentContentProvider, Uri, ViewColumn, window, workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  Commands, type DumpPosition, FOLLOW_STREAM_SCHEME, type FollowStreamParams, type FollowStreamResult,
  Requests, type StreamLink,
} from '../../server/src/lsp_ext';

/** Toggles an open Follow Stream document between its text and hex views. */
const TOGGLE_VIEW = 'scapLens.followStream.toggleView';

export function streamUri(params: FollowStreamParams, title = 'stream'): Uri {
  // The path gives the tab its name; the query is the whole state.
  const name = `${title.replace(/[/\\?#]/g, '_')}${params.view === 'hex' ? ' (hex)' : ''}.stream`;
  return Uri.from({ scheme: FOLLOW_STREAM_SCHEME, path: `/${name}`, query: JSON.stringify(params) });
}

function paramsOf(uri: Uri): FollowStreamParams | undefined {
  try {
    const params = JSON.parse(uri.query) as FollowStreamParams;
    return typeof params.uri === 'string' && typeof params.line === 'number' ? params : undefined;
  } catch {
    return undefined;
  }
}

/** The dump position of the command's argument, or of the active editor's cursor. */
export function positionFromArgs(arg: unknown): DumpPosition | undefined {
  const given = arg as Partial<DumpPosition> | undefined;
  if (given && typeof given.uri === 'string' && typeof given.line === 'number') return { uri: given.uri, line: given.line };
  const editor = window.activeTextEditor;
  if (!editor || (editor.document.languageId !== 'scap' && editor.document.languageId !== 'strace')) return undefined;
  return { uri: editor.document.uri.toString(), line: editor.selection.active.line };
}

class StreamProvider implements TextDocumentContentProvider {
  readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  /** The links of each rendered document, for the link provider. */
  readonly links = new Map<string, StreamLink[]>();

  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: Uri): Promise<string> {
    const params = paramsOf(uri);
    const client = this.client();
    if (!params || !client) return 'Scap Lens: this stream document has lost its dump (reopen it from the dump).';
    let result: FollowStreamResult | null;
    try {
      // A stream tab restored with the window can ask before any dump has started the server.
      result = await client.sendRequest<FollowStreamResult | null>(Requests.followStream, params);
    } catch (error) {
      return `Scap Lens: the language server could not render this stream (${(error as Error).message}). Open the dump, then reopen the stream.`;
    }
    if (!result) {
      this.links.delete(uri.toString());
      return `No socket connection on line ${params.line + 1} of ${params.uri}, or that dump is not open.`;
    }
    this.links.set(uri.toString(), result.links);
    return result.text;
  }
}

export function registerFollowStream(context: ExtensionContext, client: () => LanguageClient | undefined): void {
  const provider = new StreamProvider(client);
  context.subscriptions.push(
    provider.changed,
    workspace.registerTextDocumentContentProvider(FOLLOW_STREAM_SCHEME, provider),
    languages.registerDocumentLinkProvider({ scheme: FOLLOW_STREAM_SCHEME }, {
      provideDocumentLinks(document): DocumentLink[] {
        return (provider.links.get(document.uri.toString()) ?? []).map((link) => ({
          range: new Range(new Position(link.line, link.start), new Position(link.line, link.end)),
          // `#L12` opens the dump at that line, as the hovers' event links do.
          target: Uri.parse(link.target.uri).with({ fragment: `L${link.target.line + 1}` }),
          tooltip: 'Go to this event in the dump',
        }));
      },
    }),
    commands.registerCommand(Commands.followStream, async (arg?: unknown) => {
      const position = positionFromArgs(arg);
      if (!position) {
        void window.showInformationMessage('Scap Lens: put the cursor on a socket event of a sysdig dump or strace trace to follow its stream.');
        return;
      }
      // Ask first, so that a line without a connection gets a message, not an empty document.
      const found = await client()?.sendRequest<FollowStreamResult | null>(Requests.followStream, position).catch(() => null);
      if (!found) {
        void window.showInformationMessage(`Scap Lens: line ${position.line + 1} is not an event of a socket connection.`);
        return;
      }
      await openStream({ ...position, view: 'text' });
    }),
    commands.registerCommand(TOGGLE_VIEW, async () => {
      const uri = window.activeTextEditor?.document.uri;
      const params = uri?.scheme === FOLLOW_STREAM_SCHEME ? paramsOf(uri) : undefined;
      if (params) await openStream({ ...params, view: params.view === 'hex' ? 'text' : 'hex' });
    }),
    // A re-analysed dump (edited, or settings changed) re-renders its open streams.
    workspace.onDidChangeTextDocument((event) => {
      const dump = event.document.uri.toString();
      for (const document of workspace.textDocuments) {
        if (document.uri.scheme === FOLLOW_STREAM_SCHEME && paramsOf(document.uri)?.uri === dump) provider.changed.fire(document.uri);
      }
    }),
  );
}

async function openStream(params: FollowStreamParams): Promise<void> {
  const name = Uri.parse(params.uri).path.split('/').pop() ?? 'dump';
  const document = await workspace.openTextDocument(streamUri(params, `${name}:${params.line + 1}`));
  await window.showTextDocument(document, { viewColumn: ViewColumn.Beside, preview: false, preserveFocus: false });
}
