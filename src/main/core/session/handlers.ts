/**
 * session.*: signing in and out, and changing one's own password. Hashing a password takes about a second of CPU, so it runs
 * in `prepare`, off the event loop and outside the write transaction; `run` only writes.
 */
import { AppError, conflict, invalid } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { HandlerMap } from '../api/registry';
import { getStaff, passwordOf, setPasswordHash, signInCandidate } from '../staff/store';

const wrong = () => new AppError('unauthorized', 'the email or password is wrong', 'password');

export const sessionHandlers: HandlerMap = {
  'session.get': (_input, ctx) => ({
    required: ctx.sessions.required(),
    staff: ctx.staffId === null ? null : getStaff(ctx, ctx.staffId),
    role: ctx.role,
    actor: ctx.role === null ? null : ctx.actor,
    channels: ctx.channels(),
  }),

  'session.signIn': {
    async prepare(input, ctx) {
      const locked = ctx.sessions.lockedUntil(input.email, ctx.from.address);
      if (locked !== null) {
        throw new AppError(
          'unauthorized',
          `too many wrong passwords for ${input.email} or from this address: try again after ${new Date(locked).toLocaleTimeString('en-GB')}`,
          'password',
        );
      }
      const row = signInCandidate(ctx.db, input.email);
      // A hash is computed even without a row, so a wrong email takes as long as a wrong password.
      const ok = await ctx.sessions.verify(input.password, row?.passwordHash ?? null);
      if (!row || !ok) {
        ctx.sessions.failed(input.email, ctx.from.address);
        // Outside the sign-in's transaction (there is none yet), so the refusal is kept.
        ctx.audit('session.signInFailed', 'staff', row?.id ?? null, { email: input.email });
        throw wrong();
      }
      return { id: row.id, hash: row.passwordHash };
    },
    run(input, ctx, checked: { id: number; hash: string }) {
      // The password checked is still the one stored, for a user still active.
      const now = getStaff(ctx, checked.id);
      if (!now.active || passwordOf(ctx.db, checked.id) !== checked.hash) throw wrong();
      const s = ctx.sessions.open(checked.id, input.email, ctx.from);
      ctx.audit('session.signIn', 'staff', checked.id, { email: input.email });
      ctx.emit({ topic: 'office' });
      return { token: s.token, staff: now, expiresAt: iso(s.expiresAt) };
    },
  },

  'session.signOut': (_input, ctx) => {
    if (ctx.session) ctx.sessions.close(ctx.session);
    ctx.emit({ topic: 'office' });
    return { signedOut: ctx.session !== null };
  },

  'session.changePassword': {
    async prepare(input, ctx) {
      if (ctx.staffId === null)
        throw conflict('sign in to change your own password (an admin sets anyone’s in Settings → Staff)', 'current');
      const stored = passwordOf(ctx.db, ctx.staffId);
      if (!(await ctx.sessions.verify(input.current, stored))) throw invalid('current', 'is not your current password');
      return { stored, next: await ctx.sessions.hash(input.next) };
    },
    run(_input, ctx, p: { stored: string | null; next: string }) {
      const id = ctx.staffId!;
      if (passwordOf(ctx.db, id) !== p.stored)
        throw conflict('your password was changed meanwhile: sign in again', 'current');
      setPasswordHash(ctx.db, id, p.next);
      ctx.sessions.closeAllOf(id, ctx.session ?? undefined);
      ctx.audit('session.changePassword', 'staff', id);
      return getStaff(ctx, id);
    },
  },
};
