/** "New client": the client form, or first a reseller when the ledger has none (clients belong to one). */
import { useState } from 'react';
import { api } from '../../api/client';
import { useResellers } from './resellers';
import { navigate } from '../../stores/route';
import { ClientForm } from './ClientForm';
import { Dialog } from '../../ui/Dialog';
import { ResellerForm } from './ResellerForm';

export function NewClientDialog(props: { onClose(): void }) {
  const { items: resellers, loaded } = useResellers();
  const [addingReseller, setAddingReseller] = useState(false);
  const [resellerId, setResellerId] = useState<number | undefined>();

  const needReseller = loaded && resellers.length === 0;
  const showResellerForm = addingReseller || needReseller;

  return (
    <Dialog title={showResellerForm ? 'New reseller' : 'New client'} onClose={props.onClose} testId="new-client-dialog">
      {!loaded ? (
        <p className="muted">Loading resellers…</p>
      ) : showResellerForm ? (
        <ResellerForm
          intro={
            needReseller
              ? 'There is no reseller yet. Every client belongs to a reseller: create the first one.'
              : undefined
          }
          onCreated={(r) => {
            setResellerId(r.id);
            setAddingReseller(false);
          }}
          onCancel={needReseller ? undefined : () => setAddingReseller(false)}
        />
      ) : (
        <ClientForm
          key={resellerId ?? 'none'}
          resellers={resellers}
          defaultResellerId={resellerId}
          onNewReseller={() => setAddingReseller(true)}
          submitLabel="Create client"
          onCancel={props.onClose}
          onSubmit={async (v) => {
            const client = await api().call('clients.create', {
              resellerId: v.resellerId!,
              externalRef: v.externalRef,
              name: v.name,
              billingEmail: v.billingEmail,
              currency: v.currency,
              status: v.status,
            });
            props.onClose();
            navigate({ screen: 'client', id: client.id });
          }}
        />
      )}
    </Dialog>
  );
}
