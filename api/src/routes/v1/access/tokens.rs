//! `POST /api/v1/oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749 §4.4).
//! Errors use the RFC's own JSON shape (§5.2), which OAuth client libraries understand.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE,
};
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::{ClientStatus, ScopeSet};
use persistence::Store;
use persistence::access::audit::{self, AuditEntry};
use persistence::access::clients;
use persistence::access::throttle::{self, Policy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::principal::REALM;
use crate::auth::{Tokens, secret};
use crate::http::audit_log::outcome;
use crate::http::normalise::Verbatim;
use crate::http::{ApiError, Problem, db, request_id};

/// The token request, form-encoded. Send the client credentials either here or with HTTP
/// Basic authentication (`Authorization: Basic base64(client_id:client_secret)`), not both.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "0193a1b4-5f6e-7c3d-9a2b-1c4d5e6f7a8b",
    "client_secret": "wtxa_cs_…", "scope": "people:read enrolments:read"}))]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated scopes, a subset of the client's; all of them when absent.
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.…", "token_type": "Bearer", "expires_in": 900,
    "scope": "enrolments:read people:read"}))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// The scopes granted, space-separated.
    pub scope: String,
}

/// An error of the token endpoint (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_client", "error_description": "unknown client or wrong secret"}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, or `slow_down` (too many failures).
    pub error: &'static str,
    pub error_description: String,
}

fn oauth_error(
    status: StatusCode,
    error: &'static str,
    description: impl Into<String>,
) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"));
    if status == StatusCode::UNAUTHORIZED {
        res.insert_header((WWW_AUTHENTICATE, format!("Basic realm=\"{REALM}\"")));
    }
    let mut res = res.json(OAuthError {
        error,
        error_description: description.into(),
    });
    res.extensions_mut().insert(Verbatim);
    res
}

/// An error of the token endpoint, before it becomes a response.
pub struct OAuthFailure {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthFailure {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    fn response(self) -> HttpResponse {
        oauth_error(self.status, self.error, self.description)
    }
}

/// Credentials from the Basic header or the body (exactly one of them).
fn credentials(req: &HttpRequest, form: &TokenRequest) -> Result<(String, String), OAuthFailure> {
    let invalid = |d: &str| OAuthFailure::new(StatusCode::BAD_REQUEST, "invalid_request", d);
    // Authentication schemes are case-insensitive (RFC 9110 §11.1).
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, credentials)| credentials);
    let in_body = form.client_id.is_some() || form.client_secret.is_some();
    match (basic, in_body) {
        (Some(_), true) => Err(invalid(
            "send the client credentials either with HTTP Basic or in the body, not both",
        )),
        (Some(encoded), false) => {
            let decoded = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    OAuthFailure::new(
                        StatusCode::UNAUTHORIZED,
                        "invalid_client",
                        "the Basic credentials are not valid base64",
                    )
                })?;
            let (id, secret) = decoded.split_once(':').ok_or_else(|| {
                OAuthFailure::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Basic credentials must be client_id:client_secret",
                )
            })?;
            // RFC 6749 §2.3.1: each part is form-urlencoded before being joined.
            let decode = |s: &str| {
                form_urlencoded::parse(format!("v={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            Ok((decode(id), decode(secret)))
        }
        (None, true) => match (&form.client_id, &form.client_secret) {
            (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
            _ => Err(invalid("both client_id and client_secret are required")),
        },
        (None, false) => Err(OAuthFailure::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication is required: HTTP Basic, or client_id and client_secret in the body",
        )),
    }
}

pub struct TokenThrottle(pub Policy);

