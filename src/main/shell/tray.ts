/**
 * The tray icon that keeps Balance Desk running with its window closed: alerts and auto-recharge are
 * scheduled work, and they must not stop because someone closed the window at the end of the day.
 */
import { Menu, Tray, nativeImage } from 'electron';
import { trayMenuTemplate, trayTooltip, type TrayMenuOptions } from './tray-menu';

export interface TrayOptions extends Omit<TrayMenuOptions, 'waiting'> {
  iconPath: string;
}

export interface DeskTray {
  /** Shows the number of failed charges waiting for a Retry in the menu and the tooltip. */
  setWaiting(count: number, more: boolean): void;
  destroy(): void;
}

export function createTray(opts: TrayOptions): DeskTray {
  // Tray slots are small (16 px on Windows, 22 on most Linux panels); a 512 px image would be cut.
  const size = process.platform === 'linux' ? 22 : 16;
  const image = nativeImage.createFromPath(opts.iconPath).resize({ width: size, height: size, quality: 'best' });
  const tray = new Tray(image);
  const show = (waiting: TrayMenuOptions['waiting']) => {
    tray.setToolTip(trayTooltip(waiting));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate({ ...opts, waiting })));
  };
  show(null);
  // Windows and macOS: a click on the icon opens the window (Linux panels show the menu instead).
  tray.on('click', opts.onOpen);
  return {
    setWaiting: (count, more) => {
      if (!tray.isDestroyed()) show({ count, more });
    },
    destroy: () => tray.destroy(),
  };
}
