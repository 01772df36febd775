/**
 * The dashboard: the desk at a glance. Each tile is a link to the filtered list behind its figure (the
 * clients below a threshold, the charges awaiting Retry, today's notifications …), with amounts in their
 * own currency. Below, the total balance and the top-ups of the last 30 days. Everything is read again
 * when the ledger, the charges, the notifications or the scheduler change.
 */
import { useState, type ReactNode } from 'react';
import { DashboardChart } from '../features/dashboard/DashboardChart';
import { relativeTime } from '../ui/When';
import { Money } from '../ui/Money';
import { useCoreNow } from '../data/core-now';
import { useDashboardDays, useDashboardFigures, type DashboardFigures } from '../features/dashboard/dashboard';
import { hrefOf, type Query, type Route } from '../stores/route';
import './Dashboard.css';

const count = new Intl.NumberFormat();

function Tile(props: {
  testId: string;
  title: string;
  href: string;
  figure: ReactNode;
  tone?: 'bad' | 'low' | 'ok';
  children?: ReactNode;
  value: number;
}) {
  return (
    <a
      className={`tile${props.tone ? ` tile-${props.tone}` : ''}`}
      href={props.href}
      data-testid={props.testId}
      data-value={props.value}
    >
      <span className="tile-title">{props.title}</span>
      <span className="tile-figure">{props.figure}</span>
      <span className="tile-note">{props.children}</span>
    </a>
  );
}

const link = (route: Route, query?: Query) => hrefOf(route, query);

/** A tile of one count: its tone when it is not zero, and what it says for some and for none. */
function CountTile(p: {
  testId: string;
  title: string;
  href: string;
  value: number;
  alarm: 'bad' | 'low' | null;
  some: string;
  none: string;
}) {
  return (
    <Tile
      testId={p.testId}
      title={p.title}
      href={p.href}
      value={p.value}
      tone={p.alarm ? (p.value ? p.alarm : 'ok') : undefined}
      figure={count.format(p.value)}
    >
      {p.value ? p.some : p.none}
    </Tile>
  );
}
const plural = (n: number, one: string, many: string) => `${count.format(n)} ${n === 1 ? one : many}`;

function Tiles({ f }: { f: DashboardFigures }) {
  const now = useCoreNow();
  const day = f.today.day;
  const today = { from: day, to: day };
  const sched = f.scheduler;
  const sweptAgo = sched.lastSweep
    ? relativeTime(sched.lastSweep.finishedAt, now ?? Date.parse(f.now), { past: true })
    : null;
  const counts: Parameters<typeof CountTile>[0][] = [
    {
      testId: 'tile-below',
      title: 'Below a threshold',
      href: link({ screen: 'clients' }, { only: 'below' }),
      value: f.belowThreshold,
      alarm: 'low',
      some: `${f.belowThreshold === 1 ? 'client is' : 'clients are'} below a low balance rule now`,
      none: 'No client is below a low balance rule. The thresholds come from the low balance profiles.',
    },
    {
      testId: 'tile-dry',
      title: 'Run dry within 24 h',
      href: link({ screen: 'clients' }, { only: 'dry' }),
      value: f.runDrySoon,
      alarm: 'bad',
      some: `${f.runDrySoon === 1 ? 'client reaches' : 'clients reach'} zero within a day at the rate of the last 7 days (or already has)`,
      none: 'No client runs dry within a day at the rate of its last 7 days of usage.',
    },
    {
      testId: 'tile-retry',
      title: 'Awaiting Retry',
      href: link({ screen: 'charges' }, { awaiting: 'retry' }),
      value: f.awaitingRetry,
      alarm: 'bad',
      some: `failed ${f.awaitingRetry === 1 ? 'charge waits' : 'charges wait'} for a Retry or a method’s cooldown to end`,
      none: 'No failed charge is waiting. A charge that fails on every method waits here for a Retry.',
    },
    {
      testId: 'tile-cooling',
      title: 'Methods cooling down',
      href: link({ screen: 'clients' }, { only: 'cooling' }),
      value: f.methodsCooling,
      alarm: 'low',
      some: `${plural(f.clientsCooling, 'client', 'clients')}: a declined method rests 48 hours before it is tried again`,
      none: 'No payment method is resting. A declined card is paused for 48 hours.',
    },
    {
      testId: 'tile-sent',
      title: 'Notifications sent today',
      href: link({ screen: 'notifications' }, { status: 'sent', ...today }),
      value: f.notificationsToday.sent,
      alarm: null,
      some: 'emails decided today and delivered',
      none: 'Nothing sent today. Low balance emails go out as clients cross their thresholds.',
    },
    {
      testId: 'tile-failed',
      title: 'Notifications failed today',
      href: link({ screen: 'notifications' }, { status: 'failed', ...today }),
      value: f.notificationsToday.failed,
      alarm: 'bad',
      some: 'the mail server refused them: open one to see why, and Resend',
      none: 'No email failed today.',
    },
  ];
  return (
    <div className="tiles" data-testid="dashboard-tiles">
      {counts.slice(0, 2).map((c) => (
        <CountTile key={c.testId} {...c} />
      ))}

      <Tile
        testId="tile-topups"
        title="Top-ups today"
        href={link({ screen: 'charges' }, { status: 'succeeded', ...today })}
        value={f.topUpsToday.reduce((n, t) => n + t.count, 0)}
        figure={
          f.topUpsToday.length ? (
            <span className="tile-sums">
              {f.topUpsToday.map((t) => (
                <span key={t.currency} className="tile-sum" data-testid="tile-topups-sum" data-currency={t.currency}>
                  <Money amount={t.amount} currency={t.currency} />
                  <span className="tile-count">{plural(t.count, 'top-up', 'top-ups')}</span>
                </span>
              ))}
            </span>
          ) : (
            '0'
          )
        }
      >
        {f.topUpsToday.length
          ? `${plural(f.automaticTopUpsToday, 'was an automatic charge', 'were automatic charges')}: they are in Charges`
          : 'No top-up recorded today. Automatic top-ups are set up on each client’s page.'}
      </Tile>

      {counts.slice(2).map((c) => (
        <CountTile key={c.testId} {...c} />
      ))}

      <Tile
        testId="tile-scheduler"
        title="Scheduler"
        href={link({ screen: 'notifications' }, { status: 'queued' })}
        value={sched.jobs.failed}
        tone={sched.jobs.failed ? 'bad' : 'ok'}
        figure={
          <span className="tile-text">
            {sched.sweeping ? 'Sweeping…' : sweptAgo ? `Swept ${sweptAgo}` : 'Not swept yet'}
          </span>
        }
      >
        {`${plural(sched.jobs.queued, 'job', 'jobs')} queued, ${count.format(sched.jobs.failed)} failed; ${plural(sched.watching, 'rule waits', 'rules wait')} for a check. The queued emails are in Notifications.`}
      </Tile>
    </div>
  );
}

