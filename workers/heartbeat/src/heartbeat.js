// The heartbeat a background worker imports: it upserts the worker's row of
// public.hp_worker_status at once and then every interval, reports jobs and errors, opens a
// circuit breaker after too many errors, and says 'stopped' on SIGTERM/SIGINT. It never throws
// into the worker after start-up and never keeps the process alive. No dependency: it speaks
// PostgREST with fetch, exactly as supabase-js's upsert does, or uses a supabase-js client you pass.

const TABLE = 'hp_worker_status';
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_MAX_ERRORS = 10;
/** One heartbeat request never waits longer than this (or the interval, if shorter). */
const DEFAULT_TIMEOUT_MS = 10_000;
/** The final 'stopped' beat on a signal gets at most this long before the process goes on. */
const SHUTDOWN_BEAT_TIMEOUT_MS = 5_000;
/** The metadata key that tells the dashboard this worker's interval, in seconds. */
const INTERVAL_KEY = 'heartbeat_interval_s';
/** Clock offsets within this are left alone: the `Date` header only has whole seconds. */
const CLOCK_TOLERANCE_MS = 2_000;
/** Offset samples kept; the median of them is used. */
const CLOCK_SAMPLES = 9;

/**
 * Starts heartbeats for one worker.
 *
 * @param {object} options
 * @param {string} options.workerName Row key; the name the dashboard shows.
 * @param {string} [options.supabaseUrl] Project URL, e.g. https://xyz.supabase.co (not needed with `client`).
 * @param {string} [options.serviceKey] The secret key (`sb_secret_…`) or the legacy service_role key; see
 *   `secretKeyFromEnvironment`. Publishable and anon keys are refused: they cannot write.
 * @param {object} [options.client] An existing supabase-js client created with the service key, instead of URL and key.
 * @param {number} [options.intervalMs=30000] Time between heartbeats.
 * @param {number} [options.maxErrorsBeforeCircuitBreak=10] Errors that open the circuit breaker.
 * @param {object} [options.metadata] Key/value pairs shown on the dashboard (a JSON object, under 8 KB).
 * @param {boolean} [options.handleSignals=true] Report 'stopped' on SIGTERM and SIGINT.
 * @param {number} [options.timeoutMs=10000] Longest wait for one heartbeat request.
 * @param {typeof fetch} [options.fetch] fetch to use (tests); defaults to the global one.
 * @param {{warn: Function, info: Function}} [options.logger=console] Where state changes are logged.
 * @returns {{jobSucceeded(): void, jobFailed(error?: unknown): void, setMetadata(metadata: object): void,
 *   isCircuitOpen(): boolean, resetCircuit(): void, stop(): Promise<void>, beat(): Promise<boolean>, readonly state: object}}
 *
 * @example
 * import { startHeartbeat } from '@worker-status/heartbeat';
 * const heartbeat = startHeartbeat({ workerName: 'crawl-worker', supabaseUrl: process.env.SUPABASE_URL,
 *   serviceKey: process.env.SUPABASE_SECRET_KEY });
 * try { await crawl(); heartbeat.jobSucceeded(); } catch (error) { heartbeat.jobFailed(error); }
 * if (heartbeat.isCircuitOpen()) pauseIntake();
 */
