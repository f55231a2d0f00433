//! One delivery attempt, exactly as Standard Webhooks specifies: the payload
//! `{"type", "timestamp", "data"}`, headers `webhook-id` (the event's id, the same on every
//! attempt), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret that signs, space
//! separated). No redirect is followed; at most 1 KiB of the answer is read; names are
//! resolved at each connection and refused when they lead to an address webhooks may not
//! reach (against DNS rebinding).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::webhook::{Response, UrlPolicy, refused, retry_after_seconds};
use hmac::{Hmac, Mac};
use persistence::webhooks::worker::Claim;
use sha2::Sha256;

use crate::config::webhooks::WebhookSettings;

/// The most of a receiver's answer that is read and kept.
pub const EXCERPT_BYTES: usize = 1024;
pub const SECRET_PREFIX: &str = "whsec_";
const SECRET_BYTES: usize = 32;

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// `v1,<signature>` of `id.timestamp.body` under `secret`; `None` for a malformed secret.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The body of a delivery: the stored `data` with the person's current `external_ref`.
pub fn payload(claim: &Claim) -> Vec<u8> {
    let mut data: serde_json::Value = serde_json::from_str(&claim.data).unwrap_or_default();
    if let Some(map) = data.as_object_mut()
        && map.contains_key("person_id")
    {
        map.insert(
            "person_external_ref".into(),
            claim.person_ref.clone().into(),
        );
    }
    let at = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &claim.occurred_at);
    serde_json::json!({"type": claim.event_type, "timestamp": at, "data": data})
        .to_string()
        .into_bytes()
}

/// Resolves names at each connection, keeping only addresses the policy allows.
struct CheckedResolver(UrlPolicy);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (policy, host) = (self.0, name.as_str().to_owned());
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| !refused(a.ip(), policy))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the host resolves only to addresses webhooks may not reach",
                ))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Makes ring the process's TLS crypto provider, once (reqwest is built without aws-lc,
/// which needs cmake; every reqwest client of the process, the tests' and the benchmark's
/// included, needs a provider installed before it is built).
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The HTTP client of a delivery worker: rustls (ring) with the web PKI roots, no
/// redirects, the configured timeout, checked name resolution.
pub fn client(settings: &WebhookSettings) -> anyhow::Result<reqwest::Client> {
    install_tls_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the name itself, past the address checks.
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .dns_resolver(Arc::new(CheckedResolver(settings.policy)))
        .user_agent(concat!("wtxa-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// What one attempt gave.
pub struct Attempted {
    pub response: Response,
    pub status_code: Option<u16>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub excerpt: Option<String>,
}

/// Sends `claim` once, signed with each of its secrets.
pub async fn attempt(client: &reqwest::Client, claim: &Claim, policy: UrlPolicy) -> Attempted {
    let started = Instant::now();
    let failed = |error: String| Attempted {
        response: Response::NoAnswer,
        status_code: None,
        latency_ms: elapsed_ms(started),
        error: Some(error),
        excerpt: None,
    };
    // A literal address is not resolved, so the resolver cannot refuse it: check it here.
    if let Ok(url) = reqwest::Url::parse(&claim.url) {
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if literal.is_some_and(|ip| refused(ip, policy)) {
            return failed("the endpoint's address is one webhooks may not reach".into());
        }
    }
    let body = payload(claim);
    let id = claim.event_id.to_string();
    let timestamp = chrono::Utc::now().timestamp();
    let signatures: Vec<String> = [Some(&claim.secret), claim.previous_secret.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|s| signature(s, &id, timestamp, &body))
        .collect();
    let sent = client
        .post(&claim.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(body)
        .send()
        .await;
    let mut answer = match sent {
        Ok(r) => r,
        Err(e) => return failed(describe(&e)),
    };
    let code = answer.status().as_u16();
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after_seconds(v, std::time::SystemTime::now()));
    let mut excerpt = Vec::new();
    let mut error = None;
    while excerpt.len() < EXCERPT_BYTES {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                excerpt.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES - excerpt.len())])
            }
            Ok(None) => break,
            Err(e) => {
                error = Some(describe(&e));
                break;
            }
        }
    }
    let excerpt = String::from_utf8_lossy(&excerpt).into_owned();
    Attempted {
        response: Response::Status { code, retry_after },
        status_code: Some(code),
        latency_ms: elapsed_ms(started),
        error: error.or_else(|| {
            (!(200..300).contains(&code)).then(|| format!("the receiver answered {code}"))
        }),
        excerpt: (!excerpt.is_empty()).then_some(excerpt),
    }
}

fn elapsed_ms(started: Instant) -> i32 {
    i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX)
}

/// The error without the URL (which may carry a token of the receiver's in its query).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "redirects are not followed"
    } else {
        "the request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}
