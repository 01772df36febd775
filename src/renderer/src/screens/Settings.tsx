/** Settings: mail (SMTP with a test send, or the outbox folder), the Stripe key with a connection check, and staff with their roles and passwords. */
import { MailSettingsSection } from '../features/settings/MailSettings';
import { StripeSettingsSection } from '../features/settings/StripeSettings';
import { StaffSettingsSection } from '../features/settings/StaffSettings';
import './Settings.css';

export function SettingsScreen() {
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <header className="screen-head">
        <div>
          <h1 id="settings-title">Settings</h1>
          <p className="muted">
            How Balance Desk sends its emails and charges through Stripe, and who may sign in. Stored in the data
            folder, for every window and the headless host.
          </p>
        </div>
      </header>
      <MailSettingsSection />
      <StripeSettingsSection />
      <StaffSettingsSection />
    </section>
  );
}