export function startHeartbeat(options) {
  const config = validate(options);
  const state = {
    status: 'running',
    jobsProcessed: 0,
    errorCount: 0,
    circuitOpen: false,
    metadata: { ...(config.metadata ?? {}) },
    stopped: false,
    /** Server time minus this host's time, as applied to heartbeats (0 within the tolerance). */
    clockOffsetMs: 0,
  };
  const send = config.client ? sendWithClient(config) : sendWithFetch(config);
  const clock = serverClock();
  let timer = null;
  let inFlight = null;
  let again = false;
  let failing = null;

  const report = (outcome) => {
    if (outcome.ok && failing !== null) {
      config.logger.info(`heartbeat[${config.workerName}]: reporting again after: ${failing}`);
      failing = null;
    } else if (!outcome.ok && failing !== outcome.problem) {
      config.logger.warn(`heartbeat[${config.workerName}]: cannot report (${outcome.problem}); retrying at the next tick`);
      failing = outcome.problem;
    }
  };

  // Stamped with the server's time as far as this host can tell (see serverClock).
  const row = (offsetMs) => ({
    worker_name: config.workerName,
    status: state.status,
    last_heartbeat: new Date(Date.now() + offsetMs).toISOString(),
    jobs_processed: state.jobsProcessed,
    error_count: state.errorCount,
    circuit_breaker_open: state.circuitOpen,
    // The interval goes with every beat, so the dashboard judges this worker by its own cadence.
    metadata: { ...state.metadata, [INTERVAL_KEY]: config.intervalMs / 1000 },
  });

  // A beat's answer tells the server's time; a beat stamped with an offset that turns out wrong
  // by more than the tolerance is sent again at once (once), so a slow host is right from its
  // first heartbeat on, not one interval later.
  const sendStamped = async (timeoutMs) => {
    for (let attempt = 0; ; attempt += 1) {
      const offsetMs = clock.offsetMs;
      const outcome = await send(row(offsetMs), timeoutMs);
      if (outcome.date) clock.observe(outcome.date, outcome.sentAt, outcome.receivedAt);
      const corrected = clock.offsetMs;
      // Logged when the correction starts, ends or moves by more than the tolerance, not per beat.
      if ((corrected === 0) !== (state.clockOffsetMs === 0)
        || Math.abs(corrected - state.clockOffsetMs) > CLOCK_TOLERANCE_MS) {
        config.logger.info(corrected === 0
          ? `heartbeat[${config.workerName}]: this host's clock agrees with the server's again`
          : `heartbeat[${config.workerName}]: this host's clock is ${Math.round(Math.abs(corrected) / 1000)} s `
            + `${corrected > 0 ? 'behind' : 'ahead of'} the server's; heartbeats carry the server's time`);
      }
      state.clockOffsetMs = corrected;
      if (!outcome.ok || attempt > 0 || Math.abs(corrected - offsetMs) <= CLOCK_TOLERANCE_MS) return outcome;
    }
  };

  // One beat at a time: a beat asked for while one is in flight runs right after it.
  const beat = () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      let ok = false;
      do {
        again = false;
        const outcome = await sendStamped(config.timeoutMs);
        report(outcome);
        ok = outcome.ok;
      } while (again);
      inFlight = null;
      return ok;
    })();
    return inFlight;
  };

  const schedule = () => {
    if (state.stopped) return;
    timer = setTimeout(async () => {
      timer = null;
      await beat();
      schedule();
    }, config.intervalMs);
    // A heartbeat is no reason to keep the process alive.
    timer.unref?.();
  };

  const signalHandlers = new Map();
  const stop = async (finalStatus = 'stopped', timeoutMs = config.timeoutMs) => {
    if (state.stopped) return;
    state.stopped = true;
    if (timer) clearTimeout(timer);
    for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
    signalHandlers.clear();
    if (inFlight) await inFlight;
    state.status = finalStatus;
    report(await send(row(clock.offsetMs), timeoutMs));
  };

  if (config.handleSignals && typeof process?.on === 'function') {
    for (const signal of ['SIGTERM', 'SIGINT']) {
      const handler = async () => {
        // Others listening means the worker handles shutdown itself: report and leave it to them.
        const othersListen = process.listenerCount(signal) > 1;
        await stop('stopped', Math.min(config.timeoutMs, SHUTDOWN_BEAT_TIMEOUT_MS));
        if (!othersListen) process.kill(process.pid, signal);
      };
      signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  beat().then(schedule, schedule);

  return {
    /** Counts one finished job. */
    jobSucceeded() {
      state.jobsProcessed += 1;
    },
    /** Counts one failed job; at the threshold the breaker opens and is reported at once. */
    jobFailed(error) {
      state.errorCount += 1;
      if (error !== undefined) state.lastError = String(error?.message ?? error).slice(0, 200);
      if (!state.circuitOpen && state.errorCount >= config.maxErrorsBeforeCircuitBreak) {
        state.circuitOpen = true;
        state.status = 'crashed';
        config.logger.warn(`heartbeat[${config.workerName}]: circuit breaker open after ${state.errorCount} errors`);
        if (!state.stopped) beat();
      }
    },
    /** Replaces the metadata shown on the dashboard (sent with the next beat). */
    setMetadata(metadata) {
      if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
        config.logger.warn(`heartbeat[${config.workerName}]: setMetadata needs a plain object; ignored`);
        return;
      }
      state.metadata = { ...metadata };
    },
    /** True while the breaker is open: take no new jobs. */
    isCircuitOpen() {
      return state.circuitOpen;
    },
    /** Closes the breaker, clears the error count, reports 'running' at once. */
    resetCircuit() {
      state.circuitOpen = false;
      state.errorCount = 0;
      if (!state.stopped) {
        state.status = 'running';
        beat();
      }
    },
    /** Stops the timer and reports 'stopped'; resolves when that report is done or timed out. */
    stop: () => stop('stopped'),
    /** Sends a heartbeat now; resolves to whether it reached the table. */
    beat,
    get state() {
      return { ...state, metadata: { ...state.metadata } };
    },
  };
}

