/** What the audit log keeps of an update: the fields that changed, each as [before, after]. */
/** { field: [before, after] } for the fields that changed: what the audit log keeps. */
export function changes<T extends Record<string, unknown>>(before: Partial<T>, after: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) if (before[k] !== after[k]) out[k] = [before[k], after[k]];
  return out;
}
