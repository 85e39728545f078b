import { writeFileSync } from "node:fs";

/**
 * Preloaded into a measured child (`node --import <this file>`): when the
 * process exits, writes its peak resident set size (getrusage maxRSS, in KiB)
 * and its user and system CPU time (µs, all threads) to the file named by
 * IDP_BENCH_RSS_FILE, separated by spaces. Needs nothing installed and works
 * wherever Node runs, unlike `/usr/bin/time -f %M`.
 */
const target = process.env.IDP_BENCH_RSS_FILE;
// Not inherited by anything the measured process starts.
delete process.env.IDP_BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime} ${usage.systemCPUTime}\n`);
  });
}
