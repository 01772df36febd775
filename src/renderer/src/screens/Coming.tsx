/**
 * The sections that later work fills in. Each says plainly what it will do and what already works,
 * rather than showing made-up figures.
 */
import type { Section } from '../stores/route';

export type ComingSection = Exclude<Section, 'clients' | 'import' | 'profiles' | 'charges' | 'notifications' | 'audit' | 'settings'>;

const COMING: Record<ComingSection, { title: string; will: string[]; meanwhile: { href: string; label: string }[] }> = {
  dashboard: {
    title: 'Dashboard',
    will: [
      'Clients at risk: who runs dry soonest at the current burn rate.',
      "Today's automatic top-up charges, and the failed ones with a Retry button.",
      'A chart of the total balance over time.',
    ],
    meanwhile: [
      { href: '#/clients', label: 'Find a client and see its balance and ledger' },
      { href: '#/import', label: 'Import usage from a CSV file' },
    ],
  },
};

export function ComingScreen({ section }: { section: ComingSection }) {
  const c = COMING[section];
  return (
    <section className="screen" aria-labelledby="coming-title">
      <header className="screen-head">
        <div>
          <h1 id="coming-title">{c.title}</h1>
          <p className="muted">Not built yet.</p>
        </div>
      </header>
      <div className="card coming" data-testid={`coming-${section}`}>
        <h2>This screen is coming. It will show:</h2>
        <ul>
          {c.will.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
        {c.meanwhile.length ? (
          <>
            <h3>Already works</h3>
            <ul className="links">
              {c.meanwhile.map((m) => (
                <li key={m.href + m.label}>
                  <a href={m.href}>{m.label}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
