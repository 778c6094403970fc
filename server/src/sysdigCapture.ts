// Binary sysdig captures (`trace.scap`, plain or gzip-compressed) turned into their text dump by
// the user's own sysdig: `sysdig -r trace.scap [FILTER]` writes exactly the dump this project
// reads (the corpus's dumps were made that way). Shared by the CLI (cli/input.ts), which streams
// sysdig's output into the analysis, and the VS Code client (client/src/captures.ts), which
// caches it as a file. Node only, no vscode and no LSP import.

import type * as ChildProcess from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type * as Zlib from 'node:zlib';

// node:child_process and node:zlib are required when first needed, not at start-up: loading
// them (and the stream modules they pull in) was a third of the CLI's start-up, and a `check`
// of a plain text dump, nearly every run, uses neither.
function childProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

/** node:zlib, loaded on first use (see childProcess). */
export function zlib(): typeof Zlib {
  return require('node:zlib') as typeof Zlib;
}

/** What a file's first bytes say it is. */
export type InputKind = 'capture' | 'gzip-dump' | 'text';

// A .scap file is pcapng: its section header block starts with 0A 0D 0D 0A.
const PCAPNG_MAGIC = Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]);

/**
 * Sorts a file by its first bytes: a capture (pcapng, or pcapng inside gzip, as falco's test
 * captures are: `1f 8b 08 00` then `0a 0d 0d 0a` once inflated), a gzip-compressed text dump,
 * or anything else (treated as text). Undefined when the file cannot be read, or is not a
 * regular file (a pipe read now would lose its first bytes).
 */
export function inputKind(path: string): InputKind | undefined {
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    if (!statSync(path).isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return kindOfHead(head.subarray(0, n));
}

/** inputKind on bytes already read: the first few KiB of the file. */
export function kindOfHead(head: Buffer): InputKind {
  if (head.length >= 4 && head.subarray(0, 4).equals(PCAPNG_MAGIC)) return 'capture';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // Z_SYNC_FLUSH inflates what a truncated stream holds instead of failing on its end.
      const { gunzipSync, constants } = zlib();
      const inflated = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
      return inflated.length >= 4 && inflated.subarray(0, 4).equals(PCAPNG_MAGIC) ? 'capture' : 'gzip-dump';
    } catch {
      // A gzip header with a damaged stream: sysdig reads gzip captures itself and says what is wrong.
      return 'capture';
    }
  }
  return 'text';
}

export interface SysdigOptions {
  /** The sysdig program: a path or a name looked up on PATH (default `sysdig`). */
  sysdigPath?: string;
  /** A sysdig filter (`fd.type=unix and proc.pid=1234`), empty for every event. */
  filter?: string;
  /** Called with sysdig's own progress (`-P`), 0 to 100, about once per percent. */
  onProgress?: (percent: number) => void;
  /** Aborting kills sysdig; `finished` then rejects with reason `cancelled`. */
  signal?: AbortSignal;
}

/** Why a conversion gave no dump: sysdig is not there, it failed (with its stderr), or the user cancelled. */
export class SysdigError extends Error {
  constructor(
    readonly reason: 'missing' | 'failed' | 'cancelled',
    message: string,
    readonly stderr = '',
  ) {
    super(message);
  }
}

export interface SysdigRun {
  /** The text dump, as sysdig writes it. */
  stdout: Readable;
  /** Resolves when sysdig exits 0 having read the whole capture, rejects with a SysdigError otherwise. */
  finished: Promise<void>;
}

/** sysdig's arguments: `-r FILE`, `-P` for progress on stderr, then the filter if any. */
export function sysdigArguments(file: string, filter = '', progress = false): string[] {
  return ['-r', file, ...(progress ? ['-P'] : []), ...(filter.trim() ? [filter.trim()] : [])];
}

// Keep the end of stderr: sysdig's reason comes last, and a broken capture must not fill memory.
const STDERR_KEPT = 8192;

/**
 * Starts `sysdig -r FILE -P [FILTER]`. Its stdout is the dump; read it to the end (or destroy it)
 * and await `finished`. The command line is an argument vector, never a shell string, so a
 * filter or a file name cannot run anything.
 */
export function runSysdig(file: string, options: SysdigOptions = {}): SysdigRun {
  const program = options.sysdigPath?.trim() || 'sysdig';
  const child = childProcess().spawn(program, sysdigArguments(file, options.filter, true), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let lastPercent = -1;
  child.stderr.setEncoding('latin1');
  child.stderr.on('data', (chunk: string) => {
    // -P writes `\r67.70\r    \r100.00\n`: numbers between carriage returns, among sysdig's messages.
    const rest: string[] = [];
    for (const piece of chunk.split(/[\r\n]/)) {
      const token = piece.trim();
      if (/^\d+(\.\d+)?$/.test(token)) {
        const percent = Number(token);
        if (Math.floor(percent) !== lastPercent) {
          lastPercent = Math.floor(percent);
          options.onProgress?.(percent);
        }
      } else if (token) rest.push(token);
    }
    if (rest.length > 0) stderr = (stderr + rest.join('\n') + '\n').slice(-STDERR_KEPT);
  });
  const abort = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', abort, { once: true });
  const finished = new Promise<void>((resolve, reject) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => { spawnError = error; });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      if (options.signal?.aborted) {
        reject(new SysdigError('cancelled', `the conversion of ${file} was cancelled`));
      } else if (spawnError) {
        reject(spawnError.code === 'ENOENT' || spawnError.code === 'EACCES'
          ? new SysdigError('missing', spawnError.code === 'EACCES' ? `sysdig at ${program} cannot be run: permission denied`
            : program.includes('/') ? `sysdig was not found at ${program}` : `${program} was not found on PATH`)
          : new SysdigError('failed', `sysdig could not be started (${program}: ${spawnError.message})`));
      } else if (code !== 0) {
        const reason = stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`);
        reject(new SysdigError('failed', `sysdig could not read ${file}: ${reason}`, stderr.trim()));
      } else {
        resolve();
      }
    });
  });
  // An unhandled rejection would kill the CLI before it reads the reason; callers await it.
  finished.catch(() => undefined);
  return { stdout: child.stdout, finished };
}
