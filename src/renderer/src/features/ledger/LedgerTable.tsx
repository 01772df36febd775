/** A client's ledger entries, newest first, with the balance after each one. */
import type { LedgerEntry } from '../../../../shared/contracts';
import { formatTime } from '../../time';
import { Money } from '../../ui/Money';
import { TableHead } from '../../ui/TableHead';
import './LedgerTable.css';

const KIND_LABEL: Record<LedgerEntry['kind'], string> = {
  usage: 'Usage',
  top_up: 'Top-up',
  adjustment: 'Adjustment',
  refund: 'Refund',
  reversal: 'Reversal',
};

const LEDGER_COLUMNS = [
  'Time',
  'Kind',
  'Description',
  'Actor',
  { label: 'Amount', num: true },
  { label: 'Balance after', num: true },
];

export function LedgerTable(props: {
  entries: LedgerEntry[];
  currency: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
}) {
  if (props.entries.length === 0) {
    return <div className="empty">No ledger entries yet. Import usage or post an adjustment.</div>;
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table table-fixed" data-testid="ledger-table">
          <colgroup>
            <col className="col-time" />
            <col className="col-kind" />
            <col />
            <col className="col-actor" />
            <col className="col-money" />
            <col className="col-money" />
          </colgroup>
          <TableHead columns={LEDGER_COLUMNS} />
          <tbody>
            {props.entries.map((e) => (
              <tr key={e.id} data-testid="ledger-row" className={e.reversedByEntryId ? 'reversed' : undefined}>
                <td className="nowrap" title={`Recorded ${formatTime(e.recordedAt)}`}>
                  {formatTime(e.at)}
                </td>
                <td>
                  <span className={`kind kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
                  {e.reversedByEntryId ? <span className="tag">reversed</span> : null}
                </td>
                <td className="truncate" title={e.externalId ? `${e.description} (id ${e.externalId})` : e.description}>
                  {e.description || <span className="muted">—</span>}
                </td>
                <td className="nowrap">{e.actor}</td>
                <td className="num">
                  <Money amount={e.amount} currency={props.currency} sign />
                </td>
                <td className="num">
                  <Money amount={e.balanceAfter} currency={props.currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.hasMore ? (
        <div className="load-more">
          <button type="button" onClick={props.onLoadMore} disabled={props.loadingMore}>
            {props.loadingMore ? 'Loading…' : 'Load more entries'}
          </button>
        </div>
      ) : null}
    </>
  );
}
