//! `limit` and `cursor` of every list, and the `Link: rel="next"` header.

use actix_web::HttpRequest;

use super::problem::ProblemField;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// Parses `limit` (1–100, default 20), recording an error in `errors`.
pub fn limit(raw: Option<&str>, errors: &mut Vec<ProblemField>) -> i64 {
    match raw {
        None => DEFAULT_LIMIT,
        Some(raw) => {
            match raw.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    errors.push(ProblemField {
                    field: "limit".into(),
                    message: format!("must be a whole number from 1 to {MAX_LIMIT} (the maximum); got '{raw}'"),
                });
                    DEFAULT_LIMIT
                }
            }
        }
    }
}

/// Decodes `cursor` with `decode`, recording an error in `errors`.
pub fn cursor<C, E: std::fmt::Display>(
    raw: Option<&str>,
    errors: &mut Vec<ProblemField>,
    decode: impl Fn(&str) -> Result<C, E>,
) -> Option<C> {
    match raw.map(decode) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errors.push(ProblemField {
                field: "cursor".into(),
                message: e.to_string(),
            });
            None
        }
    }
}

/// The `Link` header of the next page: this request's path and query with `cursor` replaced.
pub fn next_link(req: &HttpRequest, cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "cursor" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("cursor", cursor);
    format!("<{}?{}>; rel=\"next\"", req.path(), query.finish())
}

/// Parses an optional UUID query parameter, recording an error in `errors`.
pub fn uuid(field: &str, raw: Option<&str>, errors: &mut Vec<ProblemField>) -> Option<uuid::Uuid> {
    let raw = raw?;
    match uuid::Uuid::parse_str(raw) {
        Ok(u) => Some(u),
        Err(_) => {
            errors.push(ProblemField {
                field: field.into(),
                message: format!("must be a UUID; got '{raw}'"),
            });
            None
        }
    }
}

/// Parses an optional value of a vocabulary (or anything parsed the same way), recording
/// the vocabulary's own message in `errors`.
pub fn parsed<T>(
    field: &str,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, domain::UnknownValue>,
    errors: &mut Vec<ProblemField>,
) -> Option<T> {
    match parse(raw?) {
        Ok(v) => Some(v),
        Err(err) => {
            errors.push(ProblemField {
                field: field.into(),
                message: err.to_string(),
            });
            None
        }
    }
}

/// Parses an optional RFC 3339 instant, recording an error in `errors`.
pub fn instant(
    field: &str,
    raw: Option<&str>,
    errors: &mut Vec<ProblemField>,
) -> Option<chrono::NaiveDateTime> {
    let raw = raw?;
    match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(t) if !domain::validation::date_in_range(t.date_naive()) => {
            errors.push(ProblemField {
                field: field.into(),
                message: domain::validation::date_range_message(),
            });
            None
        }
        Ok(t) => Some(t.with_timezone(&chrono::Utc).naive_utc()),
        Err(_) => {
            errors.push(ProblemField {
                field: field.into(),
                message: format!(
                    "must be an RFC 3339 timestamp such as 2026-11-23T09:00:00Z; got '{raw}'"
                ),
            });
            None
        }
    }
}

/// Parses an optional `YYYY-MM-DD` date, recording an error in `errors`.
pub fn date(
    field: &str,
    raw: Option<&str>,
    errors: &mut Vec<ProblemField>,
) -> Option<chrono::NaiveDate> {
    let raw = raw?;
    match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) if !domain::validation::date_in_range(d) => {
            errors.push(ProblemField {
                field: field.into(),
                message: domain::validation::date_range_message(),
            });
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(ProblemField {
                field: field.into(),
                message: format!("must be a date YYYY-MM-DD; got '{raw}'"),
            });
            None
        }
    }
}

/// A `true`/`false` query flag; absent means false.
pub fn flag(field: &str, raw: Option<&str>, e: &mut Vec<ProblemField>) -> bool {
    match raw {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            e.push(ProblemField {
                field: field.into(),
                message: format!("must be true or false; got '{other}'"),
            });
            false
        }
    }
}

/// An inclusive `from`..`to` period of UTC days as the half-open instants `[start, end)`.
/// An absent end is twelve months from the given one; with neither, the period is the twelve
/// months up to today (or, when `forward`, from today). `from` after `to` is an error on `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub start: chrono::NaiveDateTime,
    pub end: chrono::NaiveDateTime,
}

impl Period {
    /// The days `from` to `to`, both included.
    fn between(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        Self {
            from,
            to,
            start: from.and_time(chrono::NaiveTime::MIN),
            end: to.succ_opt().unwrap_or(to).and_time(chrono::NaiveTime::MIN),
        }
    }

    /// A calendar year, 1 January to 31 December.
    pub fn year(y: i32) -> Self {
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        Self::between(day(1, 1), day(12, 31))
    }
}

pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    forward: bool,
    errors: &mut Vec<ProblemField>,
) -> Option<Period> {
    use chrono::Months;
    let year = Months::new(12);
    let today = chrono::Utc::now().date_naive();
    let (from_raw, to_raw) = (date("from", from, errors), date("to", to, errors));
    // A missing bound is twelve months from the given one; with neither, the twelve months
    // from today (`forward`) or up to today.
    let (from, to) = match (from_raw, to_raw) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.checked_add_months(year).unwrap_or(from)),
        (None, Some(to)) => (to.checked_sub_months(year).unwrap_or(to), to),
        (None, None) if forward => (today, today.checked_add_months(year).unwrap_or(today)),
        (None, None) => (today.checked_sub_months(year).unwrap_or(today), today),
    };
    if !errors.is_empty() {
        return None;
    }
    if from > to {
        errors.push(ProblemField {
            field: "from".into(),
            message: format!("must not be after to ({to})"),
        });
        return None;
    }
    Some(Period::between(from, to))
}
