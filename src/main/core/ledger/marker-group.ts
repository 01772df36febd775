/**
 * One slice of events on a client's balance chart (ledger.series): first and last time, how many, their
 * amount, the lowest id and its words. The owners of the events' tables read them in this shape
 * (charges/store.ts the failed attempts, notifications/query.ts the notifications); markers.ts draws them.
 */
export interface MarkerGroup {
  t0: number;
  t1: number;
  n: number;
  amount: number | null;
  id: number;
  text: string | null;
}

/** A client, a range [from, to] and its slices of `mw` ms from `origin`, as BigInt: better-sqlite3 binds a number
 * as REAL, and (t - origin) / mw would not round down to a slice. */
export interface MarkerSlices {
  client: number;
  from: bigint;
  to: bigint;
  origin: bigint;
  mw: bigint;
}
