//! `Idempotency-Key` on POST: the same key with the same request gets the first response
//! again, byte for byte, with its status; with another request, 422; while the first is
//! still running, 409. Keys belong to the authenticated client and live in the database, so
//! a retry may land on any API process. Server errors (5xx) are not stored: the retry runs.

use actix_web::body::{self, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderName, HeaderValue, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use persistence::Store;
use persistence::access::idempotency::{self, Begin, Stored};
use sha2::{Digest, Sha256};

use super::error::{ApiError, db};
use super::normalise::{Verbatim, stamp};
use super::problem::Problem;
use crate::auth::Principal;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
const KEPT_HEADERS: [HeaderName; 3] = [CONTENT_TYPE, LOCATION, ETAG];

fn problem(status: StatusCode, slug: &str, title: &str, detail: &str) -> ApiError {
    Problem::typed(status, slug, title, detail).into()
}

fn key_of(req: &ServiceRequest) -> Option<Result<String, ApiError>> {
    let value = req.headers().get(IDEMPOTENCY_KEY)?;
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()));
    Some(key.map(str::to_owned).ok_or_else(|| {
        problem(
            StatusCode::BAD_REQUEST,
            "invalid-idempotency-key",
            "Invalid Idempotency-Key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID",
        )
    }))
}

fn replay(stored: Stored) -> HttpResponse {
    let mut res =
        HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    let headers: Vec<(String, String)> = serde_json::from_str(&stored.headers).unwrap_or_default();
    for (name, value) in headers {
        res.insert_header((name, value));
    }
    res.insert_header((REPLAYED, HeaderValue::from_static("true")));
    let problem_type = (stored.status >= 400)
        .then(|| serde_json::from_slice::<Problem>(&stored.body).ok())
        .flatten()
        .map(|p| super::problem::ProblemType(p.type_));
    let mut res = res.body(stored.body);
    if let Some(t) = problem_type {
        res.extensions_mut().insert(t);
    }
    // Byte for byte: not re-stamped with this request's id by the problem normaliser.
    res.extensions_mut().insert(Verbatim);
    res
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, Error> {
    let principal = req.extensions().get::<Principal>().map(|p| p.client_id);
    let store = req.app_data::<web::Data<Store>>().cloned();
    let (key, client, store) = match (req.method() == Method::POST, key_of(&req), principal, store)
    {
        (true, Some(Ok(key)), Some(client), Some(store)) => (key, client, store),
        (true, Some(Err(e)), _, _) => {
            return Ok(req.into_response(e.error_response()).map_into_right_body());
        }
        _ => {
            return next
                .call(req)
                .await
                .map(|r| r.map_into_boxed_body().map_into_left_body());
        }
    };

    // The request, as the key promises it: method, path, query and body. Read in full (up
    // to the largest body any route takes: imports), then put back for the handler.
    let limit = req
        .app_data::<web::Data<crate::config::ImportLimits>>()
        .map_or(crate::config::ImportLimits::default().max_bytes, |l| {
            l.max_bytes
        });
    let mut payload = req.take_payload();
    let mut buffered = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if buffered.len() + chunk.len() > limit {
            let e = problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Payload too large",
                "the body is too large",
            );
            return Ok(req.into_response(e.error_response()).map_into_right_body());
        }
        buffered.extend_from_slice(&chunk);
    }
    let body = buffered.freeze();
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.uri().to_string());
    hasher.update(b"\n");
    hasher.update(&body);
    let hash = format!("{:x}", hasher.finalize());
    req.set_payload(Payload::from(body));

    let begin = {
        let (key, hash) = (key.clone(), hash.clone());
        db(&store, move |conn| {
            idempotency::begin(conn, client, &key, &hash)
        })
        .await
    };
    let refusal = match begin {
        Err(e) => Some(e),
        Ok(Begin::Replay(stored)) => {
            return Ok(req.into_response(replay(stored)).map_into_right_body());
        }
        Ok(Begin::InFlight) => Some(problem(
            StatusCode::CONFLICT,
            "idempotency-key-in-flight",
            "Request in progress",
            "a request with this Idempotency-Key is still being processed; retry in a moment",
        )),
        Ok(Begin::Mismatch) => Some(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was used with a different request; use a new key for a new request",
        )),
        Ok(Begin::New) => None,
    };
    if let Some(e) = refusal {
        return Ok(req.into_response(e.error_response()).map_into_right_body());
    }

    // The request runs to the end and its response is stored even if the client goes away
    // meanwhile: a retry then gets the answer instead of running it twice.
    let finished = actix_web::rt::spawn(async move {
        let res = next.call(req).await;
        let res = match res {
            Ok(res) => res,
            Err(e) => {
                let _ = db(&store, move |conn| idempotency::abandon(conn, client, &key)).await;
                return Err(e);
            }
        };
        let (http_req, response) = res.into_parts();
        let status = response.status();
        let headers: Vec<(String, String)> = KEPT_HEADERS
            .iter()
            .filter_map(|h| {
                response
                    .headers()
                    .get(h)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| (h.to_string(), v.to_owned()))
            })
            .collect();
        let (head, body) = response.into_parts();
        let mut bytes = body::to_bytes(body).await.unwrap_or_default();
        // Store what the client gets: a problem stamped with this request (and left alone by
        // the normaliser, so a replay is byte for byte the same).
        let verbatim = status.is_client_error();
        if verbatim && let Ok(mut problem) = serde_json::from_slice::<Problem>(&bytes) {
            stamp(&mut problem, &http_req);
            bytes = serde_json::to_vec(&problem).unwrap_or_default().into();
        }
        let outcome = if status.is_server_error() {
            db(&store, move |conn| idempotency::abandon(conn, client, &key)).await
        } else {
            let stored = Stored {
                status: status.as_u16(),
                headers: serde_json::to_string(&headers).unwrap_or_else(|_| "[]".into()),
                body: bytes.to_vec(),
            };
            db(&store, move |conn| {
                idempotency::finish(conn, client, &key, &stored)
            })
            .await
        };
        if let Err(e) = outcome {
            // The status only: a problem's text may carry what the client sent.
            tracing::warn!(
                status = e.status_code().as_u16(),
                "could not store an idempotent response"
            );
        }
        let mut response = head.set_body(BoxBody::new(bytes));
        if verbatim {
            response.extensions_mut().insert(Verbatim);
        }
        Ok(ServiceResponse::new(http_req, response).map_into_left_body())
    });
    match finished.await {
        Ok(result) => result,
        Err(e) => Err(actix_web::error::ErrorInternalServerError(e.to_string())),
    }
}
