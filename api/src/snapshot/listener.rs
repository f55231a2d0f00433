//! The PostgreSQL listener's thread: each catalogue notification wakes the watcher; the
//! thread ends once the watcher is gone.

use std::sync::Weak;

use persistence::DatabaseUrl;
use tokio::sync::Notify;

pub fn spawn(url: DatabaseUrl, wake: Weak<Notify>) {
    let spawned = std::thread::Builder::new()
        .name("catalogue-listener".into())
        .spawn(move || {
            persistence::catalogue::listener::run(
                &url,
                || wake.strong_count() > 0,
                || {
                    if let Some(w) = wake.upgrade() {
                        w.notify_one();
                    }
                },
            )
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no catalogue listener thread: the catalogue is checked by polling only");
    }
}