/// Get an access token with the client credentials grant.
///
/// Failed attempts are counted per (client id, IP address) and per IP address, across all API
/// processes; past the limit the endpoint answers 429 with `Retry-After` until the window
/// ends. Failures from other addresses never lock a client out.
#[utoipa::path(
    tag = "access",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token.", body = TokenResponse, headers(("Pragma" = String))),
        (status = 400, description = "`invalid_request`, `unsupported_grant_type` or `invalid_scope`.", body = OAuthError,
            headers(("Pragma" = String))),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, or revoked.", body = OAuthError,
            headers(("WWW-Authenticate" = String, description = "`Basic realm=\"wtxa\"`"), ("Pragma" = String))),
        (status = 429, description = "`slow_down` (RFC 6749 shape): too many failed attempts; or a rate-limit problem.",
            content((OAuthError = "application/json"), (Problem = "application/problem+json")),
            headers(("Retry-After" = u64, description = "Seconds to wait."), ("Pragma" = String))),
    )
)]
#[post("/oauth/token")]
pub async fn issue_token(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
    tokens: web::Data<Tokens>,
    throttle: web::Data<TokenThrottle>,
) -> Result<HttpResponse, ApiError> {
    let form_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_type {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send the request as application/x-www-form-urlencoded",
        ));
    }
    let form: TokenRequest = match serde_html_form::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("the form is malformed: {e}"),
            ));
        }
    };
    match form.grant_type.as_deref() {
        None => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            ));
        }
        Some("client_credentials") => {}
        Some(other) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type '{other}' is not supported; use client_credentials"),
            ));
        }
    }
    let (client_id, client_secret) = match credentials(&req, &form) {
        Ok(c) => c,
        Err(failure) => return Ok(failure.response()),
    };
    let requested = match form.scope.as_deref().map(ScopeSet::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                e.to_string(),
            ));
        }
    };

    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let policy = throttle.0;
    // Failures are counted per (client id, address) and per address: a guesser elsewhere
    // cannot lock a client out by knowing its id, and one address cannot try many ids.
    // Under the canonical id only: other spellings of an id are the same client, and a
    // string that is no id at all is counted against the address alone.
    let parsed_id = Uuid::parse_str(&client_id).ok();
    let client_key = parsed_id.map(|id| format!("client:{id}@{ip}"));
    let ip_key = format!("ip:{ip}");
    let keys: Vec<String> = client_key.iter().cloned().chain([ip_key.clone()]).collect();
    let audit = AuditEntry::by(parsed_id, None, request_id::of(&req).unwrap_or_default());
    let attempted = parsed_id.map(|id| id.to_string());

    let blocked = {
        let keys = keys.clone();
        db(&store, move |conn| {
            let mut wait = None;
            for key in &keys {
                wait = wait.max(throttle::charge(conn, key, policy)?);
            }
            Ok(wait)
        })
        .await?
    };
    if let Some(wait) = blocked {
        let entry = audit.recorded(
            "token.issue",
            "client",
            attempted.clone(),
            429,
            outcome(429),
        );
        db(&store, move |conn| audit::record(conn, &entry)).await?;
        let mut res = oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            format!("too many failed attempts; retry after {wait} s"),
        );
        res.headers_mut().insert(RETRY_AFTER, wait.into());
        return Ok(res);
    }

    // Look up and verify on the blocking pool: argon2 is deliberately slow.
    let looked_up = match parsed_id {
        Some(id) => db(&store, move |conn| clients::credentials(conn, id)).await?,
        None => None,
    };
    let verified = web::block(move || {
        let hash = looked_up
            .as_ref()
            .map_or(secret::decoy_hash(), |c| c.secret_hash.as_str());
        let ok = secret::verify(&client_secret, hash);
        looked_up.filter(|_| ok)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("verifying a secret: {e}")))?;

    let client = match verified {
        Some(c) if c.client.spec.status() == ClientStatus::Active => c.client,
        other => {
            let revoked = other.is_some();
            let entry = audit.recorded("token.issue", "client", attempted, 401, outcome(401));
            db(&store, move |conn| audit::record(conn, &entry)).await?;
            let why = if revoked {
                "the client has been revoked"
            } else {
                "unknown client or wrong secret"
            };
            return Ok(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", why));
        }
    };

    let granted = client.spec.scopes().clone();
    let scopes = match requested {
        None => granted,
        Some(r) if r.is_empty() => granted,
        Some(r) if r.is_subset(&granted) => r,
        Some(r) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                format!("'{r}' is not within the client's scopes '{granted}'"),
            ));
        }
    };
    let access_token = tokens
        .issue(
            client.id,
            client.organisation_id,
            &scopes,
            client.token_generation,
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("signing a token: {e}")))?;
    let entry = AuditEntry {
        organisation_id: client.organisation_id,
        ..audit
    }
    .recorded(
        "token.issue",
        "client",
        Some(client.id.to_string()),
        200,
        outcome(200),
    );
    let (id, success_key) = (client.id, client_key.unwrap_or_default());
    db(&store, move |conn| {
        throttle::clear(conn, &success_key)?;
        throttle::refund(conn, &ip_key)?;
        clients::touch_last_token(conn, id)?;
        audit::record(conn, &entry)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: tokens.ttl().as_secs(),
            scope: scopes.to_string(),
        }))
}
