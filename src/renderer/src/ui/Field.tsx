/** A labelled input with its own error line under it, tied together for screen readers. */
import { useId, type KeyboardEvent, type ReactNode } from 'react';
import { useSession } from '../stores/session';
import './Field.css';

export interface FieldControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

export function Field(props: {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.error ? errorId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': !!props.error, 'aria-describedby': describedBy })}
      {props.hint ? (
        <div className="field-hint" id={hintId} data-testid={`hint-${props.name}`}>
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div className="field-error" id={errorId} role="alert" data-testid={`error-${props.name}`}>
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

/** A message for the whole form (a conflict, an unreachable host), above its buttons. */
/** What a form's last save did, announced to screen readers; nothing when there is no message. */
export function FormDone({ message, testId }: { message?: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <span className="form-done" role="status" data-testid={testId}>
      {message}
    </span>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {message}
    </div>
  );
}

/**
 * Why a form shows its values but no Save: who may change them, and who is signed in ("An admin changes …;
 * you are signed in as a viewer."). The form's fields sit in a <ReadOnlyFields> beside it.
 */
export function RoleNote({ by, does }: { by: 'operator' | 'admin'; does: string }) {
  const role = useSession((s) => s.role);
  return (
    <p className="muted role-note" data-testid="role-note">
      {by === 'operator' ? 'An operator or an admin' : 'An admin'} {does}; you are signed in as{' '}
      {role === 'operator' ? 'an operator' : 'a viewer'}.
    </p>
  );
}

/** A form's fields, disabled as one (a disabled <fieldset>) for a role that may not save them. */
export function ReadOnlyFields({
  readOnly,
  className,
  children,
}: {
  readOnly: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <fieldset
      className={`plain-fieldset${className ? ` ${className}` : ''}`}
      disabled={readOnly}
      data-readonly={readOnly || undefined}
    >
      {children}
    </fieldset>
  );
}

/** A form's keydown handler: Ctrl+Enter (Cmd+Enter on a Mac) saves from any field. */
export function onCtrlEnter(save: () => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  };
}
