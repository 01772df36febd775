/** The desktop command line (src/main/shell/args.ts). */
import { describe, expect, it } from 'vitest';
import { parseDesktopArgs } from '../../../src/main/shell/args';

describe('desktop command line', () => {
  it('reads --demo and --data-dir and ignores switches of Electron and Chromium', () => {
    expect(parseDesktopArgs([])).toEqual({ demo: false });
    expect(parseDesktopArgs(['--demo'])).toEqual({ demo: true });
    expect(parseDesktopArgs(['--data-dir', '/tmp/x', '--no-sandbox'])).toEqual({ demo: false, dataDir: '/tmp/x' });
    expect(parseDesktopArgs(['--enable-logging', '--data-dir=/d', '--demo'])).toEqual({ demo: true, dataDir: '/d' });
    expect(parseDesktopArgs(['--data-dir', '--demo'])).toEqual({ demo: true });
  });
});
