//! Which methods each path of the contract accepts, to answer a known path with the wrong
//! method by 405 and an `Allow` header (actix itself would answer 404), and an unknown
//! path by a 404 problem; and which query parameters each operation takes, to refuse any
//! other on every operation (400 naming it). Built from the OpenAPI document, so it cannot
//! drift from the routes.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use utoipa::openapi::path::{HttpMethod, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr};

use super::problem::{Problem, ProblemField};

/// A method of a path, with the names of the query parameters its operation takes.
type Method = (&'static str, Vec<String>);

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    /// Each path's segments, and its methods.
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A parameter, by name.
    Param(String),
}

fn method_name(m: &HttpMethod) -> &'static str {
    match m {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Head => "HEAD",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Trace => "TRACE",
    }
}

fn segments(path: &str) -> Vec<Segment> {
    path.trim_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param(s[1..s.len() - 1].to_owned())
            } else {
                Segment::Literal(s.to_owned())
            }
        })
        .collect()
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                let ops = [
                    (HttpMethod::Get, &item.get),
                    (HttpMethod::Post, &item.post),
                    (HttpMethod::Put, &item.put),
                    (HttpMethod::Patch, &item.patch),
                    (HttpMethod::Delete, &item.delete),
                ];
                for (m, op) in ops {
                    if let Some(op) = op {
                        let query: Vec<String> = op
                            .parameters
                            .iter()
                            .flatten()
                            .filter_map(|p| match p {
                                RefOr::T(p) if p.parameter_in == ParameterIn::Query => {
                                    Some(p.name.clone())
                                }
                                _ => None,
                            })
                            .collect();
                        // Every GET is also served as HEAD (see `http::head`).
                        if m == HttpMethod::Get {
                            methods.push(("HEAD", query.clone()));
                        }
                        methods.push((method_name(&m), query));
                    }
                }
                (segments(path), methods)
            })
            .collect();
        Self { routes }
    }

    fn matching<'a>(&'a self, path: &str) -> impl Iterator<Item = &'a (Vec<Segment>, Vec<Method>)> {
        let given: Vec<String> = path
            // Only the leading slash: `/programmes/` is no route (an empty segment).
            .trim_start_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect();
        self.routes.iter().filter(move |(pattern, _)| {
            pattern.len() == given.len()
                && pattern.iter().zip(&given).all(|(p, g)| match p {
                    Segment::Param(_) => !g.is_empty(),
                    Segment::Literal(l) => l == g,
                })
        })
    }

    /// The methods `path` accepts, when some route matches it (GET's listed before HEAD's).
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let mut allowed: Vec<&'static str> = Vec::new();
        for (_, methods) in self.matching(path) {
            for (m, _) in methods {
                if !allowed.contains(m) {
                    allowed.push(m);
                }
            }
        }
        if let Some(i) = allowed.iter().position(|m| *m == "HEAD") {
            allowed.remove(i);
            let at = allowed
                .iter()
                .position(|m| *m == "GET")
                .map_or(0, |g| g + 1);
            allowed.insert(at, "HEAD");
        }
        (!allowed.is_empty()).then_some(allowed)
    }

    /// The route `path` is an instance of (the one with the most literal segments wins:
    /// `/enrolments/export` over `/enrolments/{id}`).
    fn best(&self, path: &str) -> Option<&(Vec<Segment>, Vec<Method>)> {
        self.matching(path).max_by_key(|(pattern, _)| {
            pattern
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count()
        })
    }

    /// The query parameters of the operation `method path`, when there is one.
    pub fn query_parameters(&self, method: &str, path: &str) -> Option<&[String]> {
        self.best(path)
            .and_then(|(_, methods)| methods.iter().find(|(m, _)| *m == method))
            .map(|(_, q)| q.as_slice())
    }

    /// The name of each parameter segment of `path`'s route with the segment's decoded
    /// value (`[("id", "0193…")]`).
    pub fn path_parameters(&self, path: &str) -> Vec<(String, String)> {
        let Some((pattern, _)) = self.best(path) else {
            return Vec::new();
        };
        pattern
            .iter()
            .zip(path.trim_start_matches('/').split('/'))
            .filter_map(|(p, given)| match p {
                Segment::Param(name) => Some((
                    name.clone(),
                    percent_encoding::percent_decode_str(given)
                        .decode_utf8_lossy()
                        .into_owned(),
                )),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

/// Refuses, on every operation and before anything reads them: query parameters the
/// operation does not declare, and control characters in a query value or a path segment
/// (400 naming the parameter; PostgreSQL cannot store NUL at all). Those with a
/// [`super::StrictQuery`] refuse unknown parameters themselves too, with the same problem.
pub async fn check_query_and_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let refused = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|table| refusal(table, req.method().as_str(), req.path(), req.query_string()));
    match refused {
        Some(problem) => Ok(req
            .into_response(problem.error_response())
            .map_into_right_body()),
        None => next
            .call(req)
            .await
            .map(|r| r.map_into_boxed_body().map_into_left_body()),
    }
}

fn refusal(table: &RouteTable, method: &str, path: &str, query: &str) -> Option<super::ApiError> {
    use domain::validation::{control_character, control_character_message};
    let mut errors: Vec<ProblemField> = Vec::new();
    for (name, value) in table.path_parameters(path) {
        if let Some(c) = control_character(&value) {
            errors.push(ProblemField {
                field: name,
                message: control_character_message(c),
            });
        }
    }
    if !errors.is_empty() {
        let problem = Problem::typed(
            StatusCode::BAD_REQUEST,
            "invalid-path",
            "Invalid path",
            "a path segment holds a control character",
        );
        return Some(problem.with_errors(errors).into());
    }
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if let Some(c) = control_character(&key).or_else(|| control_character(&value))
            && !errors.iter().any(|e| e.field == key)
        {
            errors.push(ProblemField {
                field: key.into_owned(),
                message: control_character_message(c),
            });
        }
    }
    if !errors.is_empty() {
        return Some(super::query::invalid_query(errors));
    }
    if query.is_empty() {
        return None;
    }
    table
        .query_parameters(method, path)
        .and_then(|allowed| unknown_parameters(query, allowed))
}

