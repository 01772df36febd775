/**
 * The tray icon that keeps Balance Desk running with its window closed: alerts and auto-recharge are
 * scheduled work, and they must not stop because someone closed the window at the end of the day.
 */
import path from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';

/** The app icon: beside the app in development, in the resources folder when packaged (extraResources). */
export function appIconPath(opts: { isPackaged: boolean; appPath: string; resourcesPath: string }): string {
  return opts.isPackaged ? path.join(opts.resourcesPath, 'icon.png') : path.join(opts.appPath, 'resources', 'icon.png');
}

export interface TrayOptions {
  iconPath: string;
  onOpen: () => void;
  onQuit: () => void;
}

export function createTray(opts: TrayOptions): Tray {
  // Tray slots are small (16 px on Windows, 22 on most Linux panels); a 512 px image would be cut.
  const size = process.platform === 'linux' ? 22 : 16;
  const image = nativeImage.createFromPath(opts.iconPath).resize({ width: size, height: size, quality: 'best' });
  const tray = new Tray(image);
  tray.setToolTip('Balance Desk');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Balance Desk', click: opts.onOpen },
      { type: 'separator' },
      { label: 'Quit Balance Desk', click: opts.onQuit },
    ]),
  );
  // Windows and macOS: a click on the icon opens the window (Linux panels show the menu instead).
  tray.on('click', opts.onOpen);
  return tray;
}
