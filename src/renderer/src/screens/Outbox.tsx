/**
 * The outbox folder (#/outbox): the emails written as .eml files while no SMTP server is set up, newest
 * first, and one of them as raw text (#/outbox?file=<name>). Each links to the notification it came from.
 */
import { formatBytes } from '../bytes';
import { TableHead } from '../ui/TableHead';
import { useChannel } from '../data/useChannel';
import { hrefOf, navigate, useRoute } from '../stores/route';
import { formatTime } from '../time';
import './Outbox.css';

const PAGE = 50;
const count = new Intl.NumberFormat();

export function OutboxScreen() {
  const file = useRoute((r) => r.query.file);
  const mail = useChannel('mail.get', {}).data;
  const list = useChannel('outbox.list', {}, { page: PAGE });
  const { items, error, more: hasMore, loadingMore } = list;
  const info = list.data ? { dir: list.data.dir, total: list.data.total } : null;
  const load = list.refetch;
  const more = list.loadMore;

  return (
    <section className="screen outbox-screen" aria-labelledby="outbox-title">
      <a className="back" href={hrefOf({ screen: 'notifications' })}>
        ← Notification log
      </a>
      <header className="screen-head">
        <div>
          <h1 id="outbox-title">Outbox</h1>
          <p className="muted">
            Emails written as files while no SMTP server is set up. Nobody has received them.
            {info ? (
              <>
                {' '}
                Folder: <span className="mono mail-path">{info.dir}</span>
              </>
            ) : null}
          </p>
        </div>
      </header>

      {mail && mail.route !== 'outbox' ? (
        <div className="banner banner-info" data-testid="outbox-route-note">
          Mail is now sent{' '}
          {mail.route === 'env' ? 'through SMTP_URL' : `through ${mail.smtp?.host ?? 'the SMTP server'}`}: nothing new
          is written here. <a href={hrefOf({ screen: 'settings' })}>Mail settings</a>
        </div>
      ) : mail ? (
        <div className="banner banner-info" data-testid="outbox-route-note">
          Mail goes to this folder until an SMTP server is set up.{' '}
          <a href={hrefOf({ screen: 'settings' })}>Set up SMTP in Settings</a>
        </div>
      ) : null}

      {error ? (
        <div className="banner banner-error" role="alert">
          Could not read the outbox: {error}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : null}

      <div className={file ? 'outbox-grid outbox-grid-open' : 'outbox-grid'}>
        <div className="card outbox-card">
          {info && info.total === 0 ? (
            <div className="empty" data-testid="outbox-empty">
              The outbox is empty. An email lands here when it is sent while no SMTP server is set up, and a test email
              from Settings does too.
            </div>
          ) : (
            <>
              <div className="table-scroll">
                <table className="table table-fixed outbox-table" data-testid="outbox-list">
                  <colgroup>
                    <col className="col-time" />
                    <col />
                    <col />
                    {file ? null : <col className="outbox-col-size" />}
                    {file ? null : <col className="outbox-col-link" />}
                  </colgroup>
                  {/* With a message open beside it, the list keeps what finds a message: its time, recipient and subject. */}
                  <TableHead
                    columns={
                      file
                        ? ['Written', 'To', 'Subject']
                        : ['Written', 'To', 'Subject', { label: 'Size', num: true }, 'Notification']
                    }
                  />
                  <tbody>
                    {items.map((it) => (
                      <tr
                        key={it.file}
                        className={it.file === file ? 'outbox-row-open' : undefined}
                        data-testid="outbox-row"
                        aria-current={it.file === file ? 'true' : undefined}
                      >
                        <td className="nowrap">
                          <a href={hrefOf({ screen: 'outbox' }, { file: it.file })} title={`Show ${it.file}`}>
                            {formatTime(it.writtenAt)}
                          </a>
                        </td>
                        <td title={it.to}>{it.to}</td>
                        <td title={it.subject}>{it.subject}</td>
                        {file ? null : <td className="num muted">{formatBytes(it.bytes)}</td>}
                        {file ? null : (
                          <td>
                            {it.notificationId ? (
                              <a href={hrefOf({ screen: 'notification', id: it.notificationId })}>
                                #{it.notificationId}
                              </a>
                            ) : (
                              <span className="muted">test</span>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="muted small outbox-foot">
                {info
                  ? `${count.format(items.length)} of ${count.format(info.total)} ${info.total === 1 ? 'email' : 'emails'}, newest first.`
                  : 'Loading…'}
                {hasMore ? (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => void more()} disabled={loadingMore}>
                      {loadingMore ? 'Loading…' : 'Show more'}
                    </button>
                  </>
                ) : null}
              </p>
            </>
          )}
        </div>
        {file ? <EmlViewer file={file} /> : null}
      </div>
    </section>
  );
}

function EmlViewer({ file }: { file: string }) {
  const read = useChannel('outbox.get', { file });
  const eml = read.data;
  const error = read.notFound ? `There is no ${file} in the outbox folder (it may have been removed).` : read.error;

  return (
    <section className="card outbox-viewer" aria-labelledby="eml-title" data-testid="eml-viewer">
      <header className="outbox-viewer-head">
        <h2 id="eml-title" className="truncate" title={file}>
          {eml?.subject || file}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the message"
          title="Close"
          onClick={() => navigate({ screen: 'outbox' })}
        >
          ×
        </button>
      </header>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : !eml ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted small">
            <span className="mono">{eml.file}</span> · {formatBytes(eml.bytes)} · {formatTime(eml.writtenAt)}
            {eml.notificationId ? (
              <>
                {' '}
                ·{' '}
                <a href={hrefOf({ screen: 'notification', id: eml.notificationId })}>
                  Notification #{eml.notificationId}
                </a>
              </>
            ) : null}
          </p>
          <pre className="eml" tabIndex={0} aria-label="The raw message (.eml)" data-testid="eml-text">
            {eml.eml}
          </pre>
        </>
      )}
    </section>
  );
}
