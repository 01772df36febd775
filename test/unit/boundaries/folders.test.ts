/**
 * Where things live (issue 16), checked on every file, as environments.test.ts checks environments:
 * - a channel prefix = a contract file of that name = a core folder of that name, whose handlers.ts
 *   handles every channel of the prefix and nothing else does;
 * - no handler file is imported as a library: only the composition root (core/index.ts) imports them;
 * - no import circle among the core's files (type imports count: they are what a reader follows);
 * - each table is written only by the folder that owns it, and read (FROM, JOIN) only through it, but for
 *   a short list of reads that say why not;
 * - every package a file imports is one its environment may use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Contract } from '../../../src/shared/contract';
import { channelNames } from '../../../src/shared/contracts';
import { CODE_FILE, filesUnder, importsOf } from '../../support/source-files';

const root = path.resolve(__dirname, '../../..');
const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');

const files = [
  ...filesUnder(path.join(root, 'src'), CODE_FILE),
  ...filesUnder(path.join(root, 'bench'), CODE_FILE),
  ...filesUnder(path.join(root, 'scripts'), CODE_FILE),
].map((abs) => ({
  abs,
  rel: rel(abs),
  text: fs.readFileSync(abs, 'utf8'),
}));
const core = files.filter((f) => f.rel.startsWith('src/main/core/'));

/** The file a relative specifier names, or null (a package). */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')])
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return null;
}

const prefixOf = (channel: string) => channel.split('.')[0];

