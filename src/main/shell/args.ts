/**
 * The desktop app's own command-line options. Electron and Chromium add switches of their own and the
 * OS may pass others, so anything unknown is left alone rather than refused.
 *   --data-dir DIR (or --data-dir=DIR)   the data folder
 *   --demo                               the separate demo ledger, filled with sample data
 */
export interface DesktopArgs {
  dataDir?: string;
  demo: boolean;
}

export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  const args: DesktopArgs = { demo: argv.includes('--demo') };
  argv.forEach((a, i) => {
    if (a.startsWith('--data-dir=')) args.dataDir = a.slice('--data-dir='.length);
    else if (a === '--data-dir' && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--'))
      args.dataDir = argv[i + 1];
  });
  if (args.dataDir === '') delete args.dataDir;
  return args;
}
