import { describe, expect, it } from 'vitest';
import { testCore, withClient } from '../support/core';

describe('smoke', () => {
  it('creates a client and posts usage', async () => {
    const core = testCore();
    const { client } = await withClient(core);
    const r = await core.ok('ledger.post', { clientId: client.id, kind: 'usage', amount: -1250, description: 'calls' });
    expect(r.balance.balance).toBe(-1250);
    const csv = 'client_ref,time,amount,external_id,description\nC-100,2026-11-01T10:00:00Z,1.25,u1,call\nC-999,2026-11-01,1,u2,x\n';
    const p = await core.ok('ledger.import.preview', { resellerId: client.resellerId, csv });
    expect(p.valid).toBe(1);
    expect(p.errors[0]).toMatchObject({ line: 3, field: 'client_ref' });
    const c = await core.ok('ledger.import.commit', { resellerId: client.resellerId, csv });
    expect(c.imported).toBe(1);
    const again = await core.ok('ledger.import.commit', { resellerId: client.resellerId, csv });
    expect(again).toMatchObject({ imported: 0, duplicates: 1 });
    const series = await core.ok('ledger.series', { clientId: client.id });
    expect(series.points.length).toBeGreaterThan(0);
    core.close();
  });
});
