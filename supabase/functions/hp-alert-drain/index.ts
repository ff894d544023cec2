// The drain as a Supabase Edge Function: pg_cron wakes it every 10 s (public.hp_alert_wake_drain
// posts here with a bearer token from Vault); each request is one drain run (handler.ts).
import { handle } from './handler.ts';

Deno.serve((request) => handle(request));
