/**
 * Run by bench/steps/notifications.ts in a process of its own: opens the core on DATA_DIR, exports the
 * whole notification log to CSV as the headless host does, prints one JSON line of figures (rows/s,
 * peak RSS of this process, which includes the export's worker threads, and how many threads formatted
 * the rows), and removes the file.
 */
import fs from 'node:fs';
import { createCore } from '../../src/main/core';
import { ManualClock } from '../../src/main/core/clock/clock';

async function main() {
  const [dataDir, end] = process.argv.slice(2);
  const core = createCore({ dataDir, clock: new ManualClock(Number(end)) });
  const t = performance.now();
  const started = await core.exporter.start('csv', {});
  const done = await core.exporter.settled(started!.id);
  const seconds = (performance.now() - t) / 1000;
  if (!done || done.state !== 'done') throw new Error(`export ended ${done?.state}: ${done?.error}`);
  fs.rmSync(done.path, { force: true });
  core.close();
  const threads = core.exporter.threads(started!.id);
  console.log(
    JSON.stringify({
      rows: done.rows,
      seconds,
      rowsPerSec: done.rows / seconds,
      bytes: done.bytes,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      threads,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
