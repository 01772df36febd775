/** Signing in: who is at the desk, and what they may do. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { email, empty, password, staffRole } from './common';
import { staffUser } from './entities';

export const sessionGet = defineContract({
  name: 'session.get',
  staleOn: ['staff'],
  summary:
    'Whether sign-in is on (an active staff user has a password), and who this caller is: the signed-in staff user and role, or, before sign-in is on, the desk as an admin.',
  signedOut: true,
  input: empty,
  output: z.object({
    required: z.boolean(),
    staff: staffUser.nullable(),
    role: staffRole.nullable(),
    actor: z.string().nullable(),
    /** The channels this caller may use now, so screens hide what the core would refuse. */
    channels: z.array(z.string()),
  }),
});

export const sessionSignIn = defineContract({
  name: 'session.signIn',
  summary:
    'Signs a staff user in with email and password; answers a session token to send with every call (IPC argument, or the x-balance-desk-session header). Five wrong passwords lock the email for 5 minutes. Sessions end after 12 hours without a call, at sign-out, or when the host restarts. Audited.',
  mutates: true,
  role: 'viewer',
  signedOut: true,
  input: z.strictObject({
    email,
    password: z.string({ error: 'must be text' }).min(1, 'is required').max(200, 'must be at most 200 characters'),
  }),
  output: z.object({ token: z.string(), staff: staffUser, expiresAt: z.string() }),
});

export const sessionSignOut = defineContract({
  name: 'session.signOut',
  summary: "Ends this caller's session.",
  signedOut: true,
  input: empty,
  output: z.object({ signedOut: z.boolean() }),
});

export const sessionChangePassword = defineContract({
  name: 'session.changePassword',
  summary: "Changes the signed-in staff user's own password, given the current one; their other sessions end.",
  mutates: true,
  role: 'viewer',
  input: z.strictObject({
    current: z.string({ error: 'must be text' }).min(1, 'is required').max(200, 'must be at most 200 characters'),
    next: password,
  }),
  output: staffUser,
});
