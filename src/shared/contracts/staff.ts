/** Staff users: the reseller staff who sign in, their roles and passwords. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { email, id, password, requiredText, staffRole } from './common';
import { staffUser } from './entities';

export const staffList = defineContract({
  name: 'staff.list',
  staleOn: ['staff', 'resellers'],
  summary: "A reseller's staff users (all resellers' when no resellerId), ordered by name.",
  input: z.strictObject({ resellerId: id.optional() }).default({}),
  output: z.array(staffUser),
});

export const staffCreate = defineContract({
  name: 'staff.create',
  summary: 'Adds a staff user (name, email unique per reseller, role).',
  mutates: true,
  input: z.strictObject({
    resellerId: id,
    name: requiredText(120, 'a name'),
    email,
    role: staffRole.default('operator'),
  }),
  output: staffUser,
});

export const staffUpdate = defineContract({
  name: 'staff.update',
  summary: "Changes a staff user's name, email, role or whether the user is active.",
  mutates: true,
  input: z.strictObject({
    id,
    name: requiredText(120, 'a name').optional(),
    email: email.optional(),
    role: staffRole.optional(),
    active: z.boolean({ error: 'must be true or false' }).optional(),
  }),
  output: staffUser,
});

export const staffSetPassword = defineContract({
  name: 'staff.setPassword',
  summary:
    "Sets a staff user's password (scrypt-hashed; never stored, logged or audited as text), or removes it (null) so the user cannot sign in; ends the user's sessions. Once any active user has a password, windows and the host must sign in. The first password must be an active admin's, and an admin must always be able to sign in.",
  mutates: true,
  input: z.strictObject({ id, password: password.nullable() }),
  output: staffUser,
});
