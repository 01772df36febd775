/**
 * The app's sections, in the order of the navigation: the window's nav, the command palette (Ctrl+K) and
 * the desktop menu's View → Ctrl+1…8 all read this one list, so a shortcut and a nav entry cannot disagree.
 */
export const SECTIONS = [
  { section: 'dashboard', label: 'Dashboard' },
  { section: 'clients', label: 'Clients' },
  { section: 'profiles', label: 'Profiles' },
  { section: 'charges', label: 'Charges' },
  { section: 'notifications', label: 'Notifications' },
  { section: 'audit', label: 'Audit log' },
  { section: 'import', label: 'Import' },
  { section: 'settings', label: 'Settings' },
] as const;

export type SectionName = (typeof SECTIONS)[number]['section'];

/** The hash route of a section ("#/charges"), with an optional query ("#/charges?status=failed"). */
export function sectionHref(section: SectionName, query?: Record<string, string>): string {
  const q = new URLSearchParams(query ?? {}).toString();
  return q ? `#/${section}?${q}` : `#/${section}`;
}
