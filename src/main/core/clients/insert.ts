/**
 * The one way a client row comes into being: the row with its lower-cased search keys (name_key,
 * ref_key, which clients.list searches and sorts through) and its zero balance row. Used by
 * clients.create, the demo ledger and the benchmark, so the keys can never be derived two ways.
 */
import type Database from 'better-sqlite3';
import { balanceRowInserter } from '../ledger/post';

export interface NewClient {
  resellerId: number;
  externalRef: string;
  name: string;
  billingEmail: string;
  currency: string;
  status: 'active' | 'suspended' | 'closed';
}

/** Prepares the statements once; the returned function inserts one client and returns its id. */
export function clientInserter(sqlite: Database.Database): (c: NewClient, createdAt: number) => number {
  const client = sqlite.prepare(
    `INSERT INTO clients (reseller_id, external_ref, ref_key, name, name_key, billing_email, currency, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const balance = balanceRowInserter(sqlite);
  return (c, createdAt) => {
    const id = Number(
      client.run(
        c.resellerId,
        c.externalRef,
        c.externalRef.toLowerCase(),
        c.name,
        c.name.toLowerCase(),
        c.billingEmail,
        c.currency,
        c.status,
        createdAt,
      ).lastInsertRowid,
    );
    balance.run(id, createdAt);
    return id;
  };
}
