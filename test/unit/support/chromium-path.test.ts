import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findChromium, installedCandidates } from '../../support/chromium-path';

describe('the Chromium the end-to-end tests drive', () => {
  it('is found on this machine with nothing but npm install (an installed one, else the packaged one)', async () => {
    const found = await findChromium({});
    expect(fs.statSync(found.path).isFile()).toBe(true);
    // Where no browser is installed, the one inside the @sparticuz/chromium tarball is used.
    if (!installedCandidates().some((p) => fs.existsSync(p))) expect(found.source).toBe('@sparticuz/chromium');
  });

  it('takes CHROMIUM_PATH first, and names it when it does not exist', async () => {
    await expect(findChromium({ CHROMIUM_PATH: '/nowhere/chrome' })).rejects.toThrow(
      'CHROMIUM_PATH names /nowhere/chrome, which does not exist',
    );
    expect(await findChromium({ CHROMIUM_PATH: process.execPath })).toEqual({
      path: process.execPath,
      source: 'CHROMIUM_PATH',
    });
  });

  it('looks in the usual places of each platform', () => {
    expect(installedCandidates('linux')).toContain('/usr/bin/chromium');
    expect(installedCandidates('darwin')).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(installedCandidates('win32', { PROGRAMFILES: 'C:\\Program Files' })).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files\\Chromium\\Application\\chrome.exe',
      'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
    ]);
  });
});
