/**
 * An email as it is (or would be) sent: its headers, and its body as plain text or HTML.
 *
 * The HTML is shown in a sandboxed frame (sandbox="": no script, no forms, its own opaque origin) through
 * srcdoc. Such a frame inherits the app's Content-Security-Policy (style-src 'self'), so the inline styles an
 * email carries cannot apply inside it, and each one would be refused with a console error. They are
 * taken out before showing, as are links' targets (a preview follows no link), and the view says so:
 * the structure, text, tables and images of the message show; its colours and fonts do not.
 */
import { useId, useMemo, useState } from 'react';
import type { RenderedMessage } from '../../../../shared/contracts';
import './MailMessage.css';

type View = 'text' | 'html';

/** One start tag, its quoted attribute values allowed to hold ">". */
const START_TAG = /<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s*\/?>/g;
/** Each attribute in turn, so that "style=" inside another attribute's quoted value is left alone. */
const ATTRIBUTE = /\s+([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;
const STYLE_ELEMENT = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;

/**
 * The markup without inline styles, taken out as text: any HTML parser of this page (DOMParser, a
 * template, a new document) applies the page's CSP to the style attributes it meets and reports each one.
 */
export function withoutInlineStyles(html: string): string {
  return html
    .replace(STYLE_ELEMENT, '')
    .replace(START_TAG, (tag) =>
      tag.replace(ATTRIBUTE, (attr, name: string) => (name.toLowerCase() === 'style' ? '' : attr)),
    );
}

/** The message's HTML without what the CSP would refuse in the frame: inline styles, scripts, remote links. */
export function previewHtml(html: string): string {
  const doc = new DOMParser().parseFromString(withoutInlineStyles(html), 'text/html');
  doc.querySelectorAll('script, style, link, meta[http-equiv], base, iframe, object, embed').forEach((e) => e.remove());
  doc.querySelectorAll('*').forEach((e) => {
    for (const a of [...e.attributes]) {
      if (a.name === 'style' || a.name.startsWith('on')) e.removeAttribute(a.name);
    }
  });
  doc.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    a.removeAttribute('href');
    a.setAttribute('title', href);
  });
  // Images from elsewhere are refused by the CSP as well: keep their words.
  doc.querySelectorAll('img').forEach((img) => {
    const src = img.getAttribute('src') ?? '';
    if (!src.startsWith('data:'))
      img.replaceWith(doc.createTextNode(img.getAttribute('alt') ? `[${img.getAttribute('alt')}]` : '[image]'));
  });
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}

export function MailMessage({ message }: { message: RenderedMessage }) {
  const [view, setView] = useState<View>('text');
  const groupId = useId();
  const html = useMemo(() => (view === 'html' ? previewHtml(message.html) : ''), [view, message.html]);

  return (
    <div className="mail" data-testid="mail-message">
      <dl className="mail-head">
        <div>
          <dt>From</dt>
          <dd data-testid="mail-from">{message.from}</dd>
        </div>
        <div>
          <dt>To</dt>
          <dd data-testid="mail-to">
            {message.to.length ? message.to.join(', ') : <span className="muted">nobody</span>}
          </dd>
        </div>
        {message.replyTo ? (
          <div>
            <dt>Reply-To</dt>
            <dd>{message.replyTo}</dd>
          </div>
        ) : null}
        <div>
          <dt>Subject</dt>
          <dd className="mail-subject" data-testid="mail-subject">
            {message.subject}
          </dd>
        </div>
      </dl>
      <div className="mail-toolbar">
        <fieldset className="segmented mail-views" aria-labelledby={groupId}>
          <legend id={groupId} className="visually-hidden">
            Show the message as
          </legend>
          <label>
            <input
              type="radio"
              name="mail-view"
              value="text"
              checked={view === 'text'}
              onChange={() => setView('text')}
              data-testid="mail-view-text"
            />
            Text
          </label>
          <label>
            <input
              type="radio"
              name="mail-view"
              value="html"
              checked={view === 'html'}
              onChange={() => setView('html')}
              data-testid="mail-view-html"
            />
            HTML
          </label>
        </fieldset>
        {view === 'html' ? (
          <span className="muted small">
            Shown without the email's own colours and fonts (this app's security policy keeps them out), and links are
            not followed.
          </span>
        ) : null}
      </div>
      {view === 'text' ? (
        <pre className="mail-text" data-testid="mail-text" tabIndex={0} aria-label="The message as plain text">
          {message.text}
        </pre>
      ) : (
        <iframe
          className="mail-html"
          sandbox=""
          srcDoc={html}
          title={`The message as HTML: ${message.subject}`}
          data-testid="mail-html"
        />
      )}
    </div>
  );
}
