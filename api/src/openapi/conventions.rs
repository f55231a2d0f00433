//! The API's conventions, applied to every operation of the document in one place rather
//! than repeated in each handler's `#[utoipa::path]`: the problem responses each kind of
//! operation can give, the headers every response carries, and the request headers the
//! server honours (`Idempotency-Key`, `If-Match`, `If-None-Match`).
//!
//! | rule | adds |
//! | --- | --- |
//! | every operation | 500; 503 (but `/health/live`); `X-Request-Id` on every response |
//! | under `/api/` | 401 (a token that does not verify is refused even where none is needed), 429, the `RateLimit-*` headers |
//! | every operation (it refuses query parameters it does not take) | 400 |
//! | a body | 413; 415 and 422 (but for the token endpoint's form, RFC 6749's 400 instead) |
//! | secured by a scope | 403 |
//! | path parameters | 404 |
//! | secured POST | `Idempotency-Key`, 409 (same key in flight), 422 (same key, other request), `Idempotent-Replayed` |
//! | PATCH | `If-Match` (required), 412, 428 |
//! | an optional `If-Match` (DELETE) | 412 |
//! | GET whose 200 has an `ETag` | `If-None-Match`, 304 (no body) |
//! | a `cursor` parameter (a list) | `Link` on the 200 |

use utoipa::Modify;
use utoipa::openapi::path::{
    HttpMethod, Operation, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ArrayItems, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Components, OpenApi, Ref, RefOr, Required};

use super::problems::{EVERY_API_RESPONSE, HEADERS, PROBLEMS, ProblemResponse, header, header_ref};

pub struct Conventions;

const IDEMPOTENCY_KEY: &str = "IdempotencyKey";
const IF_MATCH: &str = "IfMatch";
/// An entity tag as the server makes them, for the examples of `If-Match`.
const ETAG_EXAMPLE: &str = "\"0193a1b45f6e7c3d9a2b1c4d5e6f7a8b.3\"";
const IF_NONE_MATCH: &str = "IfNoneMatch";

fn header_parameters() -> [(&'static str, Parameter); 3] {
    let string = |pattern: &str, max: Option<usize>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(max)
            .pattern(Some(pattern))
    };
    // RFC 9110 entity tags (`etagc` is visible ASCII but `"`), without the comma, which this
    // API's tags never contain and its parser does not take inside one.
    let tags = r#"^(\*|(W/)?"[!#-+\--~]*"( *, *(W/)?"[!#-+\--~]*")*)$"#;
    [
        (
            IDEMPOTENCY_KEY,
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes a retry safe: the same key with the same request gets the first response again \
                     (with `Idempotent-Replayed: true`); with another request, 422; while the first is still \
                     being processed, 409. Keys belong to the client and are kept 48 hours. Use a UUID.",
                ))
                .schema(Some(string(r"^[!-~]+$", Some(255))))
                .build(),
        ),
        (
            IF_MATCH,
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(
                    "The `ETag` of the version being changed (or `*`): 412 when the resource has changed since, \
                     428 when absent.",
                ))
                .schema(Some(string(tags, None)))
                .example(Some(serde_json::json!(ETAG_EXAMPLE)))
                .build(),
        ),
        (
            IF_NONE_MATCH,
            ParameterBuilder::new()
                .name("If-None-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "`ETag`s the client holds (or `*`): 304 Not Modified, without a body, when one is \
                     current. A value that names no current `ETag` (or is not a list of entity tags) is \
                     ignored, as RFC 9110 allows.",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ),
    ]
}

impl Modify for Conventions {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Components::default);
        for (name, description, integer) in HEADERS {
            components
                .headers
                .insert((*name).to_owned(), RefOr::T(header(description, *integer)));
        }
        for (name, parameter) in header_parameters() {
            components
                .parameters
                .insert(name.to_owned(), RefOr::T(parameter));
        }
        for p in PROBLEMS {
            components
                .responses
                .insert(p.name.to_owned(), RefOr::T(p.component()));
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                apply(path, method, op);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> Vec<(HttpMethod, &mut Operation)> {
    let mut ops = Vec::new();
    let PathItem {
        get,
        put,
        post,
        delete,
        patch,
        ..
    } = item;
    for (m, op) in [
        (HttpMethod::Get, get),
        (HttpMethod::Put, put),
        (HttpMethod::Post, post),
        (HttpMethod::Delete, delete),
        (HttpMethod::Patch, patch),
    ] {
        if let Some(op) = op.as_mut() {
            ops.push((m, op));
        }
    }
    ops
}

fn has_parameter(op: &Operation, place: ParameterIn) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == place,
        RefOr::Ref(_) => false,
    })
}

/// Query strings must not be empty (the server refuses `?to=`: leave a parameter out
/// instead), and an optional `If-Match` (a conditional DELETE) has the syntax of the
/// required one.
fn tighten_parameters(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        match p.parameter_in {
            ParameterIn::Query | ParameterIn::Path => {
                if let Some(RefOr::T(schema)) = p.schema.as_mut() {
                    non_empty(schema);
                }
            }
            ParameterIn::Header if p.name.eq_ignore_ascii_case("If-Match") => {
                if let Some((_, required)) = header_parameters()
                    .into_iter()
                    .find(|(name, _)| *name == IF_MATCH)
                {
                    // The same syntax, and an example of it (clients and test generators
                    // start from the example).
                    *p = ParameterBuilder::from(p.clone())
                        .schema(required.schema)
                        .example(Some(serde_json::json!(ETAG_EXAMPLE)))
                        .build();
                }
            }
            _ => {}
        }
    }
}

