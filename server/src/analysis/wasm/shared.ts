// Written once, read by two compilers: AssemblyScript (wasm/scanner.ts, the CLI's line scanner)
// and esbuild/tsc (byteScanner.ts, which reads the scanner's records, and sysdigParser.ts, which
// the scanner mirrors). So it holds plain constants only: an integer literal is an i32 to
// AssemblyScript and a number to TypeScript, a string literal is a string to both. A name
// list is one string, space-separated with a space at each end, so the scanner can look a
// name up in it without allocating (`' close '` is in it, `' clos '` is not).

// ---- The scanner's record, one per line ----
// A record is 120 bytes: seven f64 fields (numbers that can be large or NaN, computed with
// the JavaScript parser's arithmetic) at f64 index 0-6, then sixteen i32 fields (ids,
// columns, offsets, flags) at i32 index 14-29.
export const RECORD_BYTES = 120;
/** How many records one scan() writes at most. */
export const RECORD_CAP = 1024;
export const D_NUM = 0;
export const D_TIME = 1;
export const D_TID = 2;
export const D_PID = 3;
export const D_FD = 4;
export const D_RES = 5;
export const D_SIZE = 6;
/** 1 = an event parsed by the scanner, 0 = a line for the JavaScript path. */
export const I_KIND = 14;
export const I_START = 15;
/** The line's end before its `\r` is dropped. */
export const I_END = 16;
export const I_EXIT = 17;
export const I_TYPE = 18;
export const I_TYPE_COL = 19;
export const I_PROCESS = 20;
export const I_FD_COL = 21;
export const I_TAG = 22;
export const I_FD_NAME = 23;
export const I_RES_COL = 24;
export const I_ERRNO = 25;
export const I_TUPLE_START = 26;
export const I_TUPLE_END = 27;
/** 1 when the line does not end with a space (the record continues on the next lines). */
export const I_OPEN = 28;
/** Where the `data=` value starts, -1 when absent. */
export const I_DATA_COL = 29;

// ---- Syscall names whose lines both parsers read further ----
/**
 * Syscalls whose whole parameter list matters. For any other event only a leading `fd=` is
 * read, which is enough to attach fcntl/getsockopt/... on a socket to its connection.
 */
export const FULL_PARAM_TYPES = ' connect accept accept4 close shutdown sendfile read readv pread preadv recv recvfrom recvmsg recvmmsg write writev pwrite pwritev send sendto sendmsg sendmmsg clone clone3 fork vfork execve getsockopt setsockopt ';
// The two lists below are part of this one: the scanner looks in them only for its names.
/** Syscalls whose enter time the model keeps (when a close or shutdown started). */
export const ENTER_TIME_TYPES = ' close shutdown ';
/** Syscalls whose exit prints the sender's `tuple=` after the payload (`data=`). */
export const TUPLE_AFTER_DATA_TYPES = ' recvfrom recvmsg ';
