/**
 * The native save dialog for exports: the core asks where to write (notifications.export), the desktop answers
 * with the path the user chose, or null when they cancelled. Pure (types only from electron).
 */
import path from 'node:path';
import type { BrowserWindow, Dialog, FileFilter } from 'electron';
import type { ExportLog, SaveDialog } from '../core/exports/exporter';

const FILTERS: Record<'csv' | 'json', FileFilter> = {
  csv: { name: 'CSV (spreadsheets)', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};
// The title is all that tells the two exports apart once the dialog is open (the file name is editable).
const TITLES: Record<ExportLog, string> = {
  notifications: 'Export the notification log',
  audit: 'Export the audit log',
};

export function saveDialogFor(
  dialog: Pick<Dialog, 'showSaveDialog'>,
  window: () => BrowserWindow | null,
  downloads: string,
): SaveDialog {
  return async ({ defaultName, format, log }) => {
    const options = {
      title: TITLES[log],
      defaultPath: path.join(downloads, defaultName),
      filters: [FILTERS[format]],
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const win = window();
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (r.canceled || !r.filePath) return null;
    // A name typed without its extension gets it, so the file opens in the right program.
    return path.extname(r.filePath) ? r.filePath : `${r.filePath}.${format}`;
  };
}
