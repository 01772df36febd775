/**
 * The dashboard's reads: the figures of its tiles (dashboard.get) and the last 30 days (dashboard.chart),
 * read again after a change of what they count; many changes come in bursts (an import, a sweep), so at
 * most once a second. The first read after the app started adds up the ledger's last 30 days in the core,
 * which takes a while on a big ledger: until then the screen says so.
 */
import type { ChannelOutput } from '../../../../shared/contracts';
import { useChannel } from '../../data/useChannel';

export type DashboardFigures = ChannelOutput<'dashboard.get'>;
export type DashboardDays = ChannelOutput<'dashboard.chart'>;

const OPTIONS = { waitMs: 1_000 };

export const useDashboardFigures = () => useChannel('dashboard.get', {}, OPTIONS);
export const useDashboardDays = () => useChannel('dashboard.chart', {}, OPTIONS);
