// Code actions on every finding: "Follow stream" and "Show sequence diagram" of the finding's
// connection, so that the Problems panel and the light bulb open the whole conversation.

import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import { SOURCE } from './diagnostics';
import type { DumpIndex } from './dumpStore';
import { Commands, type DumpPosition } from './lsp_ext';

export function provideCodeActions(index: DumpIndex, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<number>();
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const line = diagnostic.range.start.line;
    const connection = index.callAt(line)?.endpoint?.connection;
    if (!connection || seen.has(connection.id)) continue;
    seen.add(connection.id);
    const position: DumpPosition = { uri: index.uri, line };
    actions.push(
      { title: 'Follow stream', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Follow stream', command: Commands.followStream, arguments: [position] } },
      { title: 'Show sequence diagram', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Show sequence diagram', command: Commands.showSequenceDiagram, arguments: [position] } },
    );
  }
  return actions;
}
