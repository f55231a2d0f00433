//! The middleware that turns `Authorization: Bearer <token>` into a [`Principal`]. No header:
//! the request goes on anonymously (handlers decide whether that is enough). A header that
//! does not verify, or a client that has been revoked: 401 at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use domain::ScopeSet;
use persistence::Store;
use persistence::access::clients::{self, TokenPolicy};
use uuid::Uuid;

use super::principal::{Principal, bad_request, unauthorized};
use super::tokens::{Claims, Tokens};
use crate::http::rate_limit::RateLimiters;
use crate::http::{ApiError, db};

/// What this process last read of each client's token policy, trusted for `ttl` (at most
/// 60 s): revoking a client or rotating its secret reaches every process within that time.
pub struct RevocationCache {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, (Instant, Option<TokenPolicy>)>>,
}

impl RevocationCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, id: Uuid) -> Option<Option<TokenPolicy>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&id)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, p)| *p)
    }

    fn remember(&self, id: Uuid, policy: Option<TokenPolicy>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() > 10_000 {
                entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            }
            entries.insert(id, (Instant::now(), policy));
        }
    }

    /// The client's policy for a token of `generation`. A token newer than what this process
    /// last read (a secret was just rotated elsewhere) makes it read again.
    async fn policy(
        &self,
        store: &Store,
        id: Uuid,
        generation: i32,
    ) -> Result<Option<TokenPolicy>, ApiError> {
        match self.cached(id) {
            Some(Some(p)) if p.token_generation >= generation => return Ok(Some(p)),
            Some(None) => return Ok(None),
            _ => {}
        }
        let policy = db(store, move |conn| clients::token_policy(conn, id)).await?;
        self.remember(id, policy);
        Ok(policy)
    }
}

/// The bearer token, if the request offers one. Other schemes (HTTP Basic for the token
/// endpoint) are not this middleware's business.
fn bearer(req: &ServiceRequest) -> Option<Result<String, &'static str>> {
    if req.path() == crate::metrics::PATH {
        return None; // its bearer is the operator's METRICS_TOKEN, checked there
    }
    let value = req.headers().get(AUTHORIZATION)?;
    let Ok(text) = value.to_str() else {
        return Some(Err("the Authorization header is not readable text"));
    };
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    Some(if token.is_empty() {
        Err("the Authorization header must be `Bearer <token>`")
    } else {
        Ok(token.to_owned())
    })
}

async fn principal(req: &ServiceRequest, token: &str) -> Result<Principal, ApiError> {
    let (tokens, cache, store) = match (
        req.app_data::<web::Data<Tokens>>(),
        req.app_data::<web::Data<RevocationCache>>(),
        req.app_data::<web::Data<Store>>(),
    ) {
        (Some(t), Some(c), Some(s)) => (t.clone(), c.clone(), s.clone()),
        _ => {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "authentication is not configured"
            )));
        }
    };
    let invalid = |why: &str| unauthorized(Some(("invalid_token", why)));
    let claims: Claims = tokens.verify(token).map_err(|e| invalid(&e.0))?;
    let client_id = Uuid::parse_str(&claims.sub)
        .map_err(|_| invalid("the token's subject is not a client id"))?;
    let organisation_id = claims
        .org
        .as_deref()
        .map(Uuid::parse_str)
        .transpose()
        .map_err(|_| invalid("the token's organisation is not an id"))?;
    let scopes = ScopeSet::parse(&claims.scope)
        .map_err(|_| invalid("the token carries an unknown scope"))?;
    match cache.policy(&store, client_id, claims.generation).await? {
        Some(p) if p.active && p.token_generation == claims.generation => Ok(Principal {
            client_id,
            organisation_id,
            scopes,
        }),
        Some(p) if p.active => Err(invalid(
            "the token was issued before the client's secret or scopes changed; request a new one",
        )),
        _ => Err(invalid("the client has been revoked")),
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let token = match bearer(&req) {
        None => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body);
        }
        Some(Err(why)) => Err(bad_request(why)),
        Some(Ok(token)) => principal(&req, &token).await,
    };
    match token {
        Ok(p) => {
            req.extensions_mut().insert(p);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(e) => {
            let ip = req
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default();
            let limited = req
                .app_data::<web::Data<RateLimiters>>()
                .and_then(|l| l.charge_anonymous(&ip));
            Ok(req
                .into_response(limited.unwrap_or(e).error_response())
                .map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_trusts_a_reading_for_its_ttl_only() {
        let id = Uuid::now_v7();
        let policy = TokenPolicy {
            active: true,
            token_generation: 1,
        };
        let cache = RevocationCache::new(Duration::from_millis(50));
        assert_eq!(cache.cached(id), None);
        cache.remember(id, Some(policy));
        assert_eq!(cache.cached(id), Some(Some(policy)));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(
            cache.cached(id),
            None,
            "expired: the next request reads the database"
        );
        let never = RevocationCache::new(Duration::ZERO);
        never.remember(id, Some(policy));
        assert_eq!(never.cached(id), None);
    }
}
