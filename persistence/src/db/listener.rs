//! PostgreSQL's `LISTEN <channel>` on a connection of its own: each notification (a write
//! committed by any process: the catalogue's, or a webhook event) calls `wake`. When the
//! connection drops it reconnects, and calls `wake` then too, since notifications may have
//! been missed meanwhile. Blocking: run it in a thread of its own; it returns once `alive`
//! says false.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::DatabaseUrl;

/// How often to look for notifications that arrived (no round trip: it reads what the
/// server already sent).
const POLL: Duration = Duration::from_millis(20);
/// How often to test the connection, so one silently cut is noticed and replaced.
const PROBE: Duration = Duration::from_secs(10);
/// How long to wait before connecting again.
const RECONNECT: Duration = Duration::from_secs(1);

/// Listens on `channel`, its connection named `application_name` (as `pg_stat_activity`
/// shows it).
pub fn run(
    url: &DatabaseUrl,
    (channel, application_name): (&str, &str),
    alive: impl Fn() -> bool,
    wake: impl Fn(),
) {
    let mut connected_before = false;
    while alive() {
        match listen(url, channel, application_name) {
            Ok(mut conn) => {
                if connected_before {
                    tracing::info!(channel, "listener reconnected");
                    wake();
                }
                connected_before = true;
                match receive(&mut conn, &alive, &wake) {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(channel, error = %e, "listener lost its connection"),
                }
            }
            Err(e) => {
                connected_before = true;
                tracing::warn!(channel, error = %e, "listener cannot connect");
            }
        }
        std::thread::sleep(RECONNECT);
    }
}

/// How long connecting may take before the attempt fails and is retried (libpq waits for
/// the operating system's TCP timeout otherwise, minutes for an unreachable host).
const CONNECT_TIMEOUT_SECONDS: u32 = 5;

fn listen(
    url: &DatabaseUrl,
    channel: &str,
    application_name: &str,
) -> Result<PgConnection, Box<dyn std::error::Error>> {
    let mut target = url.as_str();
    if !target.contains("connect_timeout=") {
        let joint = if target.contains('?') { '&' } else { '?' };
        target = format!("{target}{joint}connect_timeout={CONNECT_TIMEOUT_SECONDS}");
    }
    let mut conn = PgConnection::establish(&target)?;
    conn.batch_execute(&format!(
        "SET application_name = '{application_name}'; LISTEN {channel}"
    ))?;
    Ok(conn)
}

/// Waits for notifications: `Ok` once `alive` says false, `Err` when the connection fails.
fn receive(
    conn: &mut PgConnection,
    alive: &impl Fn() -> bool,
    wake: &impl Fn(),
) -> Result<(), Box<dyn std::error::Error>> {
    let mut probed = Instant::now();
    while alive() {
        let mut any = false;
        for n in conn.notifications_iter() {
            n?;
            any = true;
        }
        if any {
            wake();
        }
        if probed.elapsed() >= PROBE {
            conn.batch_execute("SELECT 1")?;
            probed = Instant::now();
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}