function Days() {
  const days = useDashboardDays().data;
  const [picked, setPicked] = useState<string | null>(null);
  if (!days) return <p className="muted">Adding up the last 30 days…</p>;
  // Currencies with something to show: a balance or a top-up in the 30 days.
  // The busiest first: the most top-ups in the 30 days (amounts in different currencies do not compare).
  const topUpsOf = (c: (typeof days.currencies)[number]) => c.topUpCount.reduce((a, b) => a + b, 0);
  const shown = days.currencies
    .filter((c) => c.balance.some((v) => v !== 0) || c.topUps.some((v) => v !== 0))
    .sort((a, b) => topUpsOf(b) - topUpsOf(a) || (a.currency < b.currency ? -1 : 1));
  if (!shown.length) {
    return (
      <div className="empty chart-empty" data-testid="dashboard-chart-empty">
        Nothing to draw yet. The chart fills in as balances move: post a top-up on a client’s page, or{' '}
        <a href={hrefOf({ screen: 'import' })}>import usage</a> from a CSV file.
      </div>
    );
  }
  const currency = shown.find((c) => c.currency === picked)?.currency ?? shown[0].currency;
  const cur = shown.find((c) => c.currency === currency)!;
  const topUps = cur.topUps.reduce((a, b) => a + b, 0);
  const topUpCount = cur.topUpCount.reduce((a, b) => a + b, 0);
  return (
    <>
      {shown.length > 1 ? (
        <div className="currency-pick" role="group" aria-label="Currency">
          {shown.map((c) => (
            <button
              key={c.currency}
              type="button"
              aria-pressed={c.currency === currency}
              onClick={() => setPicked(c.currency)}
            >
              {c.currency}
            </button>
          ))}
        </div>
      ) : null}
      <DashboardChart days={days} currency={currency} />
      <ul className="chart-key">
        <li>
          <span className="key-line key-balance" aria-hidden="true" />
          Total balance now{' '}
          <Money amount={cur.balance[cur.balance.length - 1]} currency={currency} testId="dashboard-total" />
        </li>
        <li>
          <span className="key-bar" aria-hidden="true" />
          {plural(topUpCount, 'top-up', 'top-ups')} in 30 days, <Money amount={topUps} currency={currency} />
        </li>
      </ul>
    </>
  );
}

export function DashboardScreen() {
  const { data: figures, error: figuresError, refetch } = useDashboardFigures();
  const { data: days, error: daysError, refetch: refetchDays } = useDashboardDays();
  const error = figuresError ?? daysError;
  const noClients = days !== null && days.currencies.length === 0;
  const load = () => void Promise.all([refetch(), refetchDays()]);

  return (
    <section className="screen dashboard" aria-labelledby="dashboard-title">
      <header className="screen-head">
        <div>
          <h1 id="dashboard-title">Dashboard</h1>
          <p className="muted" data-testid="dashboard-today">
            {figures
              ? `Today is ${figures.today.day} (UTC), as in the lists’ day filters. Each figure opens its list.`
              : 'Reading the ledger…'}
          </p>
        </div>
      </header>
      {error ? (
        <div className="banner banner-error" role="alert">
          Could not read the dashboard: {error}{' '}
          <button type="button" className="link" onClick={load}>
            Try again
          </button>
        </div>
      ) : null}
      {noClients ? (
        <div className="card dashboard-start" data-testid="dashboard-start">
          <h2>Start here</h2>
          <ol>
            <li>
              Add your clients in <a href={hrefOf({ screen: 'clients' })}>Clients</a> (“New client”), each with its
              currency.
            </li>
            <li>
              Say who is warned, and when, in a <a href={hrefOf({ screen: 'profiles' })}>low balance profile</a>.
            </li>
            <li>
              <a href={hrefOf({ screen: 'import' })}>Import usage</a> from a CSV file, or post a top-up on a client’s
              page. The figures below follow.
            </li>
          </ol>
        </div>
      ) : null}
      {figures ? <Tiles f={figures} /> : <div className="tiles tiles-loading" aria-busy="true" />}
      <section className="card dashboard-days" aria-labelledby="days-title">
        <h2 id="days-title">Total balance and top-ups, last 30 days</h2>
        <Days />
      </section>
    </section>
  );
}