function validate(options) {
  if (!options || typeof options !== 'object') throw new TypeError('startHeartbeat: options are required');
  const { workerName, supabaseUrl, serviceKey, client } = options;
  if (typeof workerName !== 'string' || workerName.trim() === '' || workerName.length > 128) {
    throw new TypeError('startHeartbeat: workerName must be a non-empty string of at most 128 characters');
  }
  if (!client) {
    if (typeof supabaseUrl !== 'string' || !/^https?:\/\//.test(supabaseUrl)) {
      throw new TypeError('startHeartbeat: supabaseUrl must be the project URL (http:// or https://), or pass client');
    }
    if (typeof serviceKey !== 'string' || serviceKey === '') {
      throw new TypeError(`startHeartbeat: serviceKey is required (${SECRET_KEY_ADVICE}), or pass client`);
    }
    const role = keyRole(serviceKey);
    if (role === 'anon' || role === 'authenticated' || serviceKey.startsWith('sb_publishable_')) {
      throw new Error(
        `startHeartbeat: the key for ${workerName} is a public (${role ?? 'publishable'}) key, which can only read ` +
        `${TABLE}; heartbeats need ${SECRET_KEY_ADVICE}, kept on the server`,
      );
    }
  }
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new TypeError('startHeartbeat: intervalMs must be positive');
  const maxErrors = options.maxErrorsBeforeCircuitBreak ?? DEFAULT_MAX_ERRORS;
  if (!Number.isInteger(maxErrors) || maxErrors < 1) {
    throw new TypeError('startHeartbeat: maxErrorsBeforeCircuitBreak must be a positive integer');
  }
  const metadata = options.metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new TypeError('startHeartbeat: metadata must be a plain object');
  }
  return {
    workerName,
    supabaseUrl: supabaseUrl?.replace(/\/+$/, ''),
    serviceKey,
    client,
    intervalMs,
    maxErrorsBeforeCircuitBreak: maxErrors,
    metadata,
    handleSignals: options.handleSignals ?? true,
    timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, intervalMs),
    fetch: options.fetch ?? globalThis.fetch,
    logger: options.logger ?? console,
  };
}

/** What to give when a key is missing or public. */
const SECRET_KEY_ADVICE =
  "the project's secret key, sb_secret_… (SUPABASE_SECRET_KEY), or the legacy service_role key (SUPABASE_SERVICE_ROLE_KEY)";

