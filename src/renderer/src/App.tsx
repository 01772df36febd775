/** The window frame: navigation on the left, a header with what is running, and the current screen. */
import { useEffect } from 'react';
import { ChargesScreen } from './screens/Charges';
import { ClientDetailScreen } from './screens/ClientDetail';
import { ClientsScreen } from './screens/Clients';
import { DashboardScreen } from './screens/Dashboard';
import { ImportScreen } from './screens/Import';
import { NotificationScreen } from './screens/Notification';
import { NotificationsScreen } from './screens/Notifications';
import { AuditScreen } from './screens/Audit';
import { OutboxScreen } from './screens/Outbox';
import { ProfileScreen } from './screens/Profile';
import { ProfilesScreen } from './screens/Profiles';
import { SettingsScreen } from './screens/Settings';
import { SignInScreen } from './screens/SignIn';
import { SessionChip } from './features/session/SessionChip';
import { OfflineBanner } from './features/office/OfflineBanner';
import { CommandPalette, PaletteButton } from './features/palette/CommandPalette';
import { SECTIONS } from '../../shared/sections';
import { useSession } from './stores/session';
import { SchedulerStatusChip } from './features/scheduler/SchedulerStatus';
import { SandboxBadge } from './features/settings/StripeSandbox';
import { useLiveStatus } from './data/live';
import { useChannel } from './data/useChannel';
import { sectionOf, useRoute, type Route, type Section } from './stores/route';
import './App.css';

const NAV: readonly { section: Section; label: string }[] = SECTIONS;

/** Who is at the desk first: the sign-in screen until then (once a staff member has a password). */
export function App() {
  const loaded = useSession((s) => s.loaded);
  const role = useSession((s) => s.role);
  useEffect(() => {
    void useSession.getState().load();
  }, []);
  if (!loaded) return <div className="app-loading" aria-busy="true" />;
  if (role === null) return <SignInScreen />;
  return <Desk />;
}

function Desk() {
  const route = useRoute((s) => s.route);
  const current = sectionOf(route);

  useEffect(() => {
    const label = NAV.find((n) => n.section === current)?.label;
    document.title = label ? `${label} · Balance Desk` : 'Balance Desk';
  }, [current]);

  return (
    <div className="app">
      <nav className="nav" aria-label="Sections">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◧
          </span>
          Balance Desk
        </div>
        <ul>
          {NAV.map((n) => (
            <li key={n.section}>
              <a
                href={`#/${n.section}`}
                aria-current={current === n.section ? 'page' : undefined}
                className={current === n.section ? 'active' : undefined}
              >
                {n.label}
              </a>
            </li>
          ))}
        </ul>
        <PaletteButton />
      </nav>
      <div className="main">
        <AppHeader />
        <OfflineBanner />
        <main className="content" id="content">
          <Screen route={route} />
        </main>
      </div>
      <CommandPalette />
    </div>
  );
}

function AppHeader() {
  const { data: info, error } = useChannel('app.info', {});
  const live = useLiveStatus();
  // Where Stripe points, for the sandbox badges of every screen: read here, and again when the settings change.
  useChannel('stripe.get', {});
  return (
    <header className="app-header" data-testid="app-header">
      {info?.demo ? (
        <span
          className="badge badge-demo"
          data-testid="demo-badge"
          title="A separate demo data folder filled with a sample ledger"
        >
          Demo data
        </span>
      ) : null}
      {info?.testClock ? <span className="badge">Test clock</span> : null}
      <SandboxBadge />
      <span className="spacer" />
      <SchedulerStatusChip />
      <span
        className={`live-status live-${live}`}
        data-testid="live-status"
        data-status={live}
        title={
          live === 'live'
            ? 'Changes made elsewhere appear here as they happen'
            : 'Waiting for the ledger to send changes; screens may be out of date'
        }
      >
        {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </span>
      <SessionChip />
      {info ? (
        <span className="app-meta muted" title={`Data folder: ${info.dataDir}`}>
          <span>Data</span>
          <span className="truncate data-dir mono" data-testid="app-data-dir">
            {info.dataDir}
          </span>
          <span aria-hidden="true">·</span>
          <span data-testid="app-version">Balance Desk {info.version}</span>
          {info.host === 'headless' ? <span>(headless host)</span> : null}
        </span>
      ) : error ? (
        <span className="app-meta error-text" role="alert">
          Cannot reach the ledger: {error}
        </span>
      ) : null}
    </header>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'clients':
      return <ClientsScreen />;
    case 'client':
      return <ClientDetailScreen id={route.id} />;
    case 'import':
      return <ImportScreen />;
    case 'profiles':
      return <ProfilesScreen />;
    case 'profile':
      return <ProfileScreen id={route.id} />;
    case 'charges':
      return <ChargesScreen />;
    case 'notifications':
      return <NotificationsScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'notification':
      return <NotificationScreen id={route.id} />;
    case 'outbox':
      return <OutboxScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'missing':
      return (
        <section className="screen">
          <h1>Not found</h1>
          <p>
            There is no page at <code>{route.path}</code>. <a href="#/dashboard">Go to the dashboard</a>.
          </p>
        </section>
      );
    case 'dashboard':
      return <DashboardScreen />;
  }
}
