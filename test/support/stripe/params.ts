/**
 * Which top-level parameters each operation accepts.
 *
 * SPEC_PARAMS are the names Stripe's OpenAPI description (version 2023-08-16, ../shared/stripe/) declares
 * for the operations the test server implements: the server answers `parameter_unknown` (400) for any
 * other, as Stripe does, so a typo in the app fails in tests instead of being ignored. Parameters that are
 * declared but not modelled (shipping, transfer_data, ...) are accepted and ignored.
 *
 * NEWER_PARAMS are parameters Stripe added after 2023-08-16 (the SDK in use targets a newer API version).
 * The server accepts (and ignores) them, and the OpenAPI test treats them as expected rather than as
 * undeclared. Keep this list explicit and short: add a name only when our code sends it on purpose.
 */

const words = (s: string) => (s ? s.split(' ') : []);

export const SPEC_PARAMS: Readonly<Record<string, readonly string[]>> = {
  'GET /v1/customers': words('created email ending_before expand limit starting_after test_clock'),
  'POST /v1/customers': words(
    'address balance cash_balance coupon description email expand invoice_prefix invoice_settings metadata name next_invoice_sequence payment_method phone preferred_locales promotion_code shipping source tax tax_exempt tax_id_data test_clock',
  ),
  'GET /v1/customers/{customer}': words('expand'),
  'POST /v1/customers/{customer}': words(
    'address balance bank_account card cash_balance coupon default_alipay_account default_bank_account default_card default_source description email expand invoice_prefix invoice_settings metadata name next_invoice_sequence phone preferred_locales promotion_code shipping source tax tax_exempt',
  ),
  'DELETE /v1/customers/{customer}': [],
  'GET /v1/customers/{customer}/payment_methods': words('ending_before expand limit starting_after type'),
  'GET /v1/payment_methods': words('customer ending_before expand limit starting_after type'),
  'GET /v1/payment_methods/{payment_method}': words('expand'),
  'POST /v1/payment_methods/{payment_method}': words('billing_details card expand link metadata us_bank_account'),
  'POST /v1/payment_methods/{payment_method}/attach': words('customer expand'),
  'POST /v1/payment_methods/{payment_method}/detach': words('expand'),
  'GET /v1/payment_intents': words('created customer ending_before expand limit starting_after'),
  'POST /v1/payment_intents': words(
    'amount application_fee_amount automatic_payment_methods capture_method confirm confirmation_method currency customer description error_on_requires_action expand mandate mandate_data metadata off_session on_behalf_of payment_method payment_method_data payment_method_options payment_method_types radar_options receipt_email return_url setup_future_usage shipping statement_descriptor statement_descriptor_suffix transfer_data transfer_group use_stripe_sdk',
  ),
  'GET /v1/payment_intents/{intent}': words('client_secret expand'),
  'POST /v1/payment_intents/{intent}': words(
    'amount application_fee_amount capture_method currency customer description expand metadata payment_method payment_method_data payment_method_options payment_method_types receipt_email setup_future_usage shipping statement_descriptor statement_descriptor_suffix transfer_data transfer_group',
  ),
  'POST /v1/payment_intents/{intent}/confirm': words(
    'capture_method client_secret error_on_requires_action expand mandate mandate_data off_session payment_method payment_method_data payment_method_options payment_method_types radar_options receipt_email return_url setup_future_usage shipping use_stripe_sdk',
  ),
  'POST /v1/payment_intents/{intent}/cancel': words('cancellation_reason expand'),
  'GET /v1/checkout/sessions': words(
    'customer customer_details ending_before expand limit payment_intent payment_link starting_after subscription',
  ),
  'POST /v1/checkout/sessions': words(
    'after_expiration allow_promotion_codes automatic_tax billing_address_collection cancel_url client_reference_id consent_collection currency custom_fields custom_text customer customer_creation customer_email customer_update discounts expand expires_at invoice_creation line_items locale metadata mode payment_intent_data payment_method_collection payment_method_options payment_method_types phone_number_collection setup_intent_data shipping_address_collection shipping_options submit_type subscription_data success_url tax_id_collection',
  ),
  'GET /v1/checkout/sessions/{session}': words('expand'),
  'POST /v1/checkout/sessions/{session}/expire': words('expand'),
  'GET /v1/setup_intents/{intent}': words('client_secret expand'),
  'GET /v1/balance': words('expand'),
  'GET /v1/events': words('created delivery_success ending_before expand limit starting_after type types'),
  'GET /v1/events/{id}': words('expand'),
};

/** Parameters Stripe added after 2023-08-16, per operation (see the header). */
export const NEWER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  // stripe-node 23's API version names payment_method_types `allowed_payment_method_types` on requests
  // (the server takes either); payment method configurations and excluded types came after 2023-08-16.
  'POST /v1/payment_intents': [
    'allowed_payment_method_types',
    'payment_method_configuration',
    'excluded_payment_method_types',
  ],
  'POST /v1/payment_intents/{intent}': ['allowed_payment_method_types'],
  'POST /v1/payment_intents/{intent}/confirm': ['allowed_payment_method_types'],
  // 2024: saved payment methods carry allow_redisplay; lists filter on it.
  'GET /v1/customers/{customer}/payment_methods': ['allow_redisplay'],
  'GET /v1/payment_methods': ['allow_redisplay'],
  'POST /v1/payment_methods/{payment_method}': ['allow_redisplay'],
  // 2023-10+: Checkout's embedded mode and the list filters by status / creation time.
  'POST /v1/checkout/sessions': [
    'allowed_payment_method_types',
    'ui_mode',
    'return_url',
    'redirect_on_completion',
    'excluded_payment_method_types',
  ],
  'GET /v1/checkout/sessions': ['status', 'created'],
};

export function acceptedParams(op: string): Set<string> {
  return new Set([...(SPEC_PARAMS[op] ?? []), ...(NEWER_PARAMS[op] ?? [])]);
}
