// Preloaded into the language servers the bench measures (`node --expose-gc --require
// scripts/bench/gc-on-signal.cjs ...`): SIGUSR2 runs a full garbage collection. An idle
// server never collects on its own, so the RSS right after indexing still holds what the
// JSON-RPC transport left behind (the didOpen message as bytes and as a string). The bench
// asks for one collection to report, beside that figure, what the server really keeps.
'use strict';
if (typeof global.gc === 'function') {
  process.on('SIGUSR2', () => global.gc());
}
