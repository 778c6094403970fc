// Opens `capture.txt` and `nginx.log` as what they hold: VS Code picks Plain Text or Log from
// the file name, and package.json's `firstLine` patterns apply only to files with no other
// association. A Plain Text or Log document whose first lines are sysdig events or strace
// lines is switched to `scap` / `strace` when it opens. The check is the server's own
// (server/src/analysis/detect.ts, bundled into the client), unit-tested without VS Code.

import { type ExtensionContext, type TextDocument, languages, Range, workspace } from 'vscode';
import { detectTraceLanguage } from '../../server/src/analysis/detect';

/** Languages VS Code gives a trace it does not recognise: by the `.txt` or `.log` name, or none. */
const GUESSED_LANGUAGES = new Set(['plaintext', 'log']);
const TRACE_LANGUAGES = new Set(['scap', 'strace']);

/** Lines handed to the check: it decides within the first five non-blank ones. */
const HEAD_LINES = 20;

export function registerLanguageDetection(context: ExtensionContext): void {
  // VS Code reports a change of language as a close and an open of the same document, one
  // right after the other. A document that goes from scap/strace back to Plain Text or Log
  // this way was set by the user (or by us undoing nothing): it is left alone from then on.
  const closing = new Map<string, string>();
  const userChose = new Set<string>();
  const switching = new Set<string>();

  const opened = (document: TextDocument) => {
    const key = document.uri.toString();
    const previous = closing.get(key);
    closing.delete(key);
    if (switching.has(key)) return;
    if (previous !== undefined) {
      if (TRACE_LANGUAGES.has(previous) && GUESSED_LANGUAGES.has(document.languageId)) userChose.add(key);
      return;
    }
    if (!GUESSED_LANGUAGES.has(document.languageId) || userChose.has(key)) return;
    const language = detectTraceLanguage(headOf(document));
    if (language === undefined) return;
    switching.add(key);
    languages.setTextDocumentLanguage(document, language).then(
      () => switching.delete(key),
      () => switching.delete(key),
    );
  };

  context.subscriptions.push(
    workspace.onDidOpenTextDocument(opened),
    workspace.onDidCloseTextDocument((document) => {
      const key = document.uri.toString();
      closing.set(key, document.languageId);
      // A real close is not followed by an open in the same turn: forget it then.
      queueMicrotask(() => closing.delete(key));
    }),
  );
  for (const document of workspace.textDocuments) opened(document);
}

/**
 * Runs `start` (the language server's) once a scap or strace document is open: at once when
 * one is, else on the first one that opens. Plain Text and Log documents activate the
 * extension so that they can be checked, and most of them are not traces: they must not cost
 * a server process. A request sent before then starts the client itself.
 */
export async function startWithFirstTrace(context: ExtensionContext, start: () => Promise<void>): Promise<void> {
  if (workspace.textDocuments.some((d) => TRACE_LANGUAGES.has(d.languageId))) return start();
  const waiting = workspace.onDidOpenTextDocument((document) => {
    if (!TRACE_LANGUAGES.has(document.languageId)) return;
    waiting.dispose();
    start().catch((error: unknown) => console.error(`Scap Lens: the language server did not start: ${String(error)}`));
  });
  context.subscriptions.push(waiting);
}

/** The document's first lines, without reading a whole 50 MB document into one string. */
function headOf(document: TextDocument): string {
  const last = Math.min(document.lineCount, HEAD_LINES) - 1;
  return document.getText(new Range(0, 0, last, document.lineAt(last).text.length));
}
