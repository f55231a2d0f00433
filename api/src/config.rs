//! Configuration, from environment variables only. Every variable, its default and its
//! meaning is listed in the README.

use std::time::Duration;

use persistence::{DatabaseUrl, PoolOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
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
                    10,
                    "a whole number from 1 to 1000",
                    |n: &u32| (1..=1000).contains(n),
                )?,
                connect_timeout: Duration::from_secs(parsed(
                    "DATABASE_CONNECT_TIMEOUT",
                    5,
                    "a whole number of seconds from 1 to 300",
                    |n: &u64| (1..=300).contains(n),
                )?),
            },
            workers: (workers > 0).then_some(workers),
            max_body_bytes: parsed(
                "MAX_BODY_BYTES",
                1_048_576,
                "a whole number of bytes ≥ 1024",
                |n: &usize| *n >= 1024,
            )?,
        })
    }
}
