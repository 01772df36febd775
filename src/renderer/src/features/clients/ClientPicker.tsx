/**
 * A client chosen by typing the start of its name or reference (clients.list { search }): an ARIA
 * combobox with a list of suggestions, arrows to move, Enter to choose, Esc to close. Emptying the input
 * clears the choice.
 */
import { useEffect, useRef, useState } from 'react';
import type { Client } from '../../../../shared/contracts';
import { put, useChannel } from '../../data/useChannel';
import { useClientSearch } from './search';
import type { FieldControlProps } from '../../ui/Field';
import './ClientPicker.css';

const WAIT_MS = 200;
const SHOWN = 8;

const labelOf = (c: Pick<Client, 'name' | 'externalRef'>) => `${c.name} (${c.externalRef})`;

/** "Blue Fox Ltd (C-100)" for a client id (a linked view names only the id), as the data layer has the client. */
export function useClientLabel(id: number | undefined): string | null {
  const read = useChannel('clients.get', id === undefined ? null : { id }, { clientId: id, fresh: Infinity });
  if (id === undefined) return null;
  return read.data ? labelOf(read.data) : read.error ? `Client #${id}` : null;
}

export function ClientPicker(
  props: FieldControlProps & {
    value: number | undefined;
    onChange(id: number | undefined): void;
    placeholder?: string;
  },
) {
  const { value, onChange, placeholder, ...control } = props;
  const known = useClientLabel(value);
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);
  // Suggestions for what is typed (not for the chosen client's label the input shows), once typing pauses.
  const { clients: options, searching } = useClientSearch(typed.current ? text : '', { waitMs: WAIT_MS, shown: SHOWN });
  const listId = `${control.id}-list`;
  const chosenLabel = value === undefined ? '' : (known ?? `Client #${value}`);

  // The input shows the chosen client unless the user is typing.
  useEffect(() => {
    if (!typed.current) setText(chosenLabel);
  }, [chosenLabel]);

  // New suggestions: the first is the active one.
  useEffect(() => setActive(options.length ? 0 : -1), [options]);

  function choose(c: Client) {
    typed.current = false;
    // Named at once wherever the choice shows.
    put('clients.get', { id: c.id }, c);
    setText(labelOf(c));
    setOpen(false);
    onChange(c.id);
  }

  function clear() {
    typed.current = false;
    setText('');
    setOpen(false);
    if (value !== undefined) onChange(undefined);
  }

  const showList = open && typed.current && text.trim() !== '';

  return (
    <div className="picker">
      <input
        {...control}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={
          showList && active >= 0 && options[active] ? `${listId}-${options[active].id}` : undefined
        }
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder ?? 'Name or reference starts with…'}
        value={text}
        onChange={(e) => {
          typed.current = true;
          setText(e.target.value);
          setOpen(true);
          if (e.target.value.trim() === '' && value !== undefined) onChange(undefined);
        }}
        onFocus={(e) => e.target.select()}
        onBlur={() => {
          setOpen(false);
          // Left half typed: show the chosen client again, or nothing.
          if (typed.current) {
            typed.current = false;
            setText(chosenLabel);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && options.length) {
            e.preventDefault();
            setOpen(true);
            setActive((a) => (a + 1) % options.length);
          } else if (e.key === 'ArrowUp' && options.length) {
            e.preventDefault();
            setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
          } else if (e.key === 'Enter' && showList && options[active]) {
            e.preventDefault();
            choose(options[active]);
          } else if (e.key === 'Escape' && showList) {
            e.preventDefault();
            e.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {value !== undefined ? (
        <button
          type="button"
          className="icon-button picker-clear"
          aria-label="Any client"
          title="Any client"
          onClick={clear}
        >
          ×
        </button>
      ) : null}
      <ul id={listId} role="listbox" className="picker-list" hidden={!showList} aria-label="Clients">
        {showList && options.length === 0 ? (
          <li className="picker-none muted">
            {searching ? 'Searching…' : `No client name or reference starts with “${text.trim()}”.`}
          </li>
        ) : null}
        {showList
          ? options.map((c, i) => (
              <li
                key={c.id}
                id={`${listId}-${c.id}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'picker-option active' : 'picker-option'}
                data-testid="client-option"
                // mousedown, not click: the input keeps its focus until the choice is made.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(c);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className="truncate">{c.name}</span>
                <span className="muted mono small">{c.externalRef}</span>
              </li>
            ))
          : null}
      </ul>
    </div>
  );
}
