/** The header row of a compact table; figure columns are right-aligned like their cells. */
export interface Column {
  label: string;
  /** A money or count column: right-aligned, tabular figures. */
  num?: boolean;
}

export function TableHead({ columns }: { columns: readonly (string | Column)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const col = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={col.label} scope="col" className={col.num ? 'num' : undefined}>
              {col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
