/**
 * The tray's menu as data (no electron here, so tests read it): open the window, the failed charges waiting
 * for a Retry (a click opens the Charges screen on them), quit.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { waitingLabel } from './charge-alerts';

export interface TrayMenuOptions {
  onOpen(): void;
  onOpenFailed(): void;
  onQuit(): void;
  /** Failed charges waiting for a Retry; null before the first count. */
  waiting: { count: number; more: boolean } | null;
}

export function trayMenuTemplate(o: TrayMenuOptions): MenuItemConstructorOptions[] {
  const waiting: MenuItemConstructorOptions[] = o.waiting
    ? [
        { label: waitingLabel(o.waiting.count, o.waiting.more), enabled: o.waiting.count > 0, click: o.onOpenFailed },
        { type: 'separator' },
      ]
    : [];
  return [
    { label: 'Open Balance Desk', click: o.onOpen },
    { type: 'separator' },
    ...waiting,
    { label: 'Quit Balance Desk', click: o.onQuit },
  ];
}

/** The tray icon's tooltip: the app, and the failures when there are some. */
export function trayTooltip(waiting: TrayMenuOptions['waiting']): string {
  return waiting && waiting.count > 0 ? `Balance Desk — ${waitingLabel(waiting.count, waiting.more)}` : 'Balance Desk';
}
