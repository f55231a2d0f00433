//! Which methods each path of the contract accepts, to answer a known path with the wrong
//! method by 405 and an `Allow` header (actix itself would answer 404), and an unknown
//! path by a 404 problem. Built from the OpenAPI document, so it cannot drift from the routes.

use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::HttpMethod;

use super::problem::Problem;

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<&'static str>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
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
                Segment::Param
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
                    if op.is_some() {
                        methods.push(method_name(&m));
                        // Every GET is also served as HEAD (see `http::head`).
                        if m == HttpMethod::Get {
                            methods.push("HEAD");
                        }
                    }
                }
                (segments(path), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods `path` accepts, when some route matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let given: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<&'static str> = Vec::new();
        for (pattern, methods) in &self.routes {
            let matches = pattern.len() == given.len()
                && pattern.iter().zip(&given).all(|(p, g)| match p {
                    Segment::Param => !g.is_empty(),
                    Segment::Literal(l) => l == g,
                });
            if matches {
                for m in methods {
                    if !allowed.contains(m) {
                        allowed.push(m);
                    }
                }
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
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

    #[test]
    fn matches_templated_paths() {
        let table = RouteTable {
            routes: vec![
                (segments("/api/v1/programmes"), vec!["GET"]),
                (segments("/api/v1/programmes/{id}"), vec!["GET"]),
            ],
        };
        assert_eq!(
            table.allowed("/api/v1/programmes/vital-signs"),
            Some(vec!["GET"])
        );
        assert_eq!(table.allowed("/api/v1/programmes/"), Some(vec!["GET"]));
        assert_eq!(table.allowed("/api/v1/nothing"), None);
        assert_eq!(table.allowed("/api/v1/programmes/a/b"), None);
    }
}