describe('channel prefix = contract file = core folder = handler file', () => {
  const contractDir = path.join(root, 'src/shared/contracts');
  const shared = new Set(['common', 'entities', 'index']);
  const contractFiles = fs
    .readdirSync(contractDir)
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((f) => !shared.has(f));

  it('each contract file declares only channels of its own prefix, and each prefix has one', async () => {
    const seen = new Map<string, string>();
    const wrong: string[] = [];
    for (const name of contractFiles) {
      const mod = (await import(path.join(contractDir, `${name}.ts`))) as Record<string, unknown>;
      const declared = Object.values(mod).filter(
        (v): v is Contract => typeof v === 'object' && v !== null && 'input' in v && 'name' in v,
      );
      for (const c of declared) {
        if (prefixOf(c.name) !== name) wrong.push(`${c.name} is declared in contracts/${name}.ts`);
        seen.set(c.name, name);
      }
    }
    expect(wrong).toEqual([]);
    expect([...seen.keys()].sort()).toEqual([...channelNames].sort());
  });

  /** Every channel name used as a handler key (`'x.y': …`, `map['x.y'] = …`) in the core, by file. */
  const handled = new Map<string, string[]>();
  for (const f of core) {
    const sf = ts.createSourceFile(f.rel, f.text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      const key =
        (ts.isPropertyAssignment(n) || ts.isMethodDeclaration(n)) && ts.isStringLiteral(n.name)
          ? n.name.text
          : ts.isElementAccessExpression(n) &&
              ts.isStringLiteral(n.argumentExpression) &&
              ts.isBinaryExpression(n.parent) &&
              n.parent.left === n
            ? n.argumentExpression.text
            : null;
      if (key && channelNames.includes(key)) handled.set(key, [...(handled.get(key) ?? []), f.rel]);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  it('each channel is handled in src/main/core/<prefix>/handlers.ts, and only there', () => {
    const wrong: string[] = [];
    for (const name of channelNames) {
      const where = handled.get(name) ?? [];
      const home = `src/main/core/${prefixOf(name)}/handlers.ts`;
      if (where.length !== 1 || where[0] !== home)
        wrong.push(`${name}: handled in ${where.join(', ') || 'no file'}, belongs in ${home}`);
    }
    expect(wrong).toEqual([]);
  });

  it('each contract file has its core folder', () => {
    const missing = contractFiles.filter((p) => !fs.existsSync(path.join(root, 'src/main/core', p, 'handlers.ts')));
    expect(missing).toEqual([]);
  });

  it('no handler file is imported as a library: only the composition root imports them', () => {
    const offenders = files.flatMap((f) =>
      importsOf(f.text)
        .map((i) => resolve(f.abs, i.spec))
        .filter((t): t is string => t !== null && /\/core\/[^/]+\/handlers\.ts$/.test(t))
        .filter(() => f.rel !== 'src/main/core/index.ts')
        .map((t) => `${f.rel} imports ${rel(t)}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('import circles', () => {
  /** Strongly connected groups of more than one file (Tarjan). */
  function circles(graph: Map<string, string[]>): string[][] {
    let index = 0;
    const stack: string[] = [];
    const on = new Set<string>();
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const out: string[][] = [];
    const connect = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) {
          connect(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          group.push(w);
        } while (w !== v);
        if (group.length > 1) out.push(group.sort());
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) connect(v);
    return out;
  }

  it('the core has none, type imports included', () => {
    const graph = new Map(
      core.map((f) => [
        f.rel,
        importsOf(f.text).flatMap((i) => (resolve(f.abs, i.spec) ? [rel(resolve(f.abs, i.spec)!)] : [])),
      ]),
    );
    expect(circles(graph)).toEqual([]);
  });

  it('the checker finds a circle', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(circles(g)).toEqual([['a', 'b', 'c']]);
  });
});

describe('each table is written by its owner only', () => {
  /** The folder of src/main/core/ that owns each table: the only one whose code inserts, updates or deletes its rows. */
  const OWNER: Record<string, string> = {
    audit_log: 'audit',
    balances: 'ledger',
    ledger_entries: 'ledger',
    daily_totals: 'ledger',
    series_hours: 'ledger',
    series_state: 'ledger',
    usage_days: 'ledger',
    holds: 'holds',
    clients: 'clients',
    client_counts: 'clients', // kept by triggers on clients
    resellers: 'resellers',
    staff_users: 'staff',
    staff_sessions: 'session',
    low_balance_profiles: 'profiles',
    profile_rules: 'profiles',
    profile_staff: 'profiles',
    rule_states: 'profiles',
    client_thresholds: 'thresholds',
    scheduler_state: 'scheduler',
    jobs: 'scheduler',
    notifications: 'notifications',
    settings: 'settings',
    stripe_customers: 'methods',
    payment_methods: 'methods',
    recharge_settings: 'recharge',
    charge_attempts: 'charges',
    charge_tries: 'charges',
  };
  const schema = fs.readFileSync(path.join(root, 'src/main/core/db/schema.ts'), 'utf8');
  const tables = [...schema.matchAll(/sqliteTable\(\s*'([a-z_]+)'/g)].map((m) => m[1]);
  const WRITE = /\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+([a-z_]+)\b/g;

  it('every table of the schema has an owner', () => {
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((t) => !OWNER[t])).toEqual([]);
  });

  it('no folder writes another folder’s table (the demo seeder alone fills an empty ledger in bulk)', () => {
    const offenders = core
      .filter((f) => !f.rel.startsWith('src/main/core/demo/') && f.rel !== 'src/main/core/db/schema.ts')
      .flatMap((f) => {
        const folder = f.rel.split('/')[3];
        return [...f.text.matchAll(WRITE)]
          .filter((m) => OWNER[m[1]] && OWNER[m[1]] !== folder)
          .map((m) => `${f.rel} writes ${m[1]} (owned by ${OWNER[m[1]]}/)`);
      });
    expect(offenders).toEqual([]);
  });

  /**
   * Reads: a file names only its own folder's tables after FROM or JOIN, and reads another folder's through
   * that folder's module (clients/store.ts, charges/store.ts, the Ledger …). One exception by rule: a JOIN
   * in a statement whose main table (the FROM before it) is the folder's own — a read of a client with its
   * balance and reseller lives in clients/, of a log row with its client's name in notifications/. A
   * subquery's FROM is a read like any other.
   */
  const READ = /\b(FROM|JOIN)\s+([a-z_]+)\b/g;
  /** Reads left where they are, by file and table, each with why (the demo seeder and schema.ts are not checked at all). */
  const READ_ALLOWED: Record<string, Record<string, string>> = {
    // Cross-cutting aggregates: the tiles count over every owner's table in one request, and the export
    // streams the notification log and audit log with their clients' names, a million rows, in a worker.
    'src/main/core/dashboard/handlers.ts': {
      notifications: 'tile count',
      rule_states: 'tile count',
      balances: 'tile count',
    },
    'src/main/core/dashboard/daily.ts': { daily_totals: "the chart's 30 days, read by day and currency" },
    'src/main/core/exports/csv-rows.ts': { notifications: 'export', clients: 'export' },
    'src/main/core/exports/exporter.ts': { notifications: 'export', clients: 'export', audit_log: 'export' },
    'src/main/core/exports/parallel.ts': { notifications: 'export: the worker splits the log by (decided_at, id)' },
    // Hot paths: statements prepared once in the engine's and the scheduler's own objects, read per post or
    // per sweep slice as .raw() tuples; a call through another module per row would cost the sweep.
    'src/main/core/profiles/engine.ts': { clients: 'hot path', balances: 'hot path', client_thresholds: 'hot path' },
    'src/main/core/scheduler/scheduler.ts': {
      clients: 'sweep: the id range and count',
      rule_states: 'sweep: due checks',
    },
    'src/main/core/ledger/forecast.ts': {
      clients: 'hourly refresh: the id range and a client’s creation with its days',
    },
    'src/main/core/ledger/import.ts': {
      resellers: 'import: the reseller, once',
      clients: 'import: clients by reference in index order, one statement for the file',
    },
    // One statement that would become two: a column of the owner's row computed from another table.
    'src/main/core/clients/store.ts': {
      rule_states: 'below a rule: EXISTS over the client’s rule state ids, in the list query',
    },
    'src/main/core/clients/handlers.ts': {
      rule_states: "the dashboard tiles' filters, as subqueries of the list",
      balances: "the dashboard tiles' filters",
    },
    'src/main/core/resellers/store.ts': { clients: 'the reseller’s client count, a subquery of its row' },
    'src/main/core/profiles/handlers.ts': { clients: 'the profile’s client counts, subqueries of its row' },
    'src/main/core/thresholds/view.ts': {
      // Left for now: it reads the client with its balance and the profile in force (the profiles engine's
      // PROFILE_IN_FORCE) in one statement; as a clients/store read it would need that SQL from profiles/.
      clients: 'one client with its balance and the profile in force, in one statement',
      balances: 'the same statement as clients',
    },
    'src/main/core/methods/cooldown.ts': {
      settings: 'a subquery of the chargeable test: when the Stripe key last changed',
    },
  };
  /** Another folder's tables a file reads, not counting JOINs of a statement whose main table is the folder's. */
  function foreignReads(rel: string, text: string): string[] {
    const folder = rel.split('/')[3];
    const out = new Set<string>();
    let main: string | null = null;
    for (const m of text.matchAll(READ)) {
      if (m[1] === 'FROM') main = m[2];
      const owner = OWNER[m[2]];
      if (!owner || owner === folder) continue;
      if (m[1] === 'JOIN' && main !== null && OWNER[main] === folder) continue;
      out.add(m[2]);
    }
    return [...out];
  }

  it('no folder reads another folder’s table but through it (the allow-list says why where it does)', () => {
    const offenders = core
      .filter((f) => !f.rel.startsWith('src/main/core/demo/') && f.rel !== 'src/main/core/db/schema.ts')
      .flatMap((f) =>
        foreignReads(f.rel, f.text)
          .filter((t) => !READ_ALLOWED[f.rel]?.[t])
          .map((t) => `${f.rel} reads ${t} (owned by ${OWNER[t]}/)`),
      );
    expect(offenders).toEqual([]);
  });

  it('the read allow-list names only reads that are still there', () => {
    const stale = Object.entries(READ_ALLOWED).flatMap(([rel, tables]) => {
      const f = core.find((x) => x.rel === rel);
      const reads = f ? foreignReads(rel, f.text) : [];
      return Object.keys(tables)
        .filter((t) => !reads.includes(t))
        .map((t) => `${rel} ${t}`);
    });
    expect(stale).toEqual([]);
  });

  it('the read checker finds a read, and lets a JOIN from the folder’s own table pass', () => {
    expect(foreignReads('src/main/core/methods/x.ts', 'SELECT id FROM clients WHERE id = ?')).toEqual(['clients']);
    expect(
      foreignReads('src/main/core/clients/x.ts', 'SELECT c.id FROM clients c JOIN balances b ON b.client_id = c.id'),
    ).toEqual([]);
    expect(foreignReads('src/main/core/clients/x.ts', 'SELECT (SELECT 1 FROM rule_states) FROM clients c')).toEqual([
      'rule_states',
    ]);
  });
});

describe('every package is one its environment may use', () => {
  const node = new Set(builtinModules.flatMap((m) => [m, `node:${m}`, m.split('/')[0]]));
  const page = ['react', 'react-dom', 'zustand', 'uplot', '@tanstack/react-virtual', 'zod'];
  const coreDeps = ['better-sqlite3', 'drizzle-orm', 'stripe', 'nodemailer', 'zod', 'selfsigned'];
  /** Where a file runs, and the packages it may import there (Node builtins: only where Node runs). */
  const ENV: { test: (rel: string) => boolean; env: string; packages: string[]; node: boolean }[] = [
    { test: (r) => r.startsWith('src/shared/'), env: 'shared (the core and the page)', packages: ['zod'], node: false },
    { test: (r) => r.startsWith('src/renderer/'), env: 'the page', packages: page, node: false },
    { test: (r) => r.startsWith('src/preload/'), env: 'the preload', packages: ['electron'], node: false },
    {
      test: (r) => r === 'src/main/index.ts' || r.startsWith('src/main/shell/'),
      env: 'the Electron shell',
      packages: ['electron', ...coreDeps],
      node: true,
    },
    {
      // The office listener makes its own certificate on first start (host/office.ts).
      test: (r) => r.startsWith('src/main/host/'),
      env: 'the host (plain Node)',
      packages: [...coreDeps, 'selfsigned'],
      node: true,
    },
    {
      // src/main/core/ and src/main/desk/ (a client desk's connection to the office server).
      test: (r) => r.startsWith('src/main/'),
      env: 'the core and the host (plain Node)',
      packages: coreDeps,
      node: true,
    },
  ];
  const packageOf = (spec: string) =>
    spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  const declared = (() => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    return {
      runtime: new Set(Object.keys(pkg.dependencies)),
      all: new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]),
    };
  })();

  it('each import under src/ is classified for where the file runs', () => {
    const offenders: string[] = [];
    for (const f of files.filter((x) => x.rel.startsWith('src/'))) {
      const env = ENV.find((e) => e.test(f.rel))!;
      for (const { spec } of importsOf(f.text)) {
        if (spec.startsWith('.')) continue;
        if (node.has(spec) || node.has(spec.split('/')[0])) {
          if (!env.node) offenders.push(`${f.rel} imports the Node builtin ${spec}, but runs in ${env.env}`);
        } else if (!env.packages.includes(packageOf(spec)))
          offenders.push(`${f.rel} imports ${spec}, which ${env.env} may not use`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('what the main process loads at run time is a dependency, not only a devDependency', () => {
    // electron-vite leaves the main process's packages in node_modules; the installer keeps dependencies only.
    const runtime = [...new Set(ENV.slice(3).flatMap((e) => e.packages))].filter((p) => p !== 'electron');
    expect(runtime.filter((p) => !declared.runtime.has(p))).toEqual([]);
    expect([...new Set(ENV.flatMap((e) => e.packages))].filter((p) => !declared.all.has(p))).toEqual([]);
  });

  it('the checker refuses stripe or nodemailer in the page', () => {
    const pageEnv = ENV.find((e) => e.test('src/renderer/src/App.tsx'))!;
    expect(pageEnv.packages.includes(packageOf('stripe'))).toBe(false);
    expect(pageEnv.packages.includes(packageOf('nodemailer'))).toBe(false);
    expect(
      importsOf(`import Stripe from 'stripe';\nimport type { X } from "./x";\nconst m = await import('nodemailer');`),
    ).toEqual([
      { spec: 'stripe', typeOnly: false },
      { spec: './x', typeOnly: true },
      { spec: 'nodemailer', typeOnly: false },
    ]);
  });
});
