// Standard output and standard error of every command, written with fs.writeSync. On Linux process.stdout writes
// synchronously too (files, pipes and terminals alike), but creating it loads Node's stream and
// net modules: 30 M instructions, a quarter of the CLI's start-up, for a few lines of output.

import { writeSync } from 'node:fs';
import { EXIT_OK } from './args';

/** Set once standard output could not take bytes at once (see writeOut): process.stdout has the rest. */
let streamed = false;

/**
 * Writes `text` to standard output, in UTF-8, before returning. A reader that stops early
 * (`scap-lens check --json big.scap.txt | head`) closes the pipe and the write fails with
 * EPIPE: that is the reader's choice, not an error of ours, so the CLI stops quietly, as a
 * program killed by SIGPIPE would, instead of dying with a stack trace.
 */
export function writeOut(text: string): void {
  if (streamed) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(1, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(EXIT_OK);
      if (code !== 'EAGAIN') throw error;
      // A non-blocking pipe that is full (a parent that set O_NONBLOCK): process.stdout waits
      // for it to drain, and from now on writes everything, so that the output keeps its order.
      streamed = true;
      process.stdout.on('error', (streamError: NodeJS.ErrnoException) => {
        if (streamError.code === 'EPIPE') process.exit(EXIT_OK);
        throw streamError;
      });
      process.stdout.write(bytes.subarray(at));
      return;
    }
  }
}

/**
 * Writes `text` to standard error, in UTF-8, before returning: a message, a warning or a
 * progress line. When the descriptor cannot take it at once, process.stderr does, as before.
 */
export function writeErr(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(2, bytes, at, bytes.length - at);
  } catch {
    process.stderr.write(bytes.subarray(at));
  }
}
