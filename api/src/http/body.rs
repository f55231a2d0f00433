//! JSON bodies: size limit (413), `Content-Type: application/json` required (415), and
//! malformed JSON reported with line and column (400) — all as problems. [`Json`] reads a
//! body as JSON Schema reads it: a number with no fractional part (`20.0`) is an integer.

use actix_web::error::{JsonPayloadError, PathError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};

use super::problem::{Problem, ProblemField};

/// A JSON request body of type `T`, read through [`json_config`]'s checks. Numbers with no
/// fractional part are integers, as JSON Schema (and so the contract) has it: `"capacity":
/// 20.0` is `20`, where serde alone would refuse it.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            typed(value).map(Json).map_err(Into::into)
        })
    }
}

/// `value` (a parsed body) as `T`, with integral numbers as integers; a shape error is a 400,
/// a string with a control character a 422 naming its field.
pub fn typed<T: serde::de::DeserializeOwned>(
    mut value: serde_json::Value,
) -> Result<T, super::ApiError> {
    let mut errors = domain::ValidationErrors::new();
    control_characters(&value, "", &mut errors);
    if !errors.is_empty() {
        return Err(super::error::unprocessable(errors));
    }
    integral_numbers(&mut value);
    serde_json::from_value::<T>(value).map_err(|e| deserialize_problem(e).into())
}

/// Records every string (or key) of `value` holding a control character, by its path
/// (`records[0].status`), the way field errors name fields.
fn control_characters(value: &serde_json::Value, at: &str, errors: &mut domain::ValidationErrors) {
    use domain::validation::{control_character, control_character_message};
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Some(c) = control_character(s) {
                errors.add(
                    if at.is_empty() { "body" } else { at },
                    control_character_message(c),
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{at}[{i}]"), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let field = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match control_character(key) {
                    Some(c) => errors.add("body", control_character_message(c)),
                    None => control_characters(item, &field, errors),
                }
            }
        }
        _ => {}
    }
}

/// Rewrites every float with no fractional part (within the range of `i64`) as an integer.
pub fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(|mime| {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        })
        .error_handler(move |err, _req: &HttpRequest| json_problem(err, limit).into())
}

pub fn json_problem(err: JsonPayloadError, limit: usize) -> Problem {
    match err {
        JsonPayloadError::ContentType => Problem::typed(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "the body must be JSON, sent with Content-Type: application/json",
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            Problem::typed(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Payload too large",
                format!("the body is larger than the maximum of {limit} bytes"),
            )
        }
        JsonPayloadError::Deserialize(e) => deserialize_problem(e),
        other => Problem::typed(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "Invalid request body",
            format!("the body could not be read: {other}"),
        ),
    }
}

/// 400 for JSON that is malformed or does not match the expected shape, with line, column and
/// (for unknown fields) the field.
pub fn deserialize_problem(e: serde_json::Error) -> Problem {
    let (line, column) = (e.line(), e.column());
    let message = e.to_string();
    let field = unknown_field(&message).unwrap_or("body").to_owned();
    // A body read as a JSON value first has no position (line 0) for a shape error.
    let detail = if e.is_data() && line == 0 {
        format!("the JSON does not match the expected shape: {message}")
    } else if e.is_data() {
        format!(
            "the JSON does not match the expected shape at line {line}, column {column}: {message}"
        )
    } else {
        format!("the body is not valid JSON at line {line}, column {column}: {message}")
    };
    Problem::typed(
        StatusCode::BAD_REQUEST,
        "invalid-body",
        "Invalid request body",
        detail,
    )
    .with_errors(vec![ProblemField { field, message }])
}

/// serde names an unknown field as "unknown field `x`, expected …".
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// Path segments that do not parse (e.g. a malformed id) are 404: no such resource.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, req: &HttpRequest| {
        Problem::status_only(
            StatusCode::NOT_FOUND,
            Some(format!("no resource at {}: {err}", req.path())),
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};
    use serde::Deserialize;

    use super::*;
    use crate::http::normalise::to_problem;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Echo {
        name: String,
    }

    async fn echo(_body: web::Json<Echo>) -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn call(req: test::TestRequest) -> (u16, String, serde_json::Value) {
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::ErrorHandlers::new().default_handler(to_problem))
                .app_data(json_config(64))
                .route("/echo", web::post().to(echo)),
        )
        .await;
        let res = test::call_service(
            &app,
            req.uri("/echo")
                .method(actix_web::http::Method::POST)
                .to_request(),
        )
        .await;
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let body: serde_json::Value = test::read_body_json(res).await;
        (status, ct, body)
    }

    #[actix_web::test]
    async fn malformed_json_is_400_with_line_and_column() {
        let (status, ct, body) = call(
            test::TestRequest::default()
                .insert_header(("content-type", "application/json"))
                .set_payload("{\n  \"name\": \"a\",\n  oops\n}"),
        )
        .await;
        assert_eq!((status, ct.as_str()), (400, "application/problem+json"));
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("line 3, column 3"), "{detail}");
        assert_eq!(body["instance"], "/echo");
    }

    #[actix_web::test]
    async fn integral_floats_are_integers_as_in_json_schema() {
        let mut v = serde_json::json!({"capacity": 20.0, "ratio": 0.5, "list": [6.0, -3.0, 1e300]});
        integral_numbers(&mut v);
        assert_eq!(v["capacity"], serde_json::json!(20));
        assert!(v["capacity"].is_i64());
        assert_eq!(v["ratio"], serde_json::json!(0.5));
        assert!(v["list"][0].is_i64() && v["list"][1].is_i64());
        assert!(v["list"][2].is_f64(), "out of range stays a float");
    }

    #[actix_web::test]
    async fn unknown_fields_are_named() {
        let (status, _, body) = call(
            test::TestRequest::default()
                .insert_header(("content-type", "application/json"))
                .set_payload(r#"{"name":"a","colour":"red"}"#),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["field"], "colour");
    }

    #[actix_web::test]
    async fn wrong_content_type_is_415() {
        let (status, ct, body) = call(
            test::TestRequest::default()
                .insert_header(("content-type", "text/plain"))
                .set_payload(r#"{"name":"a"}"#),
        )
        .await;
        assert_eq!((status, ct.as_str()), (415, "application/problem+json"));
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("application/json")
        );
    }

    #[actix_web::test]
    async fn oversized_body_is_413_naming_the_limit() {
        let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(200));
        let (status, _, body) = call(
            test::TestRequest::default()
                .insert_header(("content-type", "application/json"))
                .set_payload(big),
        )
        .await;
        assert_eq!(status, 413);
        assert!(body["detail"].as_str().unwrap().contains("64 bytes"));
    }
}
