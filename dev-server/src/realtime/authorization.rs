//! Private channels (issue 14): whether the joining role may read (receive) and write (send) on a
//! topic, decided as Supabase Realtime does at join (`Realtime.Tenants.Authorization`) and kept
//! for the channel's life. In one transaction that is always rolled back: a probe message of the
//! topic is inserted by the admin; then, as the role with its claims and `realtime.topic` set,
//! the probe is read back (read) and a message inserted in a savepoint (write; refused with
//! insufficient_privilege means no). Checked again whenever a channel's token is refreshed.

use tokio_postgres::error::SqlState;

use crate::keys::Claims;

/// What a role may do on a private topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policies {
    /// Receive broadcasts.
    pub read: bool,
    /// Send broadcasts.
    pub write: bool,
}

/// The join error Realtime sends when a role may not read a private topic.
pub fn unauthorized(topic: &str) -> String {
    format!("Unauthorized: {}", cannot_read(topic))
}

/// Why a role may not read a private topic: the system message that ends a channel whose
/// refreshed token may no longer read it.
pub fn cannot_read(topic: &str) -> String {
    format!("You do not have permissions to read from this Channel topic: {topic}")
}

/// The policies of `claims` on `topic` (the name without `realtime:`), checked through a new
/// admin connection to `admin_url`.
pub async fn policies(admin_url: &str, claims: &Claims, topic: &str) -> Result<Policies, String> {
    let unreachable = |error: &dyn std::fmt::Display| {
        format!("Realtime was unable to connect to the project database: {error}")
    };
    let mut client = throwaway_db::connect(admin_url)
        .await
        .map_err(|error| unreachable(&error))?;
    let mut transaction = client
        .transaction()
        .await
        .map_err(|error| unreachable(&error))?;
    let probe: String = transaction
        .query_one(
            "insert into realtime.messages (topic, extension) values ($1, 'broadcast') returning id::text",
            &[&topic],
        )
        .await
        .map_err(|error| format!("Unable to check the channel's policies: {error}"))?
        .get(0);
    let claims_text = claims.json.to_string();
    let subject = claims
        .json
        .get("sub")
        .and_then(|sub| sub.as_str())
        .unwrap_or_default();
    transaction
        .execute(
            "select set_config('role', $1, true), set_config('realtime.topic', $2, true), \
                    set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true), \
                    set_config('request.jwt.claim.role', $1, true)",
            &[&claims.role, &topic, &claims_text, &subject],
        )
        .await
        .map_err(|error| format!("Unable to check the channel's policies: {error}"))?;
    let read = !transaction
        .query(
            "select 1 from realtime.messages where id::text = $1",
            &[&probe],
        )
        .await
        .map_err(|error| format!("Unable to check the channel's policies: {error}"))?
        .is_empty();
    let savepoint = transaction
        .savepoint("write_probe")
        .await
        .map_err(|error| format!("Unable to check the channel's policies: {error}"))?;
    let write = match savepoint
        .execute(
            "insert into realtime.messages (topic, extension) values ($1, 'broadcast')",
            &[&topic],
        )
        .await
    {
        Ok(_) => true,
        Err(error) if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => false,
        Err(error) => return Err(format!("Unable to check the channel's policies: {error}")),
    };
    drop(savepoint);
    transaction
        .rollback()
        .await
        .map_err(|error| unreachable(&error))?;
    Ok(Policies { read, write })
}

/// Why a private channel may not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The policies do not let the role read the topic.
    CannotRead,
    /// The policies could not be checked; the reason.
    Unchecked(String),
}

/// Whether `claims` may follow the private `topic`: `Ok(may also send)`, or why not.
pub async fn may_follow(admin_url: &str, claims: &Claims, topic: &str) -> Result<bool, Refusal> {
    match policies(admin_url, claims, topic).await {
        Ok(policies) if policies.read => Ok(policies.write),
        Ok(_) => Err(Refusal::CannotRead),
        Err(reason) => Err(Refusal::Unchecked(reason)),
    }
}
