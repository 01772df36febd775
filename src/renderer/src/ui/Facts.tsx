/** A definition list of facts — a term and its value each — as the client page and a charge's detail show them. */
import type { ReactNode } from 'react';

export function Facts({
  rows,
  className = 'facts',
}: {
  rows: readonly (readonly [string, ReactNode])[];
  className?: string;
}) {
  return (
    <dl className={className}>
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
