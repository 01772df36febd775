/**
 * Stripe's form encoding, as its servers read it: `application/x-www-form-urlencoded` bodies (and query
 * strings for GET/DELETE) whose keys use brackets for structure: `metadata[k]=v` is a hash,
 * `payment_method_types[]=card` and `expand[0]=data.customer` are arrays (stripe-node sends the indexed
 * form), `invoice_settings[default_payment_method]=pm_...` nests. Values stay strings: the resource code
 * coerces them (integers, booleans) and answers Stripe's own errors when they do not parse.
 */

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Top-level keys whose hashes are never turned into arrays (metadata keys may be digits). */
const HASH_ONLY = new Set(['metadata']);

/** Splits `a[b][0][]` into ['a', 'b', '0', '']; a key without brackets is one segment. */
function segments(key: string): string[] | null {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const out = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length > 0) {
    const m = /^\[([^\]]*)\]/.exec(rest);
    if (!m) return null;
    out.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return out[0] === '' ? null : out;
}

/** Parses a form body or a query string (without the `?`). Malformed keys are kept verbatim. */
export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const segs = segments(rawKey) ?? [rawKey];
    let node: FormObject = root;
    for (let i = 0; i < segs.length; i++) {
      // `a[]=x` appends: the next index of this level.
      const seg = segs[i] === '' ? String(Object.keys(node).length) : segs[i];
      if (i === segs.length - 1) {
        node[seg] = value;
      } else {
        const next = node[seg];
        if (next === undefined || typeof next === 'string' || Array.isArray(next)) node[seg] = {};
        node = node[seg] as FormObject;
      }
    }
  }
  return arrayify(root, 0, '') as FormObject;
}

/** Hashes whose keys are exactly 0..n-1 become arrays (outside metadata). */
function arrayify(v: FormValue, depth: number, topKey: string): FormValue {
  if (typeof v === 'string' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  const out: FormObject = {};
  for (const k of keys) out[k] = arrayify(v[k], depth + 1, depth === 0 ? k : topKey);
  if (depth === 0 || (depth === 1 && HASH_ONLY.has(topKey))) return out;
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d*)$/.test(k))) {
    const idx = keys.map(Number).sort((a, b) => a - b);
    if (idx.every((n, i) => n === i)) return idx.map((n) => out[String(n)]);
  }
  return out;
}

/** A canonical string of parsed parameters (sorted keys) for comparing idempotent requests. */
export function fingerprint(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(fingerprint).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${fingerprint(o[k])}`)
    .join(',')}}`;
}
