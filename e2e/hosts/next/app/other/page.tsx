// A page of the same dashboard without the section.
import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Billing · Operations' };

export default function BillingPage() {
  return (
    <>
      <h1>Billing</h1>
      <p data-testid="billing">Nothing to see here.</p>
    </>
  );
}
