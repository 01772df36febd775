/**
 * office.*: how this ledger is shared with the office network, the signed-in desks, signing one out, and
 * (where the host can) turning sharing on and off.
 */
import { AppError, conflict, invalid } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Ctx, HandlerMap } from '../api/registry';
import { actorOf } from '../session/sessions';
import { adminSignsIn, staffNames } from '../staff/store';

/** Why the ledger cannot be shared yet, or null. */
export const shareBlocked = (ctx: Pick<Ctx, 'db'>): string | null =>
  adminSignsIn(ctx.db)
    ? null
    : 'an admin needs a password first (Settings → Staff): sign-in is mandatory for desks on the network';

export const officeHandlers: HandlerMap = {
  'office.get': (_input, ctx) => ctx.office.status(shareBlocked(ctx)),

  'office.desks': (_input, ctx) => {
    const rows = ctx.sessions.list();
    const names = staffNames(
      ctx.db,
      rows.map((r) => r.staffId),
    );
    const mine = ctx.session ? ctx.sessions.rowOf(ctx.session)?.id : undefined;
    return {
      desks: rows.flatMap((r) => {
        const s = names.get(r.staffId);
        if (!s) return [];
        return [
          {
            id: r.id,
            staffId: r.staffId,
            staff: actorOf(s),
            desk: r.desk,
            address: r.address,
            signedInAt: iso(r.createdAt),
            lastSeenAt: iso(r.lastSeen),
            current: r.id === mine,
          },
        ];
      }),
    };
  },

  'office.signOutDesk': (input, ctx) => {
    const row = ctx.sessions.list().find((r) => r.id === input.id);
    if (!row) throw new AppError('not_found', 'that desk is not signed in (any more)', 'id');
    ctx.sessions.closeById(input.id);
    ctx.audit('office.signOutDesk', 'staff', row.staffId, { desk: row.desk, address: row.address });
    ctx.emit({ topic: 'office' });
    return { signedOut: true };
  },

  'office.share': {
    async prepare(input, ctx) {
      const control = ctx.office.shareControl;
      if (!control)
        throw invalid(
          'on',
          'this host cannot turn sharing on or off: start the headless host with --office (or without it) instead',
        );
      const blocked = shareBlocked(ctx);
      if (input.on && blocked) throw conflict(`the ledger cannot be shared yet: ${blocked}`, 'on');
      if (input.on !== ctx.office.sharing) await control(input.on);
      return null;
    },
    run(input, ctx) {
      ctx.audit('office.share', 'office', null, { on: input.on });
      ctx.emit({ topic: 'office' });
      return ctx.office.status(shareBlocked(ctx));
    },
  },
};
