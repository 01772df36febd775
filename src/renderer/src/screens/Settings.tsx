/** Settings: mail (SMTP with a test send, or the outbox folder), the Stripe key with a connection check, staff with their roles and passwords, and the office (sharing, signed-in desks). */
import { MailSettingsSection } from '../features/settings/MailSettings';
import { StripeSettingsSection } from '../features/settings/StripeSettings';
import { StaffSettingsSection } from '../features/settings/StaffSettings';
import { OfficeSettingsSection } from '../features/settings/OfficeSettings';
import './Settings.css';

export function SettingsScreen() {
  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <header className="screen-head">
        <div>
          <h1 id="settings-title">Settings</h1>
          <p className="muted">
            How Balance Desk sends its emails and charges through Stripe, who may sign in, and how the office shares
            this ledger. Stored in the data folder, for every window and the headless host.
          </p>
        </div>
      </header>
      <MailSettingsSection />
      <StripeSettingsSection />
      <StaffSettingsSection />
      <OfficeSettingsSection />
    </section>
  );
}
