/** The mail settings (mail.get): where mail goes now, the SMTP server without its password, the outbox folder. */
import type { ChannelInput, ChannelOutput, MailSettings } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put } from '../../data/useChannel';

export type MailTestResult = ChannelOutput<'mail.test'>;

/**
 * Saves the SMTP server, or null to write mail to the outbox, with the version the form loaded (refused when
 * the settings were saved since). Throws ApiError for the form to show.
 */
export async function saveMail(smtp: ChannelInput<'mail.set'>['smtp'], version?: number): Promise<MailSettings> {
  const settings = await api().call('mail.set', { smtp, version });
  put('mail.get', {}, settings);
  return settings;
}

/** Reads the mail settings again (the form's Reload after a conflict). */
export async function reloadMail(): Promise<MailSettings> {
  const settings = await api().call('mail.get', {});
  put('mail.get', {}, settings);
  return settings;
}

/** Sends a test email; a refusal is a result in words, a bad input throws ApiError. */
export const testMail = (input: ChannelInput<'mail.test'>): Promise<MailTestResult> => api().call('mail.test', input);
