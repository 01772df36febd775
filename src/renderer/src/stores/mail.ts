/** The mail settings (mail.get): where mail goes now, the SMTP server without its password, the outbox folder. */
import { create } from 'zustand';
import type { ChannelInput, ChannelOutput, MailSettings } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type MailTestResult = ChannelOutput<'mail.test'>;

interface MailState {
  settings: MailSettings | null;
  error: string | null;
  load(): Promise<void>;
  /** Saves the SMTP server, or null to write mail to the outbox. Throws ApiError for the form to show. */
  save(smtp: ChannelInput<'mail.set'>['smtp']): Promise<MailSettings>;
  /** Sends a test email; a refusal is a result in words, a bad input throws ApiError. */
  test(input: ChannelInput<'mail.test'>): Promise<MailTestResult>;
}

export const useMail = create<MailState>((set) => ({
  settings: null,
  error: null,
  async load() {
    try {
      set({ settings: await api().call('mail.get', {}), error: null });
    } catch (e) {
      set({ error: messageOf(e) });
    }
  },
  async save(smtp) {
    const settings = await api().call('mail.set', { smtp });
    set({ settings, error: null });
    return settings;
  },
  test: (input) => api().call('mail.test', input),
}));
