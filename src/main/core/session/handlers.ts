/**
 * session.* (sign-in) and staff.setPassword. Hashing a password takes about a second of CPU, so it runs
 * in `prepare`, off the event loop and outside the write transaction; `run` only writes.
 */
import { AppError, conflict, invalid } from '../../../shared/result';
import { iso } from '../clock/clock';
import type { Ctx, HandlerMap } from '../api/registry';
import { getStaff } from '../clients/handlers';
import { checkSignInRules } from '../staff/password-rules';

const wrong = () => new AppError('unauthorized', 'the email or password is wrong', 'password');

const passwordOf = (ctx: Ctx, id: number) =>
  (ctx.db.$client.prepare('SELECT password_hash FROM staff_users WHERE id = ?').get(id) as { password_hash: string | null } | undefined)?.password_hash ?? null;

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
      const locked = ctx.sessions.lockedUntil(input.email);
      if (locked !== null) {
        throw new AppError('unauthorized', `too many wrong passwords for ${input.email}: try again after ${new Date(locked).toLocaleTimeString('en-GB')}`, 'password');
      }
      const row = ctx.db.$client
        .prepare('SELECT id, password_hash FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL AND lower(email) = lower(?)')
        .get(input.email) as { id: number; password_hash: string } | undefined;
      // A hash is computed even without a row, so a wrong email takes as long as a wrong password.
      const ok = await ctx.sessions.verify(input.password, row?.password_hash ?? null);
      if (!row || !ok) {
        ctx.sessions.failed(input.email);
        throw wrong();
      }
      return { id: row.id, hash: row.password_hash };
    },
    run(input, ctx, checked: { id: number; hash: string }) {
      // The password checked is still the one stored, for a user still active.
      const now = getStaff(ctx, checked.id);
      if (!now.active || passwordOf(ctx, checked.id) !== checked.hash) throw wrong();
      const s = ctx.sessions.open(checked.id, input.email);
      ctx.audit('session.signIn', 'staff', checked.id, { email: input.email });
      return { token: s.token, staff: now, expiresAt: iso(s.expiresAt) };
    },
  },

  'session.signOut': (_input, ctx) => {
    if (ctx.session) ctx.sessions.close(ctx.session);
    return { signedOut: ctx.session !== null };
  },

  'session.changePassword': {
    async prepare(input, ctx) {
      if (ctx.staffId === null) throw conflict('sign in to change your own password (an admin sets anyone’s in Settings → Staff)', 'current');
      const stored = passwordOf(ctx, ctx.staffId);
      if (!(await ctx.sessions.verify(input.current, stored))) throw invalid('current', 'is not your current password');
      return { stored, next: await ctx.sessions.hash(input.next) };
    },
    run(_input, ctx, p: { stored: string | null; next: string }) {
      const id = ctx.staffId!;
      if (passwordOf(ctx, id) !== p.stored) throw conflict('your password was changed meanwhile: sign in again', 'current');
      ctx.db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(p.next, id);
      ctx.sessions.closeAllOf(id, ctx.session ?? undefined);
      ctx.audit('session.changePassword', 'staff', id);
      return getStaff(ctx, id);
    },
  },

  'staff.setPassword': {
    prepare: (input, ctx) => (input.password === null ? Promise.resolve(null) : ctx.sessions.hash(input.password)),
    run(input, ctx, hash: string | null) {
      getStaff(ctx, input.id);
      ctx.db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(hash, input.id);
      checkSignInRules(ctx.db.$client, 'id');
      // Whoever knew the old password is out; an admin setting their own keeps this session.
      ctx.sessions.closeAllOf(input.id, ctx.staffId === input.id ? (ctx.session ?? undefined) : undefined);
      ctx.audit('staff.setPassword', 'staff', input.id, { signsIn: hash !== null });
      ctx.emit({ topic: 'staff' });
      return getStaff(ctx, input.id);
    },
  },
};
