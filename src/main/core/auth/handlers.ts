/** session.* (sign-in) and staff.setPassword. */
import { AppError, conflict, invalid } from '../../../shared/result';
import { iso } from '../clock';
import type { HandlerMap } from '../api/registry';
import { getStaff } from '../clients/directory';
import { checkSignInRules } from './rules';

const wrong = () => new AppError('unauthorized', 'the email or password is wrong', 'password');

export const sessionHandlers: HandlerMap = {
  'session.get': (_input, ctx) => ({
    required: ctx.sessions.required(),
    staff: ctx.staffId === null ? null : getStaff(ctx, ctx.staffId),
    role: ctx.role,
    actor: ctx.role === null ? null : ctx.actor,
    channels: ctx.channels(),
  }),

  'session.signIn': (input, ctx) => {
    const locked = ctx.sessions.lockedUntil(input.email);
    if (locked !== null) {
      throw new AppError('unauthorized', `too many wrong passwords for ${input.email}: try again after ${new Date(locked).toLocaleTimeString('en-GB')}`, 'password');
    }
    const row = ctx.db.$client
      .prepare('SELECT id, password_hash FROM staff_users WHERE active = 1 AND password_hash IS NOT NULL AND lower(email) = lower(?)')
      .get(input.email) as { id: number; password_hash: string } | undefined;
    // A hash is computed even without a row, so a wrong email takes as long as a wrong password.
    const ok = ctx.sessions.verify(input.password, row?.password_hash ?? null);
    if (!row || !ok) {
      ctx.sessions.failed(input.email);
      throw wrong();
    }
    const s = ctx.sessions.open(row.id, input.email);
    ctx.audit('session.signIn', 'staff', row.id, { email: input.email });
    return { token: s.token, staff: getStaff(ctx, row.id), expiresAt: iso(s.expiresAt) };
  },

  'session.signOut': (_input, ctx) => {
    if (ctx.session) ctx.sessions.close(ctx.session);
    return { signedOut: ctx.session !== null };
  },

  'session.changePassword': (input, ctx) => {
    if (ctx.staffId === null) throw conflict('sign in to change your own password (an admin sets anyone’s in Settings → Staff)', 'current');
    const row = ctx.db.$client.prepare('SELECT password_hash FROM staff_users WHERE id = ?').get(ctx.staffId) as { password_hash: string | null };
    if (!ctx.sessions.verify(input.current, row.password_hash)) throw invalid('current', 'is not your current password');
    ctx.db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(ctx.sessions.hash(input.next), ctx.staffId);
    ctx.sessions.closeAllOf(ctx.staffId, ctx.session ?? undefined);
    ctx.audit('session.changePassword', 'staff', ctx.staffId);
    return getStaff(ctx, ctx.staffId);
  },

  'staff.setPassword': (input, ctx) => {
    getStaff(ctx, input.id);
    ctx.db.$client.prepare('UPDATE staff_users SET password_hash = ? WHERE id = ?').run(input.password === null ? null : ctx.sessions.hash(input.password), input.id);
    checkSignInRules(ctx.db.$client, 'id');
    // Whoever knew the old password is out; an admin setting their own keeps this session.
    ctx.sessions.closeAllOf(input.id, ctx.staffId === input.id ? (ctx.session ?? undefined) : undefined);
    ctx.audit('staff.setPassword', 'staff', input.id, { signsIn: input.password !== null });
    ctx.emit({ topic: 'staff' });
    return getStaff(ctx, input.id);
  },
};
