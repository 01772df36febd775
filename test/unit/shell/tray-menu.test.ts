/** The tray's menu and tooltip (src/main/shell/tray-menu.ts) with the count of failed charges. */
import { describe, expect, it } from 'vitest';
import { trayMenuTemplate, trayTooltip } from '../../../src/main/shell/tray-menu';
import { click } from './helpers';

describe('failed charges: the OS notification and the tray', () => {
  it('the tray menu shows the count and opens the failed charges', () => {
    const calls: string[] = [];
    const o = {
      onOpen: () => calls.push('open'),
      onOpenFailed: () => calls.push('failed'),
      onQuit: () => calls.push('quit'),
    };
    expect(trayMenuTemplate({ ...o, waiting: null }).map((i) => i.label ?? i.type)).toEqual([
      'Open Balance Desk',
      'separator',
      'Quit Balance Desk',
    ]);
    const menu = trayMenuTemplate({ ...o, waiting: { count: 3, more: false } });
    expect(menu.map((i) => i.label ?? i.type)).toEqual([
      'Open Balance Desk',
      'separator',
      '3 failed charges waiting for Retry',
      'separator',
      'Quit Balance Desk',
    ]);
    expect(menu[2].enabled).toBe(true);
    for (const i of menu) if (i.click) click(i);
    expect(calls).toEqual(['open', 'failed', 'quit']);
    expect(trayMenuTemplate({ ...o, waiting: { count: 0, more: false } })[2]).toMatchObject({
      label: 'No failed charge is waiting',
      enabled: false,
    });
    expect(trayTooltip(null)).toBe('Balance Desk');
    expect(trayTooltip({ count: 2, more: false })).toBe('Balance Desk — 2 failed charges waiting for Retry');
  });
});
