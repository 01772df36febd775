/**
 * Hash routing: the screen is named by location.hash ("#/clients/42"), so the back button, reloads and
 * deep links work in the desktop window and in a browser alike, with no server-side routes. What follows
 * a "?" is the screen's query ("#/notifications?clientId=3&status=failed"), so a filtered view can be linked.
 */
import { create } from 'zustand';
import { SECTIONS as SECTION_LIST, type SectionName } from '../../../shared/sections';

/** A section of the navigation (src/shared/sections.ts holds the one list). */
export type Section = SectionName;

export type Route =
  | { screen: Section }
  | { screen: 'client'; id: number }
  | { screen: 'profile'; id: number | 'new' }
  | { screen: 'notification'; id: number }
  | { screen: 'outbox' }
  | { screen: 'missing'; path: string };

/** The hash's query, as plain strings; empty values are left out. */
export type Query = Record<string, string>;

const SECTIONS: readonly Section[] = SECTION_LIST.map((s) => s.section);
const ID = /^[1-9]\d{0,15}$/;

function split(hash: string): [string, string] {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  return q < 0 ? [h, ''] : [h.slice(0, q), h.slice(q + 1)];
}

export function parseHash(hash: string): Route {
  const path = split(hash)[0].replace(/\/+$/, '') || '/dashboard';
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1 && (SECTIONS as readonly string[]).includes(parts[0]))
    return { screen: parts[0] as Section } as Route;
  if (parts.length === 1 && parts[0] === 'outbox') return { screen: 'outbox' };
  if (parts.length === 2 && parts[0] === 'clients' && ID.test(parts[1]))
    return { screen: 'client', id: Number(parts[1]) };
  if (parts.length === 2 && parts[0] === 'profiles' && parts[1] === 'new') return { screen: 'profile', id: 'new' };
  if (parts.length === 2 && parts[0] === 'profiles' && ID.test(parts[1]))
    return { screen: 'profile', id: Number(parts[1]) };
  if (parts.length === 2 && parts[0] === 'notifications' && ID.test(parts[1]))
    return { screen: 'notification', id: Number(parts[1]) };
  return { screen: 'missing', path };
}

export function parseQuery(hash: string): Query {
  const out: Query = {};
  for (const [k, v] of new URLSearchParams(split(hash)[1])) if (v !== '') out[k] = v;
  return out;
}

export function hrefOf(route: Route, query?: Query): string {
  let path: string;
  switch (route.screen) {
    case 'client':
      path = `#/clients/${route.id}`;
      break;
    case 'profile':
      path = `#/profiles/${route.id}`;
      break;
    case 'notification':
      path = `#/notifications/${route.id}`;
      break;
    case 'missing':
      path = `#${route.path}`;
      break;
    default:
      path = `#/${route.screen}`;
  }
  const q = new URLSearchParams(Object.entries(query ?? {}).filter(([, v]) => v !== '' && v !== undefined)).toString();
  return q ? `${path}?${q}` : path;
}

/** The nav section a route belongs to (a client's page is under Clients, a profile's under Profiles). */
export function sectionOf(route: Route): Section | null {
  if (route.screen === 'client') return 'clients';
  if (route.screen === 'profile') return 'profiles';
  if (route.screen === 'notification' || route.screen === 'outbox') return 'notifications';
  if (route.screen === 'missing') return null;
  return route.screen;
}

interface RouteState {
  route: Route;
  query: Query;
}

const read = (): RouteState => ({ route: parseHash(window.location.hash), query: parseQuery(window.location.hash) });

export const useRoute = create<RouteState>(() => read());

window.addEventListener('hashchange', () => useRoute.setState(read()));

export function navigate(route: Route, query?: Query): void {
  const href = hrefOf(route, query);
  if (window.location.hash === href) return;
  window.location.hash = href;
}

/**
 * Removes query parameters from the URL without a new history entry: a one-shot request such as
 * "#/notifications?export=1" (the desktop menu's Export…) is done once, and Back or a reload does not repeat it.
 */
export function dropQuery(...names: string[]): void {
  const { route, query } = useRoute.getState();
  if (!names.some((n) => n in query)) return;
  const rest = Object.fromEntries(Object.entries(query).filter(([k]) => !names.includes(k)));
  window.history.replaceState(window.history.state, '', hrefOf(route, rest));
  useRoute.setState(read());
}
