/**
 * Stripe's test payment methods that the test server knows, and what each does.
 *
 * Cards (https://docs.stripe.com/testing): a token such as `pm_card_visa` is not itself a PaymentMethod you
 * keep: attaching it to a customer (or using it on a PaymentIntent) creates a NEW `pm_...` object with the
 * card's brand, last 4 and expiry. Its behaviour goes with the new object, so a saved
 * `pm_card_chargeDeclinedInsufficientFunds` keeps declining with `insufficient_funds` when charged later.
 *
 * US bank accounts (ACH Direct Debit, https://docs.stripe.com/payments/ach-direct-debit/set-up-payment,
 * "Test account numbers"): the tokens below are Stripe's own. A payment with one goes to `processing`
 * and stays there until the test calls `server.settle(pi)`, which applies the token's documented outcome
 * (success, or a failure with its code), or the outcome the test names.
 */

export type CardOutcome =
  | { kind: 'succeed' }
  | { kind: 'decline'; code: string; decline_code: string; message: string; param?: string }
  | { kind: 'authenticate' };

export interface CardTestMethod {
  type: 'card';
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  outcome: CardOutcome;
  describe: string;
}

export interface BankTestMethod {
  type: 'us_bank_account';
  last4: string;
  /** What `settle()` does without an explicit outcome: succeed, fail with this code, or refuse (stays processing). */
  settles: 'succeeded' | { failed: string } | 'never';
  describe: string;
}

export type TestMethod = CardTestMethod | BankTestMethod;

const card = (brand: string, last4: string, outcome: CardOutcome, describe: string): CardTestMethod => ({
  type: 'card',
  brand,
  last4,
  funding: 'credit',
  outcome,
  describe,
});
const GENERIC: CardOutcome = {
  kind: 'decline',
  code: 'card_declined',
  decline_code: 'generic_decline',
  message: 'Your card was declined.',
};
const INSUFFICIENT: CardOutcome = {
  kind: 'decline',
  code: 'card_declined',
  decline_code: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
};
const EXPIRED: CardOutcome = {
  kind: 'decline',
  code: 'expired_card',
  decline_code: 'expired_card',
  message: 'Your card has expired.',
  param: 'exp_month',
};

export const TEST_PAYMENT_METHODS: Readonly<Record<string, TestMethod>> = {
  pm_card_visa: card('visa', '4242', { kind: 'succeed' }, 'Visa: charges succeed'),
  pm_card_mastercard: card('mastercard', '4444', { kind: 'succeed' }, 'Mastercard: charges succeed'),
  pm_card_amex: card('amex', '0005', { kind: 'succeed' }, 'American Express: charges succeed'),
  pm_card_chargeDeclined: card('visa', '0002', GENERIC, 'declined: card_declined / generic_decline'),
  pm_card_visa_chargeDeclined: card('visa', '0002', GENERIC, 'declined: card_declined / generic_decline'),
  pm_card_chargeCustomerFail: card('visa', '0341', GENERIC, 'attaches, then charges decline: generic_decline'),
  pm_card_chargeDeclinedInsufficientFunds: card(
    'visa',
    '9995',
    INSUFFICIENT,
    'declined: card_declined / insufficient_funds',
  ),
  pm_card_visa_chargeDeclinedInsufficientFunds: card(
    'visa',
    '9995',
    INSUFFICIENT,
    'declined: card_declined / insufficient_funds',
  ),
  pm_card_chargeDeclinedExpiredCard: card('visa', '0069', EXPIRED, 'declined: expired_card'),
  pm_card_visa_chargeDeclinedExpiredCard: card('visa', '0069', EXPIRED, 'declined: expired_card'),
  pm_card_authenticationRequired: card(
    'visa',
    '3184',
    { kind: 'authenticate' },
    'needs 3-D Secure on every charge: off-session 402 authentication_required; on-session requires_action',
  ),
  pm_usBankAccount_success: {
    type: 'us_bank_account',
    last4: '6789',
    settles: 'succeeded',
    describe: 'bank debit: processing, then succeeds on settle',
  },
  pm_usBankAccount_accountClosed: {
    type: 'us_bank_account',
    last4: '1113',
    settles: { failed: 'account_closed' },
    describe: 'bank debit: processing, then fails (account_closed)',
  },
  pm_usBankAccount_noAccount: {
    type: 'us_bank_account',
    last4: '1116',
    settles: { failed: 'no_account' },
    describe: 'bank debit: processing, then fails (no_account)',
  },
  pm_usBankAccount_insufficientFunds: {
    type: 'us_bank_account',
    last4: '2227',
    settles: { failed: 'insufficient_funds' },
    describe: 'bank debit: processing, then fails (insufficient_funds)',
  },
  pm_usBankAccount_debitNotAuthorized: {
    type: 'us_bank_account',
    last4: '3335',
    settles: { failed: 'debit_not_authorized' },
    describe: 'bank debit: processing, then fails (debit_not_authorized)',
  },
  pm_usBankAccount_processing: {
    type: 'us_bank_account',
    last4: '0009',
    settles: 'never',
    describe: 'bank debit: stays processing unless settle() names an outcome',
  },
};

/** Messages of bank debit failures, as Stripe words them in `last_payment_error.message`. */
export const BANK_FAILURE_MESSAGES: Readonly<Record<string, string>> = {
  account_closed: "The customer's bank account has been closed.",
  no_account: "The customer's bank account could not be located.",
  insufficient_funds: "The customer's account has insufficient funds to cover this payment.",
  debit_not_authorized: 'The customer has notified their bank that this payment was unauthorized.',
  invalid_currency: 'The bank was unable to process this payment because of its currency.',
};

export const isTestToken = (id: string): boolean => Object.prototype.hasOwnProperty.call(TEST_PAYMENT_METHODS, id);
