/**
 * Clients found by the start of their name or reference as the user types (the command palette, the client
 * picker of the filters): asked once typing pauses, the last suggestions kept until the new ones come.
 */
import { useEffect, useState } from 'react';
import type { Client } from '../../../../shared/contracts';
import { useChannel } from '../../data/useChannel';

const NONE: Client[] = [];

export function useClientSearch(
  text: string,
  o: { waitMs: number; shown: number },
): { clients: Client[]; searching: boolean } {
  const query = text.trim();
  const [asked, setAsked] = useState('');
  useEffect(() => {
    if (!query) return setAsked('');
    const t = setTimeout(() => setAsked(query), o.waitMs);
    return () => clearTimeout(t);
  }, [query, o.waitMs]);
  // Suggestions of the moment the user typed: not read again on change events.
  const found = useChannel('clients.list', asked ? { search: asked, limit: o.shown } : null, {
    keep: true,
    live: false,
  });
  if (!query) return { clients: NONE, searching: false };
  return { clients: found.error ? NONE : (found.data?.items ?? NONE), searching: query !== asked || found.loading };
}
