/**
 * The client's Stripe customer and payment methods on screen (methods.*): as last read from Stripe, in
 * priority order (the first is the primary); linking or creating the customer, reading the methods again,
 * the auto-charge switch, the order, the Checkout link where the client adds a method, and the staff
 * Retry of one method (charges.retry { methodId }).
 */
import { create } from 'zustand';
import type { Charge, ChannelOutput, ClientMethods, PaymentMethod } from '../../../shared/contracts';
import { api } from '../api/client';
import { messageOf } from '../api/errors';

export type SetupLink = ChannelOutput<'methods.setupLink'>;

interface MethodsState {
  clientId: number | null;
  data: ClientMethods | null;
  /** Set when the methods cannot be read (host unreachable). */
  error: string | null;
  /** A Checkout link made for this client, shown until the panel closes or the client changes. */
  setupLink: SetupLink | null;
  open(clientId: number): Promise<void>;
  reload(): Promise<void>;
  /** Creates a Stripe customer (no id), or links an existing cus_…; throws ApiError for the form. */
  link(customerId?: string): Promise<void>;
  /** Reads the methods from Stripe again. Throws ApiError (kind 'unavailable' when Stripe failed). */
  refresh(): Promise<void>;
  setAutoCharge(id: number, autoCharge: boolean): Promise<void>;
  /** Sets the order (primary first). The list moves at once; a refusal puts the stored order back and throws. */
  reorder(order: number[]): Promise<void>;
  /** A new Checkout link for the client; with email, also emailed to the client's billing address. */
  makeSetupLink(email?: boolean): Promise<SetupLink>;
  clearSetupLink(): void;
  /** Charges one method now for the recharge amount (a staff action, audited). */
  retry(methodId: number): Promise<Charge>;
}

export const useMethods = create<MethodsState>((set, get) => {
  // Reads overlap (a burst of change events, a reorder): only the newest one started is applied.
  let started = 0;

  function apply(clientId: number, data: ClientMethods) {
    if (get().clientId === clientId) set({ data, error: null });
  }

  async function read(clientId: number) {
    const mine = ++started;
    try {
      const data = await api().call('methods.list', { clientId });
      if (mine === started) apply(clientId, data);
    } catch (e) {
      if (get().clientId === clientId && mine === started) set({ error: messageOf(e) });
    }
  }

  function current(): number {
    const clientId = get().clientId;
    if (clientId === null) throw new Error('No client is open.');
    return clientId;
  }

  /** A change: its answer is the newest state, so reads started before it are dropped. */
  async function change(clientId: number, call: () => Promise<ClientMethods>) {
    started++;
    const data = await call();
    started++;
    apply(clientId, data);
  }

  return {
    clientId: null,
    data: null,
    error: null,
    setupLink: null,
    async open(clientId) {
      if (get().clientId !== clientId) set({ clientId, data: null, error: null, setupLink: null });
      await read(clientId);
    },
    async reload() {
      const clientId = get().clientId;
      if (clientId !== null) await read(clientId);
    },
    async link(customerId) {
      const clientId = current();
      await change(clientId, () => api().call('methods.link', customerId ? { clientId, customerId } : { clientId }));
    },
    async refresh() {
      const clientId = current();
      await change(clientId, () => api().call('methods.refresh', { clientId }));
    },
    async setAutoCharge(id, autoCharge) {
      const clientId = current();
      const data = get().data;
      if (data) set({ data: { ...data, methods: data.methods.map((m) => (m.id === id ? { ...m, autoCharge } : m)) } });
      try {
        await change(clientId, () => api().call('methods.update', { id, autoCharge }));
      } catch (e) {
        await read(clientId);
        throw e;
      }
    },
    async reorder(order) {
      const clientId = current();
      const data = get().data;
      if (data) {
        const byId = new Map(data.methods.map((m) => [m.id, m]));
        const moved = order.map((id) => byId.get(id)).filter((m): m is PaymentMethod => m !== undefined);
        if (moved.length === data.methods.length) set({ data: { ...data, methods: moved.map((m, i) => ({ ...m, priority: i + 1, primary: i === 0 })) } });
      }
      try {
        await change(clientId, () => api().call('methods.reorder', { clientId, order }));
      } catch (e) {
        await read(clientId);
        throw e;
      }
    },
    async makeSetupLink(email = false) {
      const clientId = current();
      const link = await api().call('methods.setupLink', { clientId, email });
      if (get().clientId === clientId) set({ setupLink: link });
      return link;
    },
    clearSetupLink() {
      set({ setupLink: null });
    },
    retry: (methodId) => api().call('charges.retry', { methodId }),
  };
});

/** Moves one id of an order by `by` places (−1 up, +1 down); the same order when it cannot move. */
export function moved(order: number[], id: number, by: number): number[] {
  const from = order.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= order.length) return order;
  const next = order.slice();
  next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

/** Puts one id before the id at `index` of the order (drag and drop). */
export function placed(order: number[], id: number, index: number): number[] {
  const next = order.filter((x) => x !== id);
  next.splice(Math.max(0, Math.min(index, next.length)), 0, id);
  return next;
}
