// Thin client: starts the Scap Lens language server for `scap` documents.
import * as path from 'node:path';
import { ExtensionContext } from 'vscode';
import { LanguageClient, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  client = new LanguageClient('scapLens', 'Scap Lens', serverOptions, {
    documentSelector: [{ language: 'scap' }],
  });
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
