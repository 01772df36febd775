/**
 * docs/api.md, written from the contracts: every channel with its input and output in a compact
 * TypeScript-like notation. `npm run docs:api` writes the file; a test fails when it is out of step.
 */
import { z } from 'zod';
import type { Contract } from '../../../shared/contract';
import { CHANGE_TOPICS, contracts, testClockChannels } from '../../../shared/contracts';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  minLength?: number;
  additionalProperties?: Schema | boolean;
};

function describe(s: Schema, indent: string): string {
  if (s.anyOf || s.oneOf) {
    const parts = (s.anyOf ?? s.oneOf)!.map((x) => describe(x, indent));
    return [...new Set(parts)].join(' | ');
  }
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const type = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (type === 'object') {
    if (!s.properties || Object.keys(s.properties).length === 0) {
      return s.additionalProperties && typeof s.additionalProperties === 'object'
        ? `{ [key: string]: ${describe(s.additionalProperties, indent)} }`
        : '{}';
    }
    const inner = indent + '  ';
    const lines = Object.entries(s.properties).map(([k, v]) => {
      const opt = s.required?.includes(k) ? '' : '?';
      const def = v.default !== undefined ? ` = ${JSON.stringify(v.default)}` : '';
      return `${inner}${k}${opt}: ${describe(v, inner)}${def}`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  if (type === 'array') return `${describe(s.items ?? {}, indent)}[]`.replace(/^(.* \| .*)\[\]$/, '($1)[]');
  const notes: string[] = [];
  if (s.format) notes.push(s.format);
  if (s.exclusiveMinimum !== undefined) notes.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined && s.minimum > -Number.MAX_SAFE_INTEGER) notes.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) notes.push(`<= ${s.maximum}`);
  if (s.minLength) notes.push(`length >= ${s.minLength}`);
  if (s.maxLength !== undefined) notes.push(`length <= ${s.maxLength}`);
  const base = type === 'integer' ? 'integer' : (type ?? 'unknown');
  return notes.length ? `${base} (${notes.join(', ')})` : base;
}

function schemaText(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  return describe(json, '');
}

function section(c: Contract): string {
  const flags = testClockChannels.includes(c.name)
    ? ['only in a host started with `--test-clock`']
    : [
        c.mutates
          ? 'changes data (one transaction, audited)'
          : c.work
            ? 'starts scheduler work (its own transactions, not audited)'
            : 'read-only',
      ];
  flags.push(
    c.signedOut
      ? 'open before sign-in'
      : `role: ${c.role}${c.role === 'viewer' ? ' (any signed-in staff)' : c.role === 'operator' ? ' or admin' : ''}`,
  );
  return [
    `### \`${c.name}\``,
    '',
    c.summary,
    '',
    `_${flags.join('; ')}_`,
    '',
    'Input:',
    '```ts',
    schemaText(c.input, 'input'),
    '```',
    'Output (`value` of the envelope):',
    '```ts',
    schemaText(c.output, 'output'),
    '```',
    '',
  ].join('\n');
}

export function renderApiDocs(): string {
  const domains = new Map<string, Contract[]>();
  for (const c of contracts) {
    const d = c.name.split('.')[0];
    domains.set(d, [...(domains.get(d) ?? []), c]);
  }
  const head = [
    '# Balance Desk API',
    '',
    '<!-- Written by `npm run docs:api` from src/shared/contracts. Do not edit by hand: a test compares. -->',
    '',
    'Every channel below is served the same way by the desktop app (IPC) and by the headless host',
    '(`npm run serve`) over HTTP on 127.0.0.1:',
    '',
    '```',
    'POST {url}/rpc/<channel>',
    'Authorization: Bearer <token>          (url and token are in DATA_DIR/host.json)',
    'x-balance-desk-session: <session>      (once sign-in is on: the token session.signIn answers)',
    'Content-Type: application/json',
    '',
    '{ ...input }',
    '```',
    '',
    'The answer is always the envelope `{ "ok": true, "value": ... }` or',
    '`{ "ok": false, "error": { "kind", "message", "field"? } }`, with HTTP status 200 for ok and',
    '400 validation, 401 unauthorized (no or wrong token, not signed in, session ended), 403 forbidden (foreign',
    "Origin or Host, or a channel above the caller's role), 404 not_found (unknown channel or",
    'record), 409 conflict, 413 body too large, 415 not JSON, 500 internal, 502 unavailable (Stripe or another',
    'service outside Balance Desk failed; the message says what happened). `field` names the input field at fault,',
    "as a dotted path (`rows.3.amount`). Money is always an integer in the currency's minor unit (cents; POINTS have",
    'none). Times are ISO 8601 strings in UTC.',
    '',
    '`GET {url}/events?token=<token>` is a server-sent event stream: one `change` event per committed change,',
    `with data \`{ "topic", "clientIds"?: number[] }\`; the topics: ${CHANGE_TOPICS.join(', ')}.`,
    '',
    '## Channels',
    '',
    ...[...domains.entries()].map(
      ([d, cs]) => `- **${d}**: ${cs.map((c) => `[\`${c.name}\`](#${c.name.replace(/\./g, '')})`).join(', ')}`,
    ),
    '',
  ];
  const body = [...domains.entries()].map(([d, cs]) => [`## ${d}`, '', ...cs.map(section)].join('\n'));
  return (
    [...head, ...body]
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
