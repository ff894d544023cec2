// The standalone page's connect-src follows the configured Supabase URL (scripts/page-csp.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectOrigins, withConnectPolicy } from './page-csp.mjs';

test('a hosted project, a custom domain and a self-hosted Supabase each get their own origins', () => {
  assert.deepEqual(connectOrigins('https://abc.supabase.co'), ['https://abc.supabase.co', 'wss://abc.supabase.co']);
  assert.deepEqual(connectOrigins('https://db.example.com/'), ['https://db.example.com', 'wss://db.example.com']);
  assert.deepEqual(connectOrigins('http://10.0.0.5:8000'), ['http://10.0.0.5:8000', 'ws://10.0.0.5:8000']);
});

test('no URL, or one the app would refuse, allows only the page itself', () => {
  for (const url of ['', 'abc.supabase.co', 'javascript:alert(1)', 'ftp://x']) assert.deepEqual(connectOrigins(url), [], url);
  assert.match(withConnectPolicy('<html><head><title>x</title></head></html>', ''), /<head><meta http-equiv="Content-Security-Policy" content="connect-src 'self'"><title>/);
});

test('the policy comes first in <head>, before anything the page loads', () => {
  const html = withConnectPolicy('<!doctype html><html lang="en"><head>\n<meta charset="utf-8"><script type="module" src="x.js"></script></head></html>', 'https://db.example.com');
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
  assert.match(html, /content="connect-src 'self' https:\/\/db\.example\.com wss:\/\/db\.example\.com"/);
});
