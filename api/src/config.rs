//! Configuration, from environment variables only. Every variable, its default and its
//! meaning is listed in the README.

use std::time::Duration;

use persistence::{DatabaseUrl, PoolOptions};

mod auth;
pub mod webhooks;

use auth::auth_from_env;
pub use auth::{AuthSettings, DEVELOPMENT_JWT_SECRET, MIN_SECRET_BYTES, Signing};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `APP_ENV`: development (the default, so `cargo run` works with no set-up) or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Per-process request limits (see the README for why they are per process).
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Requests per `window` for each authenticated client.
    pub client_requests: u32,
    /// Requests per `window` for each IP address without a token.
    pub anonymous_requests: u32,
    pub window: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            client_requests: 600,
            // Many people share one address (a trust's or a council's internet gateway):
            // enough for hundreds of catalogue page views a minute from one of them.
            anonymous_requests: 1200,
            window: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub host: String,
    pub port: u16,
    pub log_format: LogFormat,
    pub pool: PoolOptions,
    /// HTTP worker threads; `None` = one per CPU core.
    pub workers: Option<usize>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Limits of a CSV import (a file is not a JSON body: its own, larger limits).
    pub imports: ImportLimits,
    pub auth: AuthSettings,
    pub rate_limits: RateLimits,
    /// Browser origins allowed by CORS, e.g. `https://portal.example.org`; empty: none.
    pub cors_origins: Vec<String>,
    /// Delta sync leaves out rows changed in the last `sync_settle`, so a write still in
    /// flight when a page is read is never skipped: it shows in the next call instead.
    pub sync_settle: Duration,
    /// The longest a process serves the catalogue snapshot without checking the catalogue's
    /// version (`CATALOGUE_MAX_STALENESS_MS`): the bound when a notification is lost, and
    /// how soon another process's enrolments show in the seats left of next cohorts.
    pub catalogue_max_staleness: Duration,
    /// Who may read `/metrics` (`METRICS_TOKEN`, `METRICS_ADDR`); by default nobody.
    pub metrics: crate::metrics::MetricsExposure,
    pub webhooks: webhooks::WebhookSettings,
    pub reports: ReportSettings,
}

/// How reports protect the people they count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSettings {
    /// A count of people below this is suppressed (`REPORT_SUPPRESSION_THRESHOLD`, 5); 0
    /// turns suppression off for academy admins, while partners' clients keep the default.
    pub suppression_threshold: i64,
}

impl ReportSettings {
    pub const DEFAULT_THRESHOLD: i64 = 5;

    /// The threshold a caller's report is built with.
    pub fn threshold_for(&self, admin: bool) -> i64 {
        match self.suppression_threshold {
            0 if !admin => Self::DEFAULT_THRESHOLD,
            t => t,
        }
    }
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            suppression_threshold: Self::DEFAULT_THRESHOLD,
        }
    }
}

