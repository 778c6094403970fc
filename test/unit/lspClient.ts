// A real LSP client over JSON-RPC for tests: spawns the built server with --stdio and speaks
// the protocol through vscode-languageserver-protocol, as any editor would. No mocks.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fixturePath, repoRoot } from '../helpers/repo';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest, createProtocolConnection, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  InitializedNotification, InitializeRequest, type ProtocolConnection, PublishDiagnosticsNotification,
  type PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';

const ProgressType = '$/progress';

/** How long a server may take to answer shutdown before it is killed. */
const SHUTDOWN_GRACE_MS = 2000;

export { repoRoot };

export function fixture(name: string): string {
  return fixturePath(name);
}

export class LspSession {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; resolve: (p: PublishDiagnosticsParams) => void; after: number }[] = [];
  stderr = '';

  constructor() {
    const serverJs = path.join(repoRoot(), 'server', 'out', 'server.js');
    if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run npm run build first`);
    this.child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params);
      this.diagnostics.set(params.uri, list);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && list.length > waiter.after) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    // Work-done progress, as VS Code shows it: the server asks for a token, then reports on it.
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.progress.push({ token: params.token, kinds: [] });
    });
    this.connection.onNotification(ProgressType, (params: { token: string | number; value: { kind: string; title?: string } }) => {
      const entry = this.progress.find((p) => p.token === params.token);
      entry?.kinds.push(params.value.kind === 'begin' ? `begin:${params.value.title}` : params.value.kind);
    });
    this.connection.listen();
  }

  /** Progress reports received, by token: `begin:<title>`, `report`..., `end`. */
  readonly progress: { token: string | number; kinds: string[] }[] = [];

  /** The `scapLens` settings section this client answers with, when it says it has settings. */
  settings: unknown;

  /**
   * Initializes. With `settings`, the client declares workspace configuration, as VS Code
   * does, and answers the server's `workspace/configuration` for `scapLens` with them.
   */
  async initialize(settings?: unknown): Promise<void> {
    this.settings = settings;
    if (settings !== undefined) {
      this.connection.onRequest(ConfigurationRequest.type, (params) => {
        const answer = params.items.map((item) => (item.section === 'scapLens' ? this.settings : null));
        // Resolved after this answer is on its way: the server reads it before any later request.
        for (const waiter of this.configWaiters.splice(0)) setImmediate(waiter);
        return answer;
      });
    }
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: { hover: { contentFormat: ['markdown'] }, publishDiagnostics: { relatedInformation: true } },
        window: { workDoneProgress: true },
        ...(settings === undefined ? {} : { workspace: { configuration: true } }),
      },
      workspaceFolders: null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  private readonly configWaiters: (() => void)[] = [];

  /**
   * Changes the answered settings and tells the server, as VS Code does after an edit of
   * settings.json; resolves once the server has asked for them and been answered.
   */
  async changeSettings(settings: unknown, timeoutMs = 20000): Promise<void> {
    this.settings = settings;
    const asked = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not ask for its settings within ${timeoutMs} ms`)), timeoutMs);
      this.configWaiters.push(() => { clearTimeout(timer); resolve(); });
    });
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await asked;
  }

  /** The latest diagnostics of `uri` once `accept` holds for them: the ones published so far, then each new one. */
  async diagnosticsWhere(uri: string, accept: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    const list = this.diagnostics.get(uri) ?? [];
    let latest = list[list.length - 1];
    while (latest === undefined || !accept(latest)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`diagnostics of ${uri} never matched; last: ${JSON.stringify(latest?.diagnostics.map((d) => d.code))}`);
      latest = await this.nextDiagnostics(uri, left);
    }
    return latest;
  }

  /** Opens a document and waits for its first diagnostics (the event, with a time limit). */
  async open(file: string, text = readFileSync(file, 'latin1')): Promise<{ uri: string; diagnostics: PublishDiagnosticsParams }> {
    const uri = pathToFileURL(file).href;
    const published = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'scap', version: 1, text },
    });
    return { uri, diagnostics: await published };
  }

  async change(uri: string, version: number, text: string): Promise<PublishDiagnosticsParams> {
    const published = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return published;
  }

  nextDiagnostics(uri: string, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const after = this.diagnostics.get(uri)?.length ?? 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, after, resolve: (p) => { clearTimeout(timer); resolve(p); } });
    });
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS))]);
      await this.connection.sendNotification('exit');
    } finally {
      this.connection.dispose();
      this.child.kill();
    }
  }
}
