/** staff.*: the reseller staff who sign in, their roles (and, in session/, their passwords). */
import type { HandlerMap } from '../api/registry';
import { changes } from '../audit/changes';
import { getReseller } from '../resellers/store';
import { checkSignInRules } from './password-rules';
import { assertStaffEmailFree, getStaff, setPasswordHash, STAFF_COLUMNS, toStaff, type StaffRow } from './store';

export const staffHandlers: HandlerMap = {
  'staff.list': (input, ctx) => {
    const rows =
      input.resellerId == null
        ? ctx.db.$client.prepare(`SELECT ${STAFF_COLUMNS} FROM staff_users ORDER BY name COLLATE NOCASE, id`).all()
        : ctx.db.$client
            .prepare(`SELECT ${STAFF_COLUMNS} FROM staff_users WHERE reseller_id = ? ORDER BY name COLLATE NOCASE, id`)
            .all(input.resellerId);
    return (rows as StaffRow[]).map(toStaff);
  },

  'staff.create': (input, ctx) => {
    getReseller(ctx, input.resellerId, 'resellerId');
    assertStaffEmailFree(ctx, input.resellerId, input.email);
    const info = ctx.db.$client
      .prepare('INSERT INTO staff_users (reseller_id, name, email, role, active, created_at) VALUES (?, ?, ?, ?, 1, ?)')
      .run(input.resellerId, input.name, input.email, input.role, ctx.clock.now());
    const id = Number(info.lastInsertRowid);
    ctx.audit('staff.create', 'staff', id, { name: input.name, email: input.email, role: input.role });
    ctx.emit({ topic: 'staff' });
    return getStaff(ctx, id);
  },

  'staff.update': (input, ctx) => {
    const before = getStaff(ctx, input.id);
    const next = {
      name: input.name ?? before.name,
      email: input.email ?? before.email,
      role: input.role ?? before.role,
      active: input.active ?? before.active,
    };
    if (input.email) assertStaffEmailFree(ctx, before.resellerId, input.email, input.id);
    ctx.db.$client
      .prepare('UPDATE staff_users SET name = ?, email = ?, role = ?, active = ? WHERE id = ?')
      .run(next.name, next.email, next.role, next.active ? 1 : 0, input.id);
    checkSignInRules(ctx.db.$client, input.active === false ? 'active' : input.role ? 'role' : 'email');
    ctx.audit('staff.update', 'staff', input.id, changes(before, next));
    ctx.emit({ topic: 'staff' });
    return getStaff(ctx, input.id);
  },

  // Hashing takes about a second of CPU: it runs in `prepare`, off the write transaction.
  'staff.setPassword': {
    prepare: (input, ctx) => (input.password === null ? Promise.resolve(null) : ctx.sessions.hash(input.password)),
    run(input, ctx, hash: string | null) {
      getStaff(ctx, input.id);
      setPasswordHash(ctx.db, input.id, hash);
      checkSignInRules(ctx.db.$client, 'id');
      // Whoever knew the old password is out; an admin setting their own keeps this session.
      ctx.sessions.closeAllOf(input.id, ctx.staffId === input.id ? (ctx.session ?? undefined) : undefined);
      ctx.audit('staff.setPassword', 'staff', input.id, { signsIn: hash !== null });
      ctx.emit({ topic: 'staff' });
      return getStaff(ctx, input.id);
    },
  },
};
