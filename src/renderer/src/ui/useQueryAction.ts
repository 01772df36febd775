/**
 * A one-shot action named in the URL: "#/notifications?export=1" opens the screen's Export dialog on arrival
 * (the desktop menu's File → Export… and the command palette link there). The parameter is removed from the
 * URL as the action runs (no new history entry), so Back and a reload do not run it again.
 */
import { useEffect, useRef } from 'react';
import { dropQuery, useRoute } from '../stores/route';

export function useQueryAction(name: string, run: () => void): void {
  const asked = useRoute((r) => r.query[name] === '1');
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    if (!asked) return;
    dropQuery(name);
    latest.current();
  }, [asked, name]);
}
