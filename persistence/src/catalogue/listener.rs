//! PostgreSQL's `LISTEN academy_catalogue` on a connection of its own: each notification (a
//! catalogue write committed by any process) calls `wake`. When the connection drops it
//! reconnects, and calls `wake` then too, since writes may have been missed meanwhile.
//! Blocking: run it in a thread of its own; it returns once `alive` says false.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use super::version::CHANNEL;
use crate::DatabaseUrl;

/// How often to look for notifications that arrived (no round trip: it reads what the
/// server already sent).
const POLL: Duration = Duration::from_millis(20);
/// How often to test the connection, so one silently cut is noticed and replaced.
const PROBE: Duration = Duration::from_secs(10);
/// How long to wait before connecting again.
const RECONNECT: Duration = Duration::from_secs(1);

/// The `application_name` of the listener's connection.
pub const APPLICATION_NAME: &str = "academy-catalogue-listener";

pub fn run(url: &DatabaseUrl, alive: impl Fn() -> bool, wake: impl Fn()) {
    let mut connected_before = false;
    while alive() {
        match listen(url) {
            Ok(mut conn) => {
                if connected_before {
                    tracing::info!("catalogue listener reconnected");
                    wake();
                }
                connected_before = true;
                match receive(&mut conn, &alive, &wake) {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(error = %e, "catalogue listener lost its connection"),
                }
            }
            Err(e) => {
                connected_before = true;
                tracing::warn!(error = %e, "catalogue listener cannot connect");
            }
        }
        std::thread::sleep(RECONNECT);
    }
}

/// How long connecting may take before the attempt fails and is retried (libpq waits for
/// the operating system's TCP timeout otherwise, minutes for an unreachable host).
const CONNECT_TIMEOUT_SECONDS: u32 = 5;

fn listen(url: &DatabaseUrl) -> Result<PgConnection, Box<dyn std::error::Error>> {
    let mut target = url.as_str();
    if !target.contains("connect_timeout=") {
        let joint = if target.contains('?') { '&' } else { '?' };
        target = format!("{target}{joint}connect_timeout={CONNECT_TIMEOUT_SECONDS}");
    }
    let mut conn = PgConnection::establish(&target)?;
    conn.batch_execute(&format!(
        "SET application_name = '{APPLICATION_NAME}'; LISTEN {CHANNEL}"
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
