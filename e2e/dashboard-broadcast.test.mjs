// The end-to-end tests of dashboard.test.mjs again, with the section following Broadcast from
// the database (realtime="broadcast", the private topic worker-status) instead of Postgres
// Changes (issue 14): the same behaviour, snapshot after every (re)subscription, deletes,
// ordering and the gateway's restart included.
process.env.WORKER_STATUS_REALTIME = 'broadcast';
await import('./dashboard.test.mjs');
