/**
 * A client chosen by typing the start of its name or reference (clients.list { search }): an ARIA
 * combobox with a list of suggestions, arrows to move, Enter to choose, Esc to close. Emptying the input
 * clears the choice.
 */
import { useEffect, useRef, useState } from 'react';
import type { Client } from '../../../shared/contracts';
import { api } from '../api/client';
import type { FieldControlProps } from './Field';

const WAIT_MS = 200;
const SHOWN = 8;

const labelOf = (c: Pick<Client, 'name' | 'externalRef'>) => `${c.name} (${c.externalRef})`;

/** Labels of the clients seen here, so a choice is named at once wherever it shows. */
const labels = new Map<number, string>();

/** "Blue Fox Ltd (C-100)" for a client id, read once per id (a linked view names only the id). */
export function useClientLabel(id: number | undefined): string | null {
  const [, setRead] = useState(0);
  const cached = id === undefined ? undefined : labels.get(id);
  useEffect(() => {
    if (id === undefined || labels.has(id)) return;
    let live = true;
    api()
      .call('clients.get', { id })
      .then(
        (c) => labels.set(id, labelOf(c)),
        () => labels.set(id, `Client #${id}`),
      )
      .finally(() => live && setRead((n) => n + 1));
    return () => {
      live = false;
    };
  }, [id]);
  return cached ?? null;
}

export function ClientPicker(props: FieldControlProps & { value: number | undefined; onChange(id: number | undefined): void; placeholder?: string }) {
  const { value, onChange, placeholder, ...control } = props;
  const known = useClientLabel(value);
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Client[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searching, setSearching] = useState(false);
  const typed = useRef(false);
  const listId = `${control.id}-list`;
  const chosenLabel = value === undefined ? '' : (known ?? `Client #${value}`);

  // The input shows the chosen client unless the user is typing.
  useEffect(() => {
    if (!typed.current) setText(chosenLabel);
  }, [chosenLabel]);

  // Suggestions for what is typed, once typing pauses.
  useEffect(() => {
    if (!typed.current) return;
    const search = text.trim();
    if (!search) {
      setOptions([]);
      return;
    }
    let live = true;
    setSearching(true);
    const t = setTimeout(() => {
      api()
        .call('clients.list', { search, limit: SHOWN })
        .then(
          (page) => {
            if (!live) return;
            setOptions(page.items);
            setActive(page.items.length ? 0 : -1);
            setSearching(false);
          },
          () => {
            if (!live) return;
            setOptions([]);
            setSearching(false);
          },
        );
    }, WAIT_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);

  function choose(c: Client) {
    typed.current = false;
    labels.set(c.id, labelOf(c));
    setText(labelOf(c));
    setOpen(false);
    setOptions([]);
    onChange(c.id);
  }

  function clear() {
    typed.current = false;
    setText('');
    setOptions([]);
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
        aria-activedescendant={showList && active >= 0 && options[active] ? `${listId}-${options[active].id}` : undefined}
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
        <button type="button" className="icon-button picker-clear" aria-label="Any client" title="Any client" onClick={clear}>
          ×
        </button>
      ) : null}
      <ul id={listId} role="listbox" className="picker-list" hidden={!showList} aria-label="Clients">
        {showList && options.length === 0 ? <li className="picker-none muted">{searching ? 'Searching…' : `No client name or reference starts with “${text.trim()}”.`}</li> : null}
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
