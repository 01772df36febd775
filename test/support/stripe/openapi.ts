/**
 * Checks traffic against Stripe's published OpenAPI description (../shared/stripe/, version 2023-08-16),
 * with no dependency: a small walker for the subset of JSON Schema the description uses ($ref, anyOf,
 * nullable, enum, type, properties, required, additionalProperties, items, maxLength, pattern).
 *
 * - Responses (`validateResponse`): every body must match the operation's 200 schema, or the `error`
 *   schema for any other status. Objects are closed: a property the description lacks is an error unless
 *   allowlisted (`extraFields`, by schema name: 'payment_intent.some_new_field'), so the test server
 *   cannot drift into shapes Stripe does not have.
 * - Requests (`checkRequest`): the method and path must be an operation of the description, every
 *   top-level parameter declared there (or in the allowlist of newer parameters), required ones present,
 *   and form values must fit their schemas (integers, booleans, enums, nested hashes without unknown keys).
 *
 * Usable from any test that drives app code against the test server: validate `server.requests`.
 */
import fs from 'node:fs';
import type { FormObject, FormValue } from './form';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Schema = Record<string, any>;
export interface OpenApiSpec {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export function loadSpec(file: string): OpenApiSpec {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiSpec;
}

export interface ValidatorOptions {
  /** Response properties the description lacks but that are expected, by schema: { payment_intent: ['x'] }. */
  extraFields?: Record<string, readonly string[]>;
  /** Request parameters added after the description, by operation ('POST /v1/payment_intents'). */
  newerParams?: Record<string, readonly string[]>;
}

interface OperationMatch {
  /** 'POST /v1/payment_intents/{intent}' */
  key: string;
  template: string;
  op: any;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export class SpecValidator {
  private readonly templates: Array<{ template: string; re: RegExp; params: number }>;

  constructor(
    readonly spec: OpenApiSpec,
    private readonly opts: ValidatorOptions = {},
  ) {
    this.templates = Object.keys(spec.paths)
      .map((template) => ({
        template,
        re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (/v1/payment_intents/search before /{intent}).
      .sort((a, b) => a.params - b.params);
  }

  schema(name: string): Schema {
    const s = this.spec.components.schemas[name];
    if (!s) throw new Error(`no schema ${name}`);
    return s;
  }

  private resolve(ref: string): { name: string; schema: Schema } {
    const name = ref.replace('#/components/schemas/', '');
    return { name, schema: this.schema(name) };
  }

  operation(method: string, path: string): OperationMatch | null {
    for (const t of this.templates) {
      if (!t.re.test(path)) continue;
      const op = this.spec.paths[t.template][method.toLowerCase()];
      if (op) return { key: `${method.toUpperCase()} ${t.template}`, template: t.template, op };
    }
    return null;
  }

  // ---- values against response schemas ----------------------------------------------------------

  /** Errors of `value` against `schema` (empty when it matches). `name` is the schema's name, for allowlists. */
  validate(schema: Schema, value: unknown, at = '$', name = '(inline)'): string[] {
    const errors: string[] = [];
    this.walk(schema, value, at, name, errors);
    return errors;
  }

  validateNamed(name: string, value: unknown, at = '$'): string[] {
    return this.validate(this.schema(name), value, at, name);
  }

  private walk(schema: Schema, value: unknown, at: string, name: string, errors: string[]): void {
    if (schema.$ref) {
      const r = this.resolve(schema.$ref);
      return this.walk(r.schema, value, at, r.name, errors);
    }
    if (value === undefined) {
      errors.push(`${at}: missing`);
      return;
    }
    if (value === null) {
      if (!schema.nullable) errors.push(`${at}: null where ${name} is not nullable`);
      return;
    }
    if (schema.anyOf) {
      let best: string[] | null = null;
      for (const branch of schema.anyOf as Schema[]) {
        const e: string[] = [];
        this.walk(branch, value, at, name, e);
        if (e.length === 0) return;
        if (!best || e.length < best.length) best = e;
      }
      errors.push(`${at}: matches no anyOf branch; closest: ${best!.slice(0, 3).join('; ')}`);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) {
      errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
      return;
    }
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'string':
        if (typeof value !== 'string') errors.push(`${at}: expected string, got ${kind(value)}`);
        else {
          if (schema.maxLength !== undefined && value.length > schema.maxLength)
            errors.push(`${at}: longer than ${schema.maxLength}`);
          if (schema.pattern && !new RegExp(schema.pattern).test(value))
            errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
        }
        return;
      case 'integer':
        if (!Number.isInteger(value)) errors.push(`${at}: expected integer, got ${JSON.stringify(value)}`);
        return;
      case 'number':
        if (typeof value !== 'number') errors.push(`${at}: expected number, got ${kind(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') errors.push(`${at}: expected boolean, got ${kind(value)}`);
        return;
      case 'array':
        if (!Array.isArray(value)) errors.push(`${at}: expected array, got ${kind(value)}`);
        else if (schema.items) value.forEach((item, i) => this.walk(schema.items, item, `${at}[${i}]`, name, errors));
        return;
      case 'object': {
        if (!isPlainObject(value)) {
          errors.push(`${at}: expected object, got ${kind(value)}`);
          return;
        }
        const props: Record<string, Schema> = schema.properties ?? {};
        for (const req of (schema.required ?? []) as string[]) {
          if (!(req in value)) errors.push(`${at}.${req}: required by ${name} but missing`);
        }
        const extra = this.opts.extraFields?.[name] ?? [];
        for (const [k, v] of Object.entries(value)) {
          if (props[k]) this.walk(props[k], v, `${at}.${k}`, props[k].$ref ? name : `${name}.${k}`, errors);
          else if (isPlainObject(schema.additionalProperties))
            this.walk(schema.additionalProperties, v, `${at}.${k}`, `${name}.*`, errors);
          else if (schema.additionalProperties === true || !schema.properties)
            continue; // a free-form hash
          else if (!extra.includes(k)) errors.push(`${at}.${k}: not a property of ${name}`);
        }
        return;
      }
      default:
        return; // no type: anything goes
    }
  }

  /** A response of `method path` with `status`: the 200 schema, or the error schema otherwise. */
  validateResponse(method: string, path: string, status: number, body: unknown): string[] {
    const m = this.operation(method, path);
    const where = `${method} ${path} (${status})`;
    if (!m)
      return status >= 400
        ? this.validateNamed('error', body, where)
        : [`${where}: not an operation of the description`];
    const response = status >= 200 && status < 300 ? m.op.responses?.[String(status)] : m.op.responses?.default;
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) return [`${where}: the description has no schema for this response`];
    return this.validate(schema, body, where);
  }

  // ---- requests -----------------------------------------------------------------------------------

  /** Declared parameters of an operation: name → schema, and which are required. */
  declaredParams(m: OperationMatch): { params: Record<string, Schema>; required: string[] } {
    if (m.key.startsWith('POST ')) {
      const schema = m.op.requestBody?.content?.['application/x-www-form-urlencoded']?.schema ?? {};
      return { params: schema.properties ?? {}, required: schema.required ?? [] };
    }
    const params: Record<string, Schema> = {};
    const required: string[] = [];
    for (const p of (m.op.parameters ?? []) as any[]) {
      if (p.in !== 'query') continue;
      params[p.name] = p.schema ?? {};
      if (p.required) required.push(p.name);
    }
    return { params, required };
  }

  /** Problems with one request (empty when it is an operation with declared, well-formed parameters). */
  checkRequest(method: string, path: string, params: FormObject): string[] {
    const m = this.operation(method, path);
    const where = `${method} ${path}`;
    if (!m) return [`${where}: not an operation of the description`];
    const { params: declared, required } = this.declaredParams(m);
    const newer = this.opts.newerParams?.[m.key] ?? [];
    const errors: string[] = [];
    for (const r of required) if (params[r] === undefined) errors.push(`${where}: required parameter ${r} missing`);
    for (const [k, v] of Object.entries(params)) {
      if (declared[k]) this.walkForm(declared[k], v, `${where} ${k}`, errors);
      else if (!newer.includes(k)) errors.push(`${where}: parameter ${k} is not declared for ${m.key}`);
    }
    return errors;
  }

  /** Form values are strings: integers, booleans and numbers must parse; hashes must not have unknown keys. */
  private walkForm(schema: Schema, value: FormValue, at: string, errors: string[]): void {
    if (schema.$ref) return this.walkForm(this.resolve(schema.$ref).schema, value, at, errors);
    if (schema.anyOf) {
      let best: string[] | null = null;
      for (const branch of schema.anyOf as Schema[]) {
        const e: string[] = [];
        this.walkForm(branch, value, at, e);
        if (e.length === 0) return;
        if (!best || e.length < best.length) best = e;
      }
      errors.push(`${at}: matches no anyOf branch; closest: ${best!.slice(0, 3).join('; ')}`);
      return;
    }
    if (value === '' && schema.nullable) return;
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    if (typeof value === 'string') {
      if (schema.enum && !schema.enum.map(String).includes(value))
        errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
      else if (type === 'integer' && !/^-?\d+$/.test(value))
        errors.push(`${at}: ${JSON.stringify(value)} is not an integer`);
      else if (type === 'number' && !/^-?\d+(\.\d+)?$/.test(value))
        errors.push(`${at}: ${JSON.stringify(value)} is not a number`);
      else if (type === 'boolean' && value !== 'true' && value !== 'false')
        errors.push(`${at}: ${JSON.stringify(value)} is not a boolean`);
      else if (type === 'object' || type === 'array') errors.push(`${at}: a string where ${type} is expected`);
      else if (type === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength)
        errors.push(`${at}: longer than ${schema.maxLength}`);
      return;
    }
    if (Array.isArray(value)) {
      if (type !== 'array') errors.push(`${at}: an array where ${type ?? 'a value'} is expected`);
      else value.forEach((x, i) => this.walkForm(schema.items ?? {}, x, `${at}[${i}]`, errors));
      return;
    }
    if (type !== 'object') {
      errors.push(`${at}: a hash where ${type ?? 'a value'} is expected`);
      return;
    }
    const props: Record<string, Schema> = schema.properties ?? {};
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) this.walkForm(props[k], v, `${at}[${k}]`, errors);
      else if (isPlainObject(schema.additionalProperties))
        this.walkForm(schema.additionalProperties, v, `${at}[${k}]`, errors);
      else if (schema.properties && schema.additionalProperties !== true)
        errors.push(`${at}[${k}]: not a declared key`);
    }
  }
}
