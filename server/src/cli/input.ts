// The one way every subcommand reads the dump it is given: a text dump, `-` (standard input),
// a gzip-compressed dump, or a binary capture (`trace.scap`, plain or gzip) that the user's
// sysdig on PATH turns into its text dump on the fly (`sysdig -r trace.scap`, streamed: no
// temporary file). cli.ts's analyzeInput (every subcommand's) analyses through analyzeNamedInput;
// readInputText gives the dump's text to the subcommands that keep it (follow, diagram).

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { analyzeFile, analyzeStream, type Analysis, type AnalyzerOptions } from '../analysis';
import { inputKind, runSysdig, SysdigError, zlib } from '../sysdigCapture';
import { writeErr } from './output';

/** An input that cannot be analysed, with the sentence that says why (printed after `scap-lens: `). */
export class InputError extends Error {}

export interface InputOptions {
  /** Reports progress on stderr as `progress: 42%` lines (for the language server, which runs the CLI as a child). */
  progress?: boolean;
  /** A sysdig filter applied when the input is a binary capture. */
  sysdigFilter?: string;
}

export interface DumpInput {
  /** The dump's bytes, in order. */
  stream: AsyncIterable<Buffer>;
  /** Settles once the stream has been read: rejects with an InputError when the source failed (sysdig's reason). */
  finished: Promise<void>;
  /** What the input was: `text` (file or standard input), `gzip-dump`, or `capture` (through sysdig). */
  kind: 'text' | 'gzip-dump' | 'capture';
}

/** The hint for a capture when sysdig cannot be run: how to make the dump by hand. */
function captureHint(file: string): string {
  return `${file} is a binary sysdig capture, not its text dump: make one with \`sysdig -r ${file} > ${file}.txt\``;
}

/** A progress writer: `progress: N%` on stderr, once per whole percent. */
function progressWriter(enabled: boolean): (percent: number) => void {
  let last = -1;
  return (percent) => {
    const whole = Math.min(100, Math.floor(percent));
    if (!enabled || whole === last) return;
    last = whole;
    writeErr(`progress: ${whole}%\n`);
  };
}

/**
 * Opens a named input as a stream of dump bytes. `-` is standard input. A binary capture goes
 * through `sysdig -r`; when sysdig is not on PATH, an InputError carries the command to run.
 */
export function openInput(name: string, options: InputOptions = {}): DumpInput {
  const report = progressWriter(options.progress === true);
  if (name === '-') return { stream: process.stdin, finished: Promise.resolve(), kind: 'text' };
  const kind = inputKind(name) ?? 'text';
  if (kind === 'capture') {
    const run = runSysdig(name, { filter: options.sysdigFilter, onProgress: report });
    const finished = run.finished.catch((error: unknown) => {
      if (error instanceof SysdigError && error.reason === 'missing') throw new InputError(`${captureHint(name)} (${error.message})`);
      throw new InputError(error instanceof Error ? error.message : String(error));
    });
    finished.catch(() => undefined);
    return { stream: run.stdout, finished, kind };
  }
  const file = createReadStream(name);
  if (options.progress) {
    const size = statSync(name).size;
    let read = 0;
    file.on('data', (chunk) => { read += chunk.length; if (size > 0) report((100 * read) / size); });
  }
  if (kind === 'gzip-dump') return { stream: file.pipe(zlib().createGunzip()), finished: Promise.resolve(), kind };
  return { stream: file, finished: Promise.resolve(), kind };
}

/**
 * Analyses a named input in lean mode (the CLI's analysis). A plain file is read by analyzeFile
 * (no stream, the fastest path); the rest through openInput. Throws an InputError when sysdig
 * failed, with its reason.
 */
export async function analyzeNamedInput(name: string, options: AnalyzerOptions & InputOptions = {}): Promise<Analysis> {
  const { progress, sysdigFilter, ...analyzerOptions } = options;
  if (name !== '-' && (inputKind(name) ?? 'text') === 'text') {
    const report = progressWriter(progress === true);
    let size = 0;
    try {
      size = statSync(name).size;
    } catch {
      // analyzeFile says why it cannot be read.
    }
    let read = 0;
    return analyzeFile(name, {
      ...analyzerOptions,
      ...(progress && size > 0 ? { onRead: (n: number) => { read += n; report((100 * read) / size); } } : {}),
    });
  }
  const input = openInput(name, { progress, sysdigFilter });
  // Both settle: a failed sysdig ends its stdout early, so the analysis finishes and the reason wins.
  const [analysis] = await Promise.all([analyzeStream(input.stream, analyzerOptions), input.finished]);
  return analysis;
}

/**
 * The whole dump as text (latin1, one character per byte), for subcommands that keep it: a
 * text file is read as it is, a gzip-compressed dump inflated, a capture converted by sysdig.
 * Throws an InputError when sysdig is missing or fails.
 */
export async function readInputText(name: string, options: InputOptions = {}): Promise<string> {
  if (name !== '-' && (inputKind(name) ?? 'text') === 'text') return readFileSync(name, 'latin1');
  const input = openInput(name, options);
  const chunks: Buffer[] = [];
  const collect = (async () => { for await (const chunk of input.stream) chunks.push(chunk); })();
  await Promise.all([collect, input.finished]);
  return Buffer.concat(chunks).toString('latin1');
}
