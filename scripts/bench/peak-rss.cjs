// Preloaded into every timed child (`node --require scripts/bench/peak-rss.cjs ...`).
// At exit it writes the process's own peak RSS (getrusage ru_maxrss, in KiB) and CPU time
// (user + system, in microseconds) as JSON to the file named by BENCH_RSS_FILE. The kernel tracks this high-water mark exactly, whereas a parent
// polling /proc/<pid>/status can miss the last moments before exit (and cannot read it
// afterwards: by the time node reports the exit, the child is reaped and /proc is gone).
'use strict';
const fs = require('node:fs');

const target = process.env.BENCH_RSS_FILE;
if (target) {
  // Only the direct child should report; grandchildren would overwrite the file.
  delete process.env.BENCH_RSS_FILE;
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      fs.writeFileSync(target, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMicros: u.userCPUTime + u.systemCPUTime }));
    } catch {
      // Reporting must never change the exit status of the measured program.
    }
  });
}