/// The 400 naming each parameter of `query` that is not `allowed`, if any.
fn unknown_parameters(query: &str, allowed: &[String]) -> Option<super::ApiError> {
    let mut unknown: Vec<String> = Vec::new();
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        if !allowed.iter().any(|a| *a == key) && !unknown.iter().any(|u| *u == key) {
            unknown.push(key.into_owned());
        }
    }
    if unknown.is_empty() {
        return None;
    }
    let expected = if allowed.is_empty() {
        "this operation takes no query parameters".to_owned()
    } else {
        format!("expected one of: {}", allowed.join(", "))
    };
    Some(super::query::invalid_query(
        unknown
            .into_iter()
            .map(|field| ProblemField {
                field,
                message: format!("unknown query parameter; {expected}"),
            })
            .collect(),
    ))
}

/// The app's default service: 405 with `Allow` for a known path, 404 otherwise.
pub async fn fallback(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    match table.allowed(req.path()) {
        Some(allowed) => {
            let allow = allowed.join(", ");
            let mut res = Problem::status_only(
                StatusCode::METHOD_NOT_ALLOWED,
                Some(format!(
                    "{} is not allowed here; allowed: {allow}",
                    super::head::method_sent(&req)
                )),
            )
            .to_response();
            if let Ok(v) = HeaderValue::from_str(&allow) {
                res.headers_mut().insert(ALLOW, v);
            }
            res
        }
        None => Problem::status_only(
            StatusCode::NOT_FOUND,
            Some(format!(
                "no resource at {}; see /docs for the API's paths",
                req.path()
            )),
        )
        .to_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        let get = |q: &[&str]| ("GET", q.iter().map(|s| s.to_string()).collect());
        RouteTable {
            routes: vec![
                (
                    segments("/api/v1/programmes"),
                    vec![get(&["theme", "limit"])],
                ),
                (segments("/api/v1/programmes/{id}"), vec![get(&[])]),
                (
                    segments("/api/v1/programmes/export"),
                    vec![get(&["format"])],
                ),
            ],
        }
    }

    #[test]
    fn matches_templated_paths() {
        let table = table();
        assert_eq!(
            table.allowed("/api/v1/programmes/vital-signs"),
            Some(vec!["GET"])
        );
        assert_eq!(table.allowed("/api/v1/programmes/"), None);
        assert_eq!(table.allowed("/api/v1/nothing"), None);
        assert_eq!(table.allowed("/api/v1/programmes/a/b"), None);
    }

    #[test]
    fn the_query_parameters_are_the_most_literal_routes() {
        let table = table();
        let names = |m, p| table.query_parameters(m, p).map(<[String]>::to_vec);
        assert_eq!(
            names("GET", "/api/v1/programmes/export"),
            Some(vec!["format".to_owned()])
        );
        assert_eq!(names("GET", "/api/v1/programmes/vital-signs"), Some(vec![]));
        assert_eq!(names("POST", "/api/v1/programmes"), None);
        assert!(unknown_parameters("theme=a&limit=2", &["theme".into(), "limit".into()]).is_none());
        assert!(unknown_parameters("colour=red", &["theme".into()]).is_some());
    }
}
