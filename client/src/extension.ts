// Thin client: starts the Scap Lens language server for sysdig dumps (`scap`) and strace traces.
// Every feature (hover, definition, diagnostics, symbols, inlay hints) lives in the server.
import * as path from 'node:path';
import { commands, EventEmitter, ExtensionContext, LogLevel, LogOutputChannel, window, workspace } from 'vscode';
import { LanguageClient, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { Commands } from '../../server/src/lsp_ext';
import serverFlags from '../../server/src/serverFlags.json';
import { registerCaptures } from './captures';
import { registerConnectionDumps } from './connectionDumps';
import { registerFollowStream } from './followStream';
import { registerDiagramPanel } from './diagramPanel';
import { registerLanguageDetection, startWithFirstTrace } from './languageDetection';
import { LargeDumps } from './largeDumps';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  registerLanguageDetection(context);
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    // The server's Node options and environment (its heap sizing) are in one file, which the
    // bench reads too. The language client adds `env` to this process's environment.
    run: { module, transport: TransportKind.ipc, options: { execArgv: serverFlags.execArgv, env: serverFlags.env } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...serverFlags.execArgv, '--nolazy', '--inspect=6009'], env: serverFlags.env } },
  };
  client = new LanguageClient('scapLens', 'Scap Lens', serverOptions, {
    documentSelector: [{ language: 'scap' }, { language: 'strace' }],
    traceOutputChannel: traceChannel(context),
    // Hovers link to these two commands, and to nothing else.
    markdown: { isTrusted: { enabledCommands: [Commands.followStream, Commands.showSequenceDiagram] } },
  });
  context.subscriptions.push(
    commands.registerCommand('scapLens.restartServer', () => client?.restart()),
  );
  registerFollowStream(context, () => client);
  registerDiagramPanel(context, () => client);
  // Binary captures (*.scap): a read-only editor that converts them with sysdig.
  context.subscriptions.push(...registerCaptures(context));
  // The server starts once, with the first trace document or the first dump over 50 MB.
  let started: Promise<void> | undefined;
  const start = () => (started ??= client!.start());
  // Dumps over 50 MB get no document: the server analyses them from disk.
  const largeDumps = new LargeDumps(client, start);
  context.subscriptions.push(largeDumps, ...registerConnectionDumps(client, () => largeDumps.dumps()));
  await startWithFirstTrace(context, start);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

// The client reads `scapLens.trace.server` (off | messages | verbose) itself, but since
// vscode-languageclient 10 it only traces while its trace channel's log level is Trace.
// This channel reports Trace exactly when the setting is not "off", so the setting alone
// switches tracing on and off, and the messages go to the "Scap Lens Trace" output.
function traceChannel(context: ExtensionContext): LogOutputChannel {
  const out = window.createOutputChannel('Scap Lens Trace');
  const levelChanged = new EventEmitter<LogLevel>();
  const level = () =>
    workspace.getConfiguration('scapLens').get<string>('trace.server', 'off') === 'off' ? LogLevel.Off : LogLevel.Trace;
  context.subscriptions.push(
    out,
    levelChanged,
    workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('scapLens.trace.server')) levelChanged.fire(level());
    }),
  );
  const line = (message: string) => out.appendLine(message);
  return {
    name: out.name,
    get logLevel() { return level(); },
    onDidChangeLogLevel: levelChanged.event,
    trace: line, debug: line, info: line, warn: line, error: (e: string | Error) => line(String(e)),
    append: (v) => out.append(v), appendLine: line, replace: (v) => out.replace(v), clear: () => out.clear(),
    show: (preserveFocus?: boolean) => out.show(preserveFocus), hide: () => out.hide(), dispose: () => out.dispose(),
  } as LogOutputChannel;
}
