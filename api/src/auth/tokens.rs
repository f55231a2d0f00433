//! Signed access tokens (JWT). The algorithm is fixed by configuration: a token claiming any
//! other algorithm (including `none`) is refused, as are tokens with the wrong issuer or
//! audience, expired ones and ones not yet valid (30 s leeway for clock skew).

use std::time::Duration;

use domain::ScopeSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{AuthSettings, Signing};

pub const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The client id.
    pub sub: String,
    /// The client's organisation; absent for academy clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub jti: String,
    /// The client's token generation; a rotated secret or a revocation starts a new one.
    pub generation: i32,
}

pub struct Tokens {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("signing key: {0}")]
pub struct KeyError(String);

/// Why a token was refused; shown to the client as `error_description`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidToken(pub String);

impl Tokens {
    pub fn new(settings: &AuthSettings) -> Result<Self, KeyError> {
        let (algorithm, encoding, decoding) = match &settings.signing {
            Signing::Hs256 { secret } => (
                Algorithm::HS256,
                EncodingKey::from_secret(secret),
                DecodingKey::from_secret(secret),
            ),
            Signing::EdDsa {
                private_pem,
                public_pem,
            } => (
                Algorithm::EdDSA,
                EncodingKey::from_ed_pem(private_pem)
                    .map_err(|e| KeyError(format!("JWT_PRIVATE_KEY_FILE: {e}")))?,
                DecodingKey::from_ed_pem(public_pem)
                    .map_err(|e| KeyError(format!("JWT_PUBLIC_KEY_FILE: {e}")))?,
            ),
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        Ok(Self {
            algorithm,
            encoding,
            decoding,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: settings.token_ttl,
        })
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for a client.
    pub fn issue(
        &self,
        client_id: Uuid,
        organisation_id: Option<Uuid>,
        scopes: &ScopeSet,
        generation: i32,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: client_id.to_string(),
            org: organisation_id.map(|o| o.to_string()),
            scope: scopes.to_string(),
            iat: now,
            nbf: now,
            exp: now + self.ttl.as_secs(),
            jti: Uuid::now_v7().to_string(),
            generation,
        };
        encode(&Header::new(self.algorithm), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, time window, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        use jsonwebtoken::errors::ErrorKind;
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| {
                InvalidToken(
                    match e.kind() {
                        ErrorKind::ExpiredSignature => "the token has expired; request a new one",
                        ErrorKind::ImmatureSignature => "the token is not valid yet",
                        ErrorKind::InvalidIssuer => "the token was issued by someone else",
                        ErrorKind::InvalidAudience => "the token is meant for another audience",
                        ErrorKind::InvalidAlgorithm => {
                            "the token is signed with an algorithm this API does not accept"
                        }
                        ErrorKind::InvalidSignature => "the token's signature does not verify",
                        ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
                        _ => "the token is malformed",
                    }
                    .to_owned(),
                )
            })
    }
}
