// Next's documented Content-Security-Policy pattern, shared by both Next.js hosts' proxy.ts: a
// nonce per request, set on the request (so Next puts it on its own scripts) and on the response;
// plus what the section needs: 'wasm-unsafe-eval' to compile its WebAssembly, the Supabase
// origins, and (loaded by script tag from a deployment) that deployment's origin for the fetches
// of its files. No style-src entry: the section's styles are a constructed stylesheet.
import { NextResponse, type NextRequest } from 'next/server';

export function withPolicy(request: NextRequest, deployment: string) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const supabase = new URL(process.env.SUPABASE_URL ?? 'http://invalid');
  const realtime = `${supabase.protocol === 'https:' ? 'wss:' : 'ws:'}//${supabase.host}`;
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`,
    `style-src 'self' 'nonce-${nonce}'`,
    `connect-src 'self' ${deployment} ${supabase.origin} ${realtime}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}