/** Environment variables that may hold the secret key, in the order they are read. */
export const SECRET_KEY_VARIABLES = ['SUPABASE_SECRET_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SERVICE_KEY'];

/**
 * The secret key from the environment: `SUPABASE_SECRET_KEY` (Supabase's current `sb_secret_…`
 * keys), else `SUPABASE_SERVICE_ROLE_KEY` (the legacy JWT), else the setup guide's
 * `SUPABASE_SERVICE_KEY`. Undefined when none is set.
 */
export function secretKeyFromEnvironment(env = process.env) {
  for (const name of SECRET_KEY_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The `role` claim of a JWT key, or null for keys that are not JWTs. */
function keyRole(key) {
  const payload = key.split('.')[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).role ?? null;
  } catch {
    return null;
  }
}

/**
 * The request supabase-js 2.109 sends for `.from(TABLE).upsert(row)`; with a secret key too, it
 * sends the key as `apikey` and as the bearer (the API gateway swaps the bearer for the JWT).
 */
function sendWithFetch(config) {
  const url = `${config.supabaseUrl}/rest/v1/${TABLE}`;
  const headers = {
    apikey: config.serviceKey,
    Authorization: `Bearer ${config.serviceKey}`,
    'Content-Type': 'application/json',
    'Content-Profile': 'public',
    Prefer: 'resolution=merge-duplicates',
    'X-Client-Info': 'worker-status-heartbeat/0.1.0',
  };
  return async (row, timeoutMs) => {
    try {
      const sentAt = Date.now();
      const response = await config.fetch(url, {
        method: 'POST', headers, body: JSON.stringify(row), signal: AbortSignal.timeout(timeoutMs),
      });
      const timing = { date: response.headers?.get?.('date') ?? null, sentAt, receivedAt: Date.now() };
      if (response.ok) {
        await response.body?.cancel?.();
        return { ok: true, ...timing };
      }
      const text = await response.text().catch(() => '');
      return { ok: false, problem: `HTTP ${response.status}${describeBody(text)}`, ...timing };
    } catch (error) {
      return { ok: false, problem: describeError(error, timeoutMs) };
    }
  };
}

/**
 * The server's clock as seen from this host: each answer's `Date` header (whole seconds, so the
 * server's time was within [Date, Date + 1 s)) against the middle of the request, the median of
 * the last few samples. Offsets within CLOCK_TOLERANCE_MS count as 0: only a host clock that is
 * really wrong is corrected. A supabase-js `client` hides the headers, so with one only the
 * database's clamp of future heartbeats applies.
 */
function serverClock() {
  const samples = [];
  let offsetMs = 0;
  return {
    observe(date, sentAt, receivedAt) {
      const serverMs = Date.parse(date);
      if (!Number.isFinite(serverMs)) return;
      samples.push(serverMs + 500 - (sentAt + receivedAt) / 2);
      if (samples.length > CLOCK_SAMPLES) samples.shift();
      const sorted = [...samples].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      offsetMs = Math.abs(median) > CLOCK_TOLERANCE_MS ? Math.round(median) : 0;
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}

function sendWithClient(config) {
  return async (row, timeoutMs) => {
    try {
      const { error, status } = await config.client.from(TABLE).upsert(row).abortSignal(AbortSignal.timeout(timeoutMs));
      return error ? { ok: false, problem: `HTTP ${status}: ${error.message}` } : { ok: true };
    } catch (error) {
      return { ok: false, problem: describeError(error, timeoutMs) };
    }
  };
}

function describeBody(text) {
  try {
    const body = JSON.parse(text);
    return body?.message ? `: ${body.message}` : '';
  } catch {
    return '';
  }
}

function describeError(error, timeoutMs) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = error?.cause?.code ?? error?.cause?.message;
  return cause ? `network error: ${cause}` : `network error: ${error?.message ?? error}`;
}
