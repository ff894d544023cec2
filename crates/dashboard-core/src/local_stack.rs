//! The Supabase CLI's local-development defaults, which the local stack reuses so that a config
//! written for `supabase start` works unchanged. These keys are public demo values from
//! Supabase's local-development docs (the JWTs signed with the public demo secret): never
//! production keys.

/// Where the local stack's gateway listens.
pub const URL: &str = "http://127.0.0.1:54321";

/// The CLI's well-known local JWT secret.
pub const JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";

/// Demo anon key: HS256 over `{"iss":"supabase-demo","role":"anon","exp":1983812996}`.
pub const ANON_KEY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

/// Demo service_role key: the same payload with `"role":"service_role"`. Server side only.
pub const SERVICE_ROLE_KEY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/// The CLI's local publishable key (role anon): what a browser uses. Not a JWT.
pub const PUBLISHABLE_KEY: &str = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";

/// The CLI's local secret key (role service_role): server side only. Not a JWT.
pub const SECRET_KEY: &str = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
