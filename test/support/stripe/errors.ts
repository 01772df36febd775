/**
 * Stripe's error objects (https://docs.stripe.com/api/errors): `{ error: { type, code, decline_code,
 * message, param, doc_url, payment_intent, payment_method, ... } }` with the HTTP status that goes with
 * them: 400 invalid_request_error / idempotency_error, 401 for keys, 402 card_error, 404 resource_missing
 * when the id is in the URL (400 when it is a parameter), 500 api_error.
 */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  decline_code?: string;
  doc_url?: string;
  message?: string;
  param?: string;
  charge?: string;
  payment_intent?: Record<string, unknown>;
  payment_method?: Record<string, unknown>;
  payment_method_type?: string;
  setup_intent?: Record<string, unknown>;
  request_log_url?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
  ) {
    super(error.message ?? error.type);
  }
}

export const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

/** A 400 invalid_request_error, with a code (and its doc_url) when Stripe gives one. */
export function invalid(message: string, opts: { param?: string; code?: string; status?: number } = {}): ApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error' };
  if (opts.code) {
    body.code = opts.code;
    body.doc_url = docUrl(opts.code);
  }
  body.message = message;
  if (opts.param) body.param = opts.param;
  return new ApiError(opts.status ?? 400, body);
}

/** "No such customer: 'cus_x'": 404 when the id is in the path, 400 when it came as a parameter. */
export function noSuch(what: string, id: string, param: string, inPath: boolean): ApiError {
  return invalid(`No such ${what}: '${id}'`, { param, code: 'resource_missing', status: inPath ? 404 : 400 });
}

export const missingParam = (param: string) =>
  invalid(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
