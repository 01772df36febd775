/**
 * A rule's extra email addresses: typed one a line or separated by commas, sent as a list. The core
 * checks each address and names the bad one by its place in the list, which the form turns back into
 * the address itself.
 */
import { Field } from '../../ui/Field';
import './ProfileEmails.css';

/** "a@x.com, b@y.com\nc@z.com" → ["a@x.com", "b@y.com", "c@z.com"]; blanks and spaces dropped. */
export function splitEmails(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** A list as the textarea shows it: one address a line. */
export function joinEmails(emails: readonly string[]): string {
  return emails.join('\n');
}

export function ProfileEmails(props: {
  name: string;
  value: string;
  error?: string;
  onChange(text: string): void;
  label?: string;
}) {
  const count = splitEmails(props.value).length;
  return (
    <Field
      label={props.label ?? 'Extra emails'}
      name={props.name}
      error={props.error}
      className="profile-emails"
      hint={
        count
          ? `${count} ${count === 1 ? 'address' : 'addresses'}. One a line, or separated by commas.`
          : 'One a line, or separated by commas (at most 20).'
      }
    >
      {(p) => (
        <textarea
          {...p}
          rows={3}
          spellCheck={false}
          autoComplete="off"
          placeholder="billing@example.com"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
