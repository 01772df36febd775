/**
 * The command palette: Ctrl+K (⌘K on a Mac) anywhere opens a dialog with one search box that jumps to a
 * section ("Go to Charges") or to a client found by the start of its name or reference (clients.list
 * search), or, typed ("export", "audit"), opens the Export dialog of the notification log or the audit log.
 * An ARIA combobox driving a listbox: ↑/↓ move, Enter opens, Esc closes; focus stays in the box.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import { SECTIONS } from '../../../../shared/sections';
import { useClientSearch } from '../clients/search';
import { navigate, type Query, type Route } from '../../stores/route';
import { Dialog } from '../../ui/Dialog';
import './CommandPalette.css';

const WAIT_MS = 150;
const GROUP_ID = { Clients: 'gc', 'Go to': 'gs', Actions: 'ga' } as const;
const CLIENTS_SHOWN = 8;

interface Item {
  key: string;
  group: 'Go to' | 'Clients' | 'Actions';
  label: string;
  detail?: string;
  route: Route;
  query?: Query;
}

/** What the palette can do besides going somewhere, found by typing a word of it ("export", "audit"). */
const ACTIONS: readonly Item[] = [
  {
    key: 'a-export-notifications',
    group: 'Actions',
    label: 'Export the notification log…',
    route: { screen: 'notifications' },
    query: { export: '1' },
  },
  {
    key: 'a-export-audit',
    group: 'Actions',
    label: 'Export the audit log…',
    route: { screen: 'audit' },
    query: { export: '1' },
  },
];

/** Is this keydown the palette's shortcut (Ctrl+K, or ⌘K on a Mac)? */
export function isPaletteKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k';
}

const usePalette = create<{ open: boolean }>(() => ({ open: false }));
const setOpen = (open: boolean | ((o: boolean) => boolean)) =>
  usePalette.setState((s) => ({ open: typeof open === 'function' ? open(s.open) : open }));

/** Mounted once in the window: listens for the shortcut and shows the palette. */
export function CommandPalette() {
  const open = usePalette((s) => s.open);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isPaletteKey(e)) return;
      e.preventDefault();
      setOpen((o) => !o);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return open ? <Palette onClose={() => setOpen(false)} /> : null;
}

/** The palette for the mouse, and where its shortcut is learnt: the nav's "Go to…" button. */
export function PaletteButton() {
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  return (
    <button
      type="button"
      className="nav-palette"
      onClick={() => setOpen(true)}
      aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
      data-testid="palette-button"
    >
      <span>Go to…</span>
      <kbd>{mac ? '⌘K' : 'Ctrl K'}</kbd>
    </button>
  );
}

function Palette({ onClose }: { onClose(): void }) {
  const listId = useId();
  const [text, setText] = useState('');
  const { clients, searching } = useClientSearch(text, { waitMs: WAIT_MS, shown: CLIENTS_SHOWN });
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const optionId = (i: number) => `${listId}-o${i}`;
  const query = text.trim();

  // After the dialog opened (showModal focuses its first button, the Close ×): the search box.
  useEffect(() => {
    input.current?.focus();
  }, []);

  const items = useMemo<Item[]>(() => {
    const q = query.toLowerCase();
    const sections: Item[] = SECTIONS.filter(
      (s) => !q || s.label.toLowerCase().includes(q) || s.section.includes(q),
    ).map((s) => ({
      key: `s-${s.section}`,
      group: 'Go to',
      label: `Go to ${s.label}`,
      route: { screen: s.section },
    }));
    const found: Item[] = clients.map((c) => ({
      key: `c-${c.id}`,
      group: 'Clients',
      label: c.name,
      detail: c.externalRef,
      route: { screen: 'client', id: c.id },
    }));
    const actions = q
      ? ACTIONS.filter((a) =>
          a.label
            .toLowerCase()
            .split(/\W+/)
            .some((w) => w.startsWith(q)),
        )
      : [];
    // A name typed is usually a client: clients first once there is something to search.
    return q ? [...found, ...sections, ...actions] : sections;
  }, [clients, query]);

  useEffect(() => {
    setActive(0);
  }, [items]);
  // The active option stays in view as the arrows move through a list longer than the box.
  // (In braces: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup.)
  useEffect(() => {
    document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- optionId only spells an id; the active option is what moves
  }, [active]);

  function choose(item: Item | undefined) {
    if (!item) return;
    onClose();
    navigate(item.route, item.query);
  }

  const groups = (['Clients', 'Go to', 'Actions'] as const).map((g) => ({
    name: g,
    items: items.map((it, i) => ({ it, i })).filter((x) => x.it.group === g),
  }));

  return (
    <Dialog title="Go to a client or a section" onClose={onClose} testId="command-palette">
      <div className="palette">
        <input
          type="text"
          className="palette-input"
          role="combobox"
          aria-label="Client name, reference or section"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items[active] ? optionId(active) : undefined}
          autoComplete="off"
          spellCheck={false}
          ref={input}
          placeholder="Client name or reference, or a section…"
          value={text}
          data-testid="palette-input"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && items.length) {
              e.preventDefault();
              setActive((a) => (a + 1) % items.length);
            } else if (e.key === 'ArrowUp' && items.length) {
              e.preventDefault();
              setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(items[active]);
            }
          }}
        />
        <div id={listId} role="listbox" aria-label="Results" className="palette-list">
          {groups.map((g) =>
            g.items.length ? (
              <div key={g.name} role="group" aria-labelledby={`${listId}-${GROUP_ID[g.name]}`}>
                <div className="palette-group muted small" id={`${listId}-${GROUP_ID[g.name]}`} role="presentation">
                  {g.name}
                </div>
                {g.items.map(({ it, i }) => (
                  <div
                    key={it.key}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === active}
                    className={i === active ? 'palette-option active' : 'palette-option'}
                    data-testid="palette-option"
                    onMouseDown={(e) => {
                      // The box keeps its focus until the choice is made.
                      e.preventDefault();
                      choose(it);
                    }}
                    onMouseEnter={() => setActive(i)}
                  >
                    <span className="truncate">{it.label}</span>
                    {it.detail ? <span className="muted mono small">{it.detail}</span> : null}
                  </div>
                ))}
              </div>
            ) : null,
          )}
        </div>
        <p className="palette-status muted small" role="status" data-testid="palette-status">
          {query && searching
            ? 'Searching clients…'
            : query && clients.length === 0
              ? `No client name or reference starts with “${query}”.`
              : ''}
        </p>
        <p className="palette-keys muted small">
          <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
        </p>
      </div>
    </Dialog>
  );
}
