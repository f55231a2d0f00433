//! Token signing settings: the key or secret, from `JWT_*` variables, checked for strength
//! in production.

use std::time::Duration;

use super::{ConfigError, Environment, parsed, var};

/// How tokens are signed. HS256 with a shared secret, or EdDSA (Ed25519) with a key pair.
#[derive(Clone)]
pub enum Signing {
    Hs256 {
        secret: Vec<u8>,
    },
    EdDsa {
        private_pem: Vec<u8>,
        public_pem: Vec<u8>,
    },
}

impl std::fmt::Debug for Signing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Signing::Hs256 { .. } => "HS256",
            Signing::EdDsa { .. } => "EdDSA",
        })
    }
}

/// Embedded signing secret of development mode: anyone can read it here, so anyone could
/// forge tokens — never use it in production. To get a first admin client in any mode run
/// `api clients create --name admin --scopes admin` (see the README).
pub const DEVELOPMENT_JWT_SECRET: &str = "development-only: run `api clients create --name admin --scopes admin` for a first admin client";
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub environment: Environment,
    pub signing: Signing,
    /// `iss` of issued tokens, checked on every request.
    pub issuer: String,
    /// `aud` of issued tokens, checked on every request.
    pub audience: String,
    pub token_ttl: Duration,
    /// How long a process may trust what it last read of a client's status (≤ 60 s).
    pub revocation_check: Duration,
    /// Failed token requests allowed per (client id, IP address) and per IP address in
    /// `failure_window`.
    pub max_token_failures: i32,
    pub failure_window: Duration,
}

impl AuthSettings {
    /// Development settings with the embedded secret (tests and local runs).
    pub fn development() -> Self {
        Self {
            environment: Environment::Development,
            signing: Signing::Hs256 {
                secret: DEVELOPMENT_JWT_SECRET.as_bytes().to_vec(),
            },
            issuer: "wtxa-api".into(),
            audience: "wtxa-api".into(),
            token_ttl: Duration::from_secs(900),
            revocation_check: Duration::from_secs(30),
            max_token_failures: 5,
            failure_window: Duration::from_secs(300),
        }
    }
}

fn read_key(name: &'static str) -> Result<Option<Vec<u8>>, ConfigError> {
    var(name)
        .map(|path| {
            std::fs::read(&path)
                .map_err(|e| ConfigError::Auth(format!("{name}: cannot read {path}: {e}")))
        })
        .transpose()
}

pub(super) fn auth_from_env() -> Result<AuthSettings, ConfigError> {
    let environment = match var("APP_ENV")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("development") => Environment::Development,
        Some("production") => Environment::Production,
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "APP_ENV",
                value: other.to_owned(),
                expected: "development or production",
            });
        }
    };
    let secret = var("JWT_SECRET");
    let private_pem = read_key("JWT_PRIVATE_KEY_FILE")?;
    let public_pem = read_key("JWT_PUBLIC_KEY_FILE")?;
    let signing = match (secret, private_pem, public_pem) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ConfigError::Auth(
                "set either JWT_SECRET (HS256) or JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE (EdDSA), not both".into(),
            ));
        }
        (Some(secret), None, None) if secret.len() < MIN_SECRET_BYTES => {
            return Err(ConfigError::Auth(format!(
                "JWT_SECRET is {} bytes; it must be at least {MIN_SECRET_BYTES} (e.g. `openssl rand -base64 48`)",
                secret.len()
            )));
        }
        (Some(secret), None, None) => Signing::Hs256 {
            secret: secret.into_bytes(),
        },
        (None, Some(private_pem), Some(public_pem)) => Signing::EdDsa {
            private_pem,
            public_pem,
        },
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(ConfigError::Auth(
                "EdDSA needs both JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE".into(),
            ));
        }
        (None, None, None) if environment == Environment::Production => {
            return Err(ConfigError::Auth(format!(
                "APP_ENV=production needs a signing key: JWT_SECRET (at least {MIN_SECRET_BYTES} bytes) or JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE (Ed25519 PEM)"
            )));
        }
        (None, None, None) => Signing::Hs256 {
            secret: DEVELOPMENT_JWT_SECRET.as_bytes().to_vec(),
        },
    };
    let revocation_check: u64 = parsed(
        "REVOCATION_CHECK_SECONDS",
        30,
        "a whole number of seconds from 0 to 60",
        |n: &u64| *n <= 60,
    )?;
    Ok(AuthSettings {
        environment,
        signing,
        issuer: var("JWT_ISSUER").unwrap_or_else(|| "wtxa-api".into()),
        audience: var("JWT_AUDIENCE").unwrap_or_else(|| "wtxa-api".into()),
        token_ttl: Duration::from_secs(parsed(
            "JWT_TTL_SECONDS",
            900,
            "a whole number of seconds from 60 to 86400",
            |n: &u64| (60..=86_400).contains(n),
        )?),
        revocation_check: Duration::from_secs(revocation_check),
        max_token_failures: parsed(
            "TOKEN_FAILURE_LIMIT",
            5,
            "a whole number ≥ 1",
            |n: &i32| *n >= 1,
        )?,
        failure_window: Duration::from_secs(parsed(
            "TOKEN_FAILURE_WINDOW_SECONDS",
            300,
            "a whole number of seconds ≥ 1",
            |n: &u64| *n >= 1,
        )?),
    })
}
