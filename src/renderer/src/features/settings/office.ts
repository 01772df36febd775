/** Settings → Office's reads and words: the certificate fingerprint in groups, and the desktop's desk bridge. */
import { useEffect, useState } from 'react';
import type { DeskInfo } from '../../api/transport';

/**
 * "AB:CD:EF:…" (SHA-256, 32 bytes) as groups of four hex digits, "ABCD EF01 …", to read aloud and compare
 * with what another screen shows; the text copied stays the colon form.
 */
export function fingerprintGroups(fingerprint: string): string[] {
  const hex = fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{1,4}/g) ?? [];
}

/** What the desktop app says this desk is (null in a browser, or until it has answered). */
export function useDeskInfo(): DeskInfo | null {
  const [info, setInfo] = useState<DeskInfo | null>(null);
  useEffect(() => {
    const desk = window.balanceDesk?.desk;
    if (!desk) return;
    let on = true;
    desk
      .get()
      .then((r) => {
        if (on && r.ok) setInfo(r.value);
      })
      .catch(() => undefined);
    return () => {
      on = false;
    };
  }, []);
  return info;
}
