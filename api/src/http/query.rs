//! `StrictQuery<T>`: query strings parsed with repeated keys as lists (`?theme=a&theme=b`)
//! and every unknown parameter refused by name. The accepted names come from `T`'s
//! `IntoParams`, the same source the OpenAPI contract documents.

use std::future::{Ready, ready};

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::error::ApiError;
use super::problem::{Problem, ProblemField};

pub struct StrictQuery<T>(pub T);

pub fn invalid_query(errors: Vec<ProblemField>) -> ApiError {
    let n = errors.len();
    let detail = if n == 1 {
        "1 query parameter is invalid".to_owned()
    } else {
        format!("{n} query parameters are invalid")
    };
    Problem::typed(
        StatusCode::BAD_REQUEST,
        "invalid-query",
        "Invalid query parameters",
        detail,
    )
    .with_errors(errors)
    .into()
}

fn parse<T: DeserializeOwned + IntoParams>(query: &str) -> Result<T, ApiError> {
    let params = T::into_params(|| None);
    let allowed: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let repeatable: Vec<&str> = params
        .iter()
        .filter(|p| matches!(p.schema, Some(RefOr::T(Schema::Array(_)))))
        .map(|p| p.name.as_str())
        .collect();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut repeated: Vec<ProblemField> = Vec::new();
    let mut empty: Vec<ProblemField> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let key = key.into_owned();
        // `?to=` is not "no `to`": a parameter that is given must have a value.
        if value.is_empty() && allowed.contains(&key) && !empty.iter().any(|e| e.field == key) {
            empty.push(ProblemField {
                field: key.clone(),
                message: "must not be empty; leave the parameter out instead".into(),
            });
        }
        if !allowed.contains(&key) {
            if !unknown.contains(&key) {
                unknown.push(key);
            }
        } else if !seen.contains(&key) {
            seen.push(key);
        } else if !repeatable.contains(&key.as_str()) && !repeated.iter().any(|r| r.field == key) {
            repeated.push(ProblemField {
                field: key,
                message: "may be given only once".into(),
            });
        }
    }
    if !unknown.is_empty() {
        let expected = allowed.join(", ");
        return Err(invalid_query(
            unknown
                .into_iter()
                .map(|field| ProblemField {
                    field,
                    message: format!("unknown query parameter; expected one of: {expected}"),
                })
                .collect(),
        ));
    }
    if !repeated.is_empty() || !empty.is_empty() {
        repeated.extend(empty);
        return Err(invalid_query(repeated));
    }
    serde_html_form::from_str::<T>(query).map_err(|e| {
        let message = e.to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|f| allowed.iter().any(|a| a == f))
            .unwrap_or("query")
            .to_owned();
        invalid_query(vec![ProblemField { field, message }])
    })
}

/// `params` but those named in `names`: the parameters of a query type that reuses another's
/// but for some (which [`StrictQuery`] then refuses as unknown).
pub fn without(
    params: Vec<utoipa::openapi::path::Parameter>,
    names: &[&str],
) -> Vec<utoipa::openapi::path::Parameter> {
    params
        .into_iter()
        .filter(|p| !names.contains(&p.name.as_str()))
        .collect()
}

impl<T: DeserializeOwned + IntoParams> FromRequest for StrictQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse::<T>(req.query_string()).map(StrictQuery))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, IntoParams, PartialEq)]
    #[into_params(parameter_in = Query)]
    struct Q {
        #[serde(default)]
        theme: Vec<String>,
        limit: Option<String>,
    }

    fn problem(e: ApiError) -> Problem {
        match e {
            ApiError::Problem(p) => *p,
            other => panic!("not a problem: {other}"),
        }
    }

    #[test]
    fn repeated_keys_become_lists() {
        let q: Q = parse("theme=a&theme=b&limit=5").unwrap();
        assert_eq!(
            q,
            Q {
                theme: vec!["a".into(), "b".into()],
                limit: Some("5".into())
            }
        );
    }

    #[test]
    fn an_empty_value_is_refused_by_name() {
        let p = problem(parse::<Q>("theme=a&limit=").unwrap_err());
        assert_eq!(p.status, 400);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].field, "limit");
        assert!(p.errors[0].message.contains("must not be empty"));
        let p = problem(parse::<Q>("theme=").unwrap_err());
        assert_eq!(p.errors[0].field, "theme");
    }

    #[test]
    fn names_every_unknown_parameter_once() {
        let p = problem(parse::<Q>("colour=red&size=1&colour=blue").unwrap_err());
        assert_eq!(p.status, 400);
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["colour", "size"]);
        assert!(p.errors[0].message.contains("theme, limit"));
    }

    #[test]
    fn duplicate_scalars_are_refused() {
        let p = problem(parse::<Q>("limit=1&limit=2").unwrap_err());
        assert_eq!(p.errors[0].field, "limit", "{:?}", p.errors);
        assert_eq!(p.errors[0].message, "may be given only once");
    }
}
