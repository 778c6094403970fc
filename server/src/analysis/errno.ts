// What an errno means for the syscall that returned it, in a sentence a person can act on.

const MEANING: Record<string, (syscall: string) => string> = {
  EPIPE: (s) => `\`${s}\` wrote to a socket or pipe whose reading end is closed. The kernel refused the bytes (and raised SIGPIPE unless it is ignored): the peer closed or shut down its end before this call.`,
  ECONNRESET: (s) => `The peer reset the connection during \`${s}\`: it closed its end while data it had not read was still queued for it (or it aborted), so the kernel sent a reset.`,
  EAGAIN: (s) => s === 'futex' ? '`futex` found the futex word already changed, so it did not wait; the caller checks again.'
    : `\`${s}\` would have blocked on a non-blocking descriptor: ${wouldBlockOn(s)}. The caller is expected to wait (poll/epoll) and retry.`,
  EINPROGRESS: () => 'A non-blocking connect has started and completes later; the caller learns the outcome when the socket becomes writable.',
  ENOENT: (s) => s === 'connect' ? 'No socket exists at that path: nothing is listening there.' : `\`${s}\`: no such file or directory.`,
  ECONNREFUSED: () => 'Nothing accepted the connection: no listener on that address (or its backlog is full, for unix sockets).',
  ETIMEDOUT: (s) => `\`${s}\` timed out.`,
  ENOTCONN: (s) => `\`${s}\` on a socket that is not connected (or already shut down).`,
  EBADF: (s) => `\`${s}\` on a descriptor that is not open: it was closed before this call.`,
  EINTR: (s) => `\`${s}\` was interrupted by a signal before it moved any data.`,
  ERESTARTSYS: (s) => `\`${s}\` was interrupted by a signal and is restarted by the kernel (an internal code, not seen by the program).`,
  ERESTARTNOHAND: (s) => `\`${s}\` was interrupted by a signal with no handler and is restarted (an internal code).`,
  ENOPROTOOPT: () => 'The socket option is not supported by this protocol.',
  EEXIST: () => 'The file already exists.',
  EACCES: () => 'Permission denied.',
  EPERM: () => 'Operation not permitted.',
};

/** What an EAGAIN call was waiting for, by the kind of syscall (sysdig's and strace's names). */
function wouldBlockOn(syscall: string): string {
  if (/^accept/.test(syscall)) return 'no pending connection to accept yet';
  if (/^(read|recv|pread)/.test(syscall)) return 'no data to read yet';
  if (/^(write|send|pwrite)/.test(syscall)) return 'no room in the send buffer yet';
  if (syscall === 'connect') return 'no room in the listener\'s backlog (unix sockets)';
  return 'no data to read yet, or no room to write';
}

// The Linux numbers of the errnos traces print by name: strace prints `-1 EPIPE (Broken pipe)`
// and sysdig an accept's `fd=-11(EAGAIN)`, while the model and hovers show -errno as `res=` does.
const ERRNO_NUMBER: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EEXIST: 17,
  EINVAL: 22, EPIPE: 32, ENOTSOCK: 88, ENOPROTOOPT: 92, EADDRINUSE: 98, ECONNABORTED: 103,
  ECONNRESET: 104, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111, EINPROGRESS: 115,
  ERESTARTSYS: 512, ERESTARTNOHAND: 514,
};

/** `EAGAIN` → 11; undefined for a name the table does not hold. */
export function errnoNumber(errno: string): number | undefined {
  return ERRNO_NUMBER[errno];
}

export function errnoMeaning(errno: string, syscall: string): string {
  const meaning = MEANING[errno];
  return meaning ? meaning(syscall) : `\`${syscall}\` failed with ${errno}.`;
}
