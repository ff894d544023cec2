// The dashboard's layout: navigation between a page with the section and one without it.
import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './host.css';

export const metadata: Metadata = { title: 'Operations' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page per request: Next puts the proxy's nonce only on pages it renders per request.
  await connection();
  return (
    <html lang="en">
      <body>
        <nav>
          <Link href="/ops" data-testid="to-ops">Workers</Link>
          <Link href="/other" data-testid="to-other">Billing</Link>
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}