/// The largest CSV import accepted: bytes and data rows (413 beyond either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_rows: 100_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    DatabaseUrl(#[from] persistence::db::UnsupportedDatabaseUrl),
    #[error("{name}='{value}' is not valid: expected {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("{0}")]
    Auth(String),
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(
    name: &'static str,
    default: T,
    expected: &'static str,
    valid: impl Fn(&T) -> bool,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(value) => match value.trim().parse::<T>() {
            Ok(v) if valid(&v) => Ok(v),
            _ => Err(ConfigError::Invalid {
                name,
                value,
                expected,
            }),
        },
    }
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        let defaults = RateLimits::default();
        let database_url = DatabaseUrl::parse(
            &var("DATABASE_URL").unwrap_or_else(|| DatabaseUrl::DEFAULT.to_owned()),
        )?;
        let log_format = match var("LOG_FORMAT")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    value: other.to_owned(),
                    expected: "text or json",
                });
            }
        };
        let workers: usize = parsed(
            "WORKERS",
            0,
            "a whole number of threads (0 = one per CPU core)",
            |_| true,
        )?;
        Ok(Self {
            database_url,
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            port: parsed("PORT", 8080, "a TCP port number from 0 to 65535", |_| true)?,
            log_format,
            pool: PoolOptions {
                max_size: parsed(
                    "DATABASE_POOL_SIZE",
                    default_pool_size(),
                    "a whole number from 1 to 1000",
                    |n: &u32| (1..=1000).contains(n),
                )?,
                connect_timeout: Duration::from_secs(parsed(
                    "DATABASE_CONNECT_TIMEOUT",
                    5,
                    "a whole number of seconds from 1 to 300",
                    |n: &u64| (1..=300).contains(n),
                )?),
                ..PoolOptions::default()
            },
            workers: (workers > 0).then_some(workers),
            max_body_bytes: parsed(
                "MAX_BODY_BYTES",
                1_048_576,
                "a whole number of bytes ≥ 1024",
                |n: &usize| *n >= 1024,
            )?,
            imports: ImportLimits {
                max_bytes: parsed(
                    "IMPORT_MAX_BYTES",
                    ImportLimits::default().max_bytes,
                    "a whole number of bytes from 1024 to 1073741824",
                    |n: &usize| (1024..=1 << 30).contains(n),
                )?,
                max_rows: parsed(
                    "IMPORT_MAX_ROWS",
                    ImportLimits::default().max_rows,
                    "a whole number of rows from 1 to 10000000",
                    |n: &usize| (1..=10_000_000).contains(n),
                )?,
            },
            auth: auth_from_env()?,
            rate_limits: RateLimits {
                client_requests: parsed(
                    "RATE_LIMIT_REQUESTS",
                    defaults.client_requests,
                    "a whole number ≥ 1",
                    |n: &u32| *n >= 1,
                )?,
                anonymous_requests: parsed(
                    "RATE_LIMIT_ANONYMOUS_REQUESTS",
                    defaults.anonymous_requests,
                    "a whole number ≥ 1",
                    |n: &u32| *n >= 1,
                )?,
                window: Duration::from_secs(parsed(
                    "RATE_LIMIT_WINDOW_SECONDS",
                    defaults.window.as_secs(),
                    "a whole number of seconds ≥ 1",
                    |n: &u64| *n >= 1,
                )?),
            },
            cors_origins: cors_origins()?,
            sync_settle: Duration::from_millis(parsed(
                "SYNC_SETTLE_MILLIS",
                1000,
                "a whole number of milliseconds from 0 to 60000",
                |n: &u64| *n <= 60_000,
            )?),
            catalogue_max_staleness: Duration::from_millis(parsed(
                "CATALOGUE_MAX_STALENESS_MS",
                1000,
                "a whole number of milliseconds from 10 to 3600000",
                |n: &u64| (10..=3_600_000).contains(n),
            )?),
            metrics: metrics_exposure()?,
            webhooks: webhooks::from_env()?,
            reports: ReportSettings {
                suppression_threshold: parsed(
                    "REPORT_SUPPRESSION_THRESHOLD",
                    ReportSettings::DEFAULT_THRESHOLD,
                    "a whole number from 0 (off, for academy admins) to 100",
                    |n: &i64| (0..=100).contains(n),
                )?,
            },
        })
    }

    /// Settings for a development run against `database_url` (no environment read).
    pub fn development(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            host: "127.0.0.1".into(),
            port: 8080,
            log_format: LogFormat::Text,
            pool: PoolOptions {
                max_size: default_pool_size(),
                ..PoolOptions::default()
            },
            workers: None,
            max_body_bytes: 1_048_576,
            imports: ImportLimits::default(),
            auth: AuthSettings::development(),
            rate_limits: RateLimits::default(),
            cors_origins: Vec::new(),
            sync_settle: Duration::from_secs(1),
            catalogue_max_staleness: Duration::from_secs(1),
            metrics: crate::metrics::MetricsExposure::default(),
            webhooks: webhooks::WebhookSettings::default(),
            reports: ReportSettings::default(),
        }
    }
}

/// `METRICS_TOKEN` (at least 16 characters: it guards operational data) and `METRICS_ADDR`
/// (`HOST:PORT` of a listener of their own).
fn metrics_exposure() -> Result<crate::metrics::MetricsExposure, ConfigError> {
    let token = var("METRICS_TOKEN");
    if let Some(t) = &token
        && t.trim().len() < 16
    {
        return Err(ConfigError::Invalid {
            name: "METRICS_TOKEN",
            value: "***".to_owned(),
            expected: "a secret of at least 16 characters",
        });
    }
    let address = var("METRICS_ADDR");
    if let Some(a) = &address
        && a.parse::<std::net::SocketAddr>().is_err()
    {
        return Err(ConfigError::Invalid {
            name: "METRICS_ADDR",
            value: a.clone(),
            expected: "HOST:PORT with an IP address, e.g. 127.0.0.1:9464",
        });
    }
    Ok(crate::metrics::MetricsExposure {
        token: token.map(|t| t.trim().to_owned()),
        address,
    })
}

/// Connections per process: about two per CPU core, at least four. More only queue inside
/// the database (and on a small machine compete with the API for the CPU).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4)
}

fn cors_origins() -> Result<Vec<String>, ConfigError> {
    let origins: Vec<String> = var("CORS_ALLOWED_ORIGINS")
        .map(|v| {
            v.split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for o in &origins {
        let host = o.split_once("://").map(|(_, h)| h);
        let ok = o == "*"
            || ((o.starts_with("https://") || o.starts_with("http://"))
                && host.is_some_and(|h| !h.is_empty() && !h.contains('/')));
        if !ok {
            return Err(ConfigError::Invalid {
                name: "CORS_ALLOWED_ORIGINS",
                value: o.clone(),
                expected: "comma-separated origins such as https://portal.example.org (scheme and host, no path), or *",
            });
        }
    }
    Ok(origins)
}
