/** The export save dialog (src/main/shell/save-dialog.ts). */
import { describe, expect, it, vi } from 'vitest';
import { saveDialogFor } from '../../../src/main/shell/save-dialog';

describe('the export save dialog', () => {
  it('asks where to save in the downloads folder, adds the extension, and answers null when cancelled', async () => {
    const calls: unknown[][] = [];
    let answer = { canceled: false, filePath: '/home/ann/Downloads/log' };
    const dialog = { showSaveDialog: vi.fn(async (...args: unknown[]) => (calls.push(args), answer)) };
    const ask = saveDialogFor(dialog as never, () => null, '/home/ann/Downloads');
    expect(await ask({ defaultName: 'notifications-2026-11-21T0900.csv', format: 'csv', log: 'notifications' })).toBe(
      '/home/ann/Downloads/log.csv',
    );
    expect(calls[0][0]).toMatchObject({
      title: 'Export the notification log',
      defaultPath: '/home/ann/Downloads/notifications-2026-11-21T0900.csv',
      filters: [{ extensions: ['csv'] }],
    });
    // The audit log's export says so: someone saving it must not think it is the notification log.
    expect(await ask({ defaultName: 'audit-log-2026-11-21T0900.csv', format: 'csv', log: 'audit' })).toBe(
      '/home/ann/Downloads/log.csv',
    );
    expect(calls[1][0]).toMatchObject({
      title: 'Export the audit log',
      defaultPath: '/home/ann/Downloads/audit-log-2026-11-21T0900.csv',
    });
    answer = { canceled: true, filePath: '' };
    expect(await ask({ defaultName: 'x.json', format: 'json', log: 'audit' })).toBeNull();
  });
});