/// A query or path string is never empty, and holds no control character (the server
/// refuses both with a 400).
fn non_empty(schema: &mut Schema) {
    match schema {
        Schema::Object(o) if is_string(&o.schema_type) && o.enum_values.is_none() => {
            o.min_length.get_or_insert(1);
            if o.pattern.is_none() && o.format.is_none() {
                o.pattern = Some(super::rules::clean_text(1));
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items
                && let RefOr::T(items) = items.as_mut()
            {
                non_empty(items);
            }
        }
        _ => {}
    }
}

fn is_string(t: &SchemaType) -> bool {
    match t {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

fn has_query(op: &Operation, name: &str) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query && p.name == name,
        RefOr::Ref(_) => false,
    })
}

fn has_header(op: &Operation, name: &str) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case(name),
        RefOr::Ref(r) => r.ref_location.ends_with(&name.replace('-', "")),
    })
}

fn add_parameter(op: &mut Operation, component: &str) {
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::Ref(Ref::new(format!(
            "#/components/parameters/{component}"
        ))));
}

fn has_etag(op: &Operation, status: &str) -> bool {
    match op.responses.responses.get(status) {
        Some(RefOr::T(r)) => r.headers.keys().any(|h| h.eq_ignore_ascii_case("etag")),
        _ => false,
    }
}

fn apply(path: &str, method: HttpMethod, op: &mut Operation) {
    let api = path.starts_with("/api/");
    // Secured by a scope (`/metrics` takes a token with none, and gives no 403).
    let secured = op.security.as_ref().is_some_and(|s| {
        !s.is_empty()
            && s.iter().all(|r| {
                serde_json::to_value(r).is_ok_and(|v| {
                    v.as_object().is_some_and(|o| {
                        o.values()
                            .any(|scopes| scopes.as_array().is_some_and(|a| !a.is_empty()))
                    })
                })
            })
    });
    let body = op.request_body.is_some();
    // The token endpoint's form answers every malformed request with RFC 6749's 400.
    let form = op.request_body.as_ref().is_some_and(|b| match b {
        RefOr::T(b) => b.content.contains_key("application/x-www-form-urlencoded"),
        RefOr::Ref(_) => false,
    });
    let path_params = has_parameter(op, ParameterIn::Path);
    let secured_post = secured && method == HttpMethod::Post;
    let conditional_get = method == HttpMethod::Get && has_etag(op, "200");

    if secured_post {
        add_parameter(op, IDEMPOTENCY_KEY);
    }
    tighten_parameters(op);
    if method == HttpMethod::Patch {
        add_parameter(op, IF_MATCH);
    }
    let if_match = method == HttpMethod::Patch || has_header(op, "If-Match");
    if conditional_get {
        add_parameter(op, IF_NONE_MATCH);
        let not_modified = ResponseBuilder::new()
            .description("Not Modified: the `ETag` sent in `If-None-Match` is current. No body.")
            .header_ref("ETag", header_ref("ETag"))
            .build();
        op.responses
            .responses
            .insert("304".into(), RefOr::T(not_modified));
    }
    if has_query(op, "cursor")
        && let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200")
    {
        ok.headers
            .insert("Link".into(), RefOr::Ref(header_ref("Link")));
    }

    let mut statuses: Vec<u16> = vec![500];
    let rules = [
        (path != "/health/live" && path != "/metrics", 503),
        (api, 401),
        (api, 429),
        // Every operation refuses query parameters it does not take.
        (true, 400),
        (body, 413),
        (body && !form, 415),
        (body && !form || secured_post, 422),
        (secured, 403),
        (path_params, 404),
        (secured_post, 409),
        (if_match, 412),
        (method == HttpMethod::Patch, 428),
    ];
    statuses.extend(rules.iter().filter(|(on, _)| *on).map(|(_, s)| *s));
    for status in statuses {
        if let Some(problem) = ProblemResponse::by_status(status) {
            op.responses
                .responses
                .entry(status.to_string())
                .or_insert_with(|| problem.reference());
        }
    }

    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(response) = response {
            stamp_headers(response, status, api, secured_post);
        }
    }
}

/// Every header a response declares by a name that has a component becomes a reference to
/// it, and the headers every response of its kind carries are added.
fn stamp_headers(response: &mut Response, status: &str, api: bool, secured_post: bool) {
    let names: Vec<String> = response.headers.keys().cloned().collect();
    for name in names {
        if let Some((canonical, _, _)) = HEADERS
            .iter()
            .find(|(h, _, _)| h.eq_ignore_ascii_case(&name))
        {
            response.headers.remove(&name);
            response
                .headers
                .insert((*canonical).to_owned(), RefOr::Ref(header_ref(canonical)));
        }
    }
    let mut add = |name: &str| {
        response
            .headers
            .entry(name.to_owned())
            .or_insert_with(|| RefOr::Ref(header_ref(name)));
    };
    if api {
        EVERY_API_RESPONSE.iter().for_each(|h| add(h));
    } else {
        add("X-Request-Id");
    }
    if secured_post && !status.starts_with('5') {
        add("Idempotent-Replayed");
    }
}
