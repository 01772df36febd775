/** Resellers: the businesses that resell prepaid services and own clients. */
import { z } from 'zod';
import { defineContract } from '../contract';
import { email, empty, id, requiredText } from './common';
import { reseller } from './entities';

export const resellersList = defineContract({
  name: 'resellers.list',
  staleOn: ['resellers'],
  summary: 'Every reseller with its parent and how many clients it has, ordered by name.',
  input: empty,
  output: z.array(reseller),
});

export const resellersCreate = defineContract({
  name: 'resellers.create',
  summary: 'Adds a reseller, optionally under a parent reseller.',
  mutates: true,
  input: z.strictObject({
    name: requiredText(120, 'a name'),
    email: email.nullable().optional(),
    parentId: id.nullable().optional(),
  }),
  output: reseller,
});

export const resellersUpdate = defineContract({
  name: 'resellers.update',
  summary: 'Changes a reseller; a parent may not be the reseller itself or one of its own sub-resellers.',
  mutates: true,
  input: z.strictObject({
    id,
    name: requiredText(120, 'a name').optional(),
    email: email.nullable().optional(),
    parentId: id.nullable().optional(),
  }),
  output: reseller,
});
