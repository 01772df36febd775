/** What a page about one thing shows before it has the thing: loading, "there is no …", or an error with Try again. */
export function LoadState(props: {
  what: string;
  id: number;
  notFound: boolean;
  error: string | null;
  listHref: string;
  listLabel: string;
  onRetry(): void;
}) {
  if (props.notFound) {
    return (
      <div className="empty" role="alert">
        There is no {props.what} #{props.id}. <a href={props.listHref}>{props.listLabel}</a>.
      </div>
    );
  }
  if (props.error) {
    return (
      <div className="banner banner-error" role="alert">
        Could not load {props.what} #{props.id}: {props.error}{' '}
        <button type="button" className="link" onClick={props.onRetry}>
          Try again
        </button>
      </div>
    );
  }
  return <p className="muted">Loading {props.what}…</p>;
}
