/**
 * Hash routing: the screen is named by location.hash ("#/clients/42"), so the back button, reloads and
 * deep links work in the desktop window and in a browser alike, with no server-side routes.
 */
import { create } from 'zustand';

export type Section = 'dashboard' | 'clients' | 'profiles' | 'charges' | 'notifications' | 'import' | 'settings';

export type Route =
  | { screen: Section }
  | { screen: 'client'; id: number }
  | { screen: 'profile'; id: number | 'new' }
  | { screen: 'missing'; path: string };

const SECTIONS: readonly Section[] = ['dashboard', 'clients', 'profiles', 'charges', 'notifications', 'import', 'settings'];

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/dashboard';
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1 && (SECTIONS as readonly string[]).includes(parts[0])) return { screen: parts[0] as Section } as Route;
  if (parts.length === 2 && parts[0] === 'clients' && /^[1-9]\d{0,15}$/.test(parts[1])) return { screen: 'client', id: Number(parts[1]) };
  if (parts.length === 2 && parts[0] === 'profiles' && parts[1] === 'new') return { screen: 'profile', id: 'new' };
  if (parts.length === 2 && parts[0] === 'profiles' && /^[1-9]\d{0,15}$/.test(parts[1])) return { screen: 'profile', id: Number(parts[1]) };
  return { screen: 'missing', path };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'client':
      return `#/clients/${route.id}`;
    case 'profile':
      return `#/profiles/${route.id}`;
    case 'missing':
      return `#${route.path}`;
    default:
      return `#/${route.screen}`;
  }
}

/** The nav section a route belongs to (a client's page is under Clients, a profile's under Profiles). */
export function sectionOf(route: Route): Section | null {
  if (route.screen === 'client') return 'clients';
  if (route.screen === 'profile') return 'profiles';
  if (route.screen === 'missing') return null;
  return route.screen;
}

interface RouteState {
  route: Route;
}

export const useRoute = create<RouteState>(() => ({ route: parseHash(window.location.hash) }));

window.addEventListener('hashchange', () => useRoute.setState({ route: parseHash(window.location.hash) }));

export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (window.location.hash === href) return;
  window.location.hash = href;
}
