// Enter/exit pairing: which syscalls are socket calls and of what role, which events have no
// exit and so leave a thread's pending call in place, and which exits start a new thread.
// DumpAnalyzer keeps the per-thread pending calls and asks these tables (roleOf, addExit).

import type { CallRole } from './model';

// A Map, not an object: syscall names come from the input, not from source literals, and an
// object would look each one up in V8's string table before finding the property.
export const ROLE_BY_TYPE = new Map<string, CallRole>(Object.entries({
  write: 'write', writev: 'write', pwrite: 'write', pwritev: 'write', send: 'write',
  sendto: 'write', sendmsg: 'write', sendmmsg: 'write', sendfile: 'write',
  read: 'read', readv: 'read', pread: 'read', preadv: 'read', recv: 'read',
  recvfrom: 'read', recvmsg: 'read', recvmmsg: 'read',
  connect: 'connect', accept: 'accept', accept4: 'accept', close: 'close', shutdown: 'shutdown',
} satisfies Record<string, CallRole>));

export const PID_TYPES = new Set(['clone', 'clone3', 'fork', 'vfork', 'execve']);

/**
 * Events that have an enter and never an exit: the scheduler, signals, process exit, page
 * faults, the capture's own notes (`switch`, `procexit`, `signaldeliver`, `page_fault`,
 * `notification`, `container`, ...) and the syscalls that do not return (`exit_group`,
 * `sigreturn`). They land between another call's enter and exit on the same thread, e.g.
 *   `1263 ... httpd (15174) > writev fd=10(<4t>...) size=1619000`
 *   `1264 ... httpd (15174) > switch next=0 pgft_maj=0 pgft_min=0 vm_size=...`
 *   `1301 ... httpd (15174) < writev res=1619000 data=...`
 * and must leave that call pending.
 */
export const NO_EXIT_TYPES = [
  'switch', 'procexit', 'signaldeliver', 'sigreturn', 'exit', 'exit_group', 'page_fault',
  'notification', 'container', 'infra', 'cpu_hotplug', 'k8s', 'mesos', 'procinfo', 'sysdigevent',
  'useradded', 'userdeleted', 'groupadded', 'groupdeleted', 'pluginevent', 'asyncevent',
];

/** The analyzer's role of an event: a syscall's CallRole, or `event` for one without an exit. */
export type EventRole = CallRole | 'event';
export const EVENT_ROLE_BY_TYPE = new Map<string, EventRole>([...ROLE_BY_TYPE, ...NO_EXIT_TYPES.map((t): [string, EventRole] => [t, 'event'])]);
