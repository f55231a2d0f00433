//! `WEBHOOKS_*`: how endpoints are checked and deliveries sent.

use std::time::Duration;

use domain::webhook::UrlPolicy;

use super::{ConfigError, parsed, var};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `WEBHOOKS_ALLOW_INSECURE=1`: http and private addresses allowed (tests, development).
    pub policy: UrlPolicy,
    /// How long a receiver has to answer (`WEBHOOKS_TIMEOUT_MS`, 15 s).
    pub timeout: Duration,
    /// An endpoint failing without a success for this long is disabled
    /// (`WEBHOOKS_DISABLE_AFTER_HOURS`, 120 = 5 days).
    pub disable_after: Duration,
    /// How often the worker looks for due deliveries when nothing wakes it
    /// (`WEBHOOKS_POLL_MS`, 1 s).
    pub poll: Duration,
    /// Whether this process runs a delivery worker (`WEBHOOKS_WORKER=0` turns it off).
    pub worker: bool,
    /// Deliveries a worker claims and sends at once (`WEBHOOKS_BATCH`, 500).
    pub batch: i64,
    /// How long a worker lets new events gather before a round that would not fill a batch
    /// (`WEBHOOKS_COALESCE_MS`, 50): fewer, fuller rounds leave the requests more of the
    /// machine, for at most this much more latency.
    pub coalesce: Duration,
    /// Database connections of the worker's own pool, apart from the requests' pool.
    pub pool_size: u32,
    /// How long the previous secret keeps signing after a rotation (24 h).
    pub rotation_overlap: Duration,
    /// The most events one replay call looks at (10,000): a replay is one transaction.
    pub replay_limit: i64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            policy: UrlPolicy::PublicHttpsOnly,
            timeout: Duration::from_secs(15),
            disable_after: Duration::from_secs(5 * 86_400),
            poll: Duration::from_secs(1),
            worker: true,
            batch: 500,
            coalesce: Duration::from_millis(50),
            pool_size: 2,
            rotation_overlap: Duration::from_secs(86_400),
            replay_limit: 10_000,
        }
    }
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).as_deref().map(str::trim) {
        None => Ok(default),
        Some("1" | "true") => Ok(true),
        Some("0" | "false") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            value: other.to_owned(),
            expected: "1 or 0",
        }),
    }
}

pub fn from_env() -> Result<WebhookSettings, ConfigError> {
    let d = WebhookSettings::default();
    Ok(WebhookSettings {
        policy: if flag("WEBHOOKS_ALLOW_INSECURE", false)? {
            UrlPolicy::AllowInsecure
        } else {
            UrlPolicy::PublicHttpsOnly
        },
        timeout: Duration::from_millis(parsed(
            "WEBHOOKS_TIMEOUT_MS",
            15_000,
            "a whole number of milliseconds from 100 to 60000",
            |n: &u64| (100..=60_000).contains(n),
        )?),
        disable_after: Duration::from_secs(
            3_600
                * parsed(
                    "WEBHOOKS_DISABLE_AFTER_HOURS",
                    120,
                    "a whole number of hours from 1 to 8760",
                    |n: &u64| (1..=8_760).contains(n),
                )?,
        ),
        poll: Duration::from_millis(parsed(
            "WEBHOOKS_POLL_MS",
            1_000,
            "a whole number of milliseconds from 10 to 60000",
            |n: &u64| (10..=60_000).contains(n),
        )?),
        worker: flag("WEBHOOKS_WORKER", true)?,
        batch: parsed(
            "WEBHOOKS_BATCH",
            d.batch,
            "a whole number of deliveries from 1 to 1000",
            |n: &i64| (1..=1_000).contains(n),
        )?,
        coalesce: Duration::from_millis(parsed(
            "WEBHOOKS_COALESCE_MS",
            50,
            "a whole number of milliseconds from 0 to 1000",
            |n: &u64| *n <= 1_000,
        )?),
        ..d
    })
}
