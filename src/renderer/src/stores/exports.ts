/**
 * The export in progress, of the notification log or the audit log: started with the log's filter, followed by polling
 * exports.status (and 'exports' change events) until it is done, failed or cancelled. In the browser a
 * finished file is downloaded at once from the host; in the desktop app it was saved where the user chose.
 * Kept in a store so that closing the dialog neither loses the export nor its download.
 */
import { create } from 'zustand';
import type { AuditFilter, ExportState, NotificationFilter } from '../../../shared/contracts';
import { api, ApiError, currentSession } from '../api/client';
import { messageOf } from '../api/errors';
import { hostDownloadUrl } from '../api/transport';

export type ExportFormat = ExportState['format'];
export type ExportLog = ExportState['log'];

/** What to export: a log and its filter as the list screen has it. */
export type ExportRequest =
  { log: 'notifications'; filter: NotificationFilter } | { log: 'audit'; filter: AuditFilter };

/** Starts the export of a request: notifications.export for the notification log, audit.export for the audit log. */
const begin = (format: ExportFormat, r: ExportRequest) =>
  r.log === 'audit'
    ? api().call('audit.export', { ...r.filter, format })
    : api().call('notifications.export', { ...r.filter, format });

const POLL_MS = 300;

interface ExportsState {
  current: ExportState | null;
  starting: boolean;
  cancelling: boolean;
  /** Set when the desktop save dialog was closed without choosing a file. */
  dismissed: boolean;
  error: string | null;
  start(format: ExportFormat, request: ExportRequest): Promise<void>;
  cancel(): Promise<void>;
  /** Reads the export's state now (a change event came). */
  poll(): Promise<void>;
  /** Forgets a finished export (the dialog starts over). */
  reset(): void;
}

/** The URL a finished export downloads from in the browser, or null in the desktop app. */
export function downloadUrl(e: ExportState): string | null {
  return e.state === 'done' && e.downloadPath ? hostDownloadUrl(e.downloadPath, currentSession()) : null;
}

/** Downloads a file through an <a download>, as a click on a link would. */
export function triggerDownload(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export const useExports = create<ExportsState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const downloaded = new Set<string>();

  function schedule(ms = POLL_MS) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void get().poll();
    }, ms);
  }

  function apply(next: ExportState) {
    const cur = get().current;
    if (!cur || cur.id !== next.id) return;
    set({ current: next, error: null });
    if (next.state === 'running') {
      schedule();
      return;
    }
    set({ cancelling: false });
    const url = downloadUrl(next);
    if (url && !downloaded.has(next.id)) {
      downloaded.add(next.id);
      triggerDownload(url, next.fileName);
    }
  }

  return {
    current: null,
    starting: false,
    cancelling: false,
    dismissed: false,
    error: null,
    async start(format, request) {
      if (get().starting || get().current?.state === 'running') return;
      set({ starting: true, error: null, dismissed: false, current: null });
      try {
        const started = await begin(format, request);
        if (!started) {
          set({ starting: false, dismissed: true });
          return;
        }
        set({ starting: false, current: started });
        apply(started);
      } catch (e) {
        set({ starting: false, error: messageOf(e) });
      }
    },
    async cancel() {
      const cur = get().current;
      if (!cur || cur.state !== 'running') return;
      set({ cancelling: true });
      try {
        apply(await api().call('exports.cancel', { id: cur.id }));
      } catch (e) {
        set({ cancelling: false, error: messageOf(e) });
      }
    },
    async poll() {
      const cur = get().current;
      if (!cur || cur.state !== 'running') return;
      try {
        apply(await api().call('exports.status', { id: cur.id }));
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'not_found') {
          // The ledger restarted and forgot it: it will not finish.
          set({
            current: { ...cur, state: 'failed', error: `The ledger no longer knows this export: ${e.message}` },
            error: null,
          });
          return;
        }
        // The host is unreachable for a moment: keep asking, less often.
        set({ error: messageOf(e) });
        schedule(2000);
      }
    },
    reset() {
      if (get().current?.state === 'running') return;
      set({ current: null, error: null, dismissed: false, cancelling: false });
    },
  };
});
