import type { z } from 'zod';

/**
 * One contract per channel: its `domain.verb` name, the zod schema of its input and of its output.
 * Handlers, the renderer's client, the preload allowlist and docs/api.md all derive from these.
 */
export interface Contract<N extends string = string, I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: N;
  summary: string;
  input: I;
  output: O;
  /** True when the channel changes stored data: it runs in one write transaction and is audited. */
  mutates: boolean;
  /** True when the channel starts scheduler work that writes in transactions of its own (a sweep). */
  work: boolean;
}

export function defineContract<N extends string, I extends z.ZodType, O extends z.ZodType>(c: {
  name: N;
  summary: string;
  input: I;
  output: O;
  mutates?: boolean;
  work?: boolean;
}): Contract<N, I, O> {
  if (!/^[a-z]+(\.[a-z][a-zA-Z]*)+$/.test(c.name)) throw new Error(`contract name "${c.name}" is not domain.verb`);
  return { ...c, mutates: c.mutates ?? false, work: c.work ?? false };
}

export type InputOf<C> = C extends Contract<string, infer I, z.ZodType> ? z.input<I> : never;
export type ParsedInputOf<C> = C extends Contract<string, infer I, z.ZodType> ? z.output<I> : never;
export type OutputOf<C> = C extends Contract<string, z.ZodType, infer O> ? z.output<O> : never;
