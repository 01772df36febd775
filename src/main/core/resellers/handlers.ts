/** resellers.*: the businesses that resell prepaid services and own clients. */
import type { HandlerMap } from '../api/registry';
import { invalid } from '../../../shared/result';
import { changes } from '../audit/changes';
import { getReseller, RESELLER_SQL, toReseller, type ResellerRow } from './store';

export const resellerHandlers: HandlerMap = {
  'resellers.list': (_input, ctx) =>
    (ctx.db.$client.prepare(`${RESELLER_SQL} ORDER BY r.name COLLATE NOCASE, r.id`).all() as ResellerRow[]).map(
      toReseller,
    ),

  'resellers.create': (input, ctx) => {
    if (input.parentId != null) getReseller(ctx, input.parentId, 'parentId');
    const info = ctx.db.$client
      .prepare('INSERT INTO resellers (name, email, parent_id, created_at) VALUES (?, ?, ?, ?)')
      .run(input.name, input.email ?? null, input.parentId ?? null, ctx.clock.now());
    const id = Number(info.lastInsertRowid);
    ctx.audit('reseller.create', 'reseller', id, { name: input.name, parentId: input.parentId ?? null });
    ctx.emit({ topic: 'resellers' });
    return getReseller(ctx, id);
  },

  'resellers.update': (input, ctx) => {
    const before = getReseller(ctx, input.id);
    if (input.parentId != null) {
      getReseller(ctx, input.parentId, 'parentId');
      // Walk up from the new parent: meeting this reseller means the change would make a loop.
      for (let p: number | null = input.parentId; p != null;) {
        if (p === input.id) throw invalid('parentId', 'parentId would make the reseller its own ancestor');
        p = ctx.db.$client
          .prepare('SELECT parent_id FROM resellers WHERE id = ?')
          .pluck()
          .get(p) as ResellerRow['parentId'];
      }
    }
    const next = {
      name: input.name ?? before.name,
      email: input.email === undefined ? before.email : input.email,
      parentId: input.parentId === undefined ? before.parentId : input.parentId,
    };
    ctx.db.$client
      .prepare('UPDATE resellers SET name = ?, email = ?, parent_id = ? WHERE id = ?')
      .run(next.name, next.email, next.parentId, input.id);
    ctx.audit('reseller.update', 'reseller', input.id, changes(before, next));
    ctx.emit({ topic: 'resellers' });
    return getReseller(ctx, input.id);
  },
};
