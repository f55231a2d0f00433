//! Which contract path a request path is an instance of.

/// One segment of a path template: literal, or a parameter with an optional literal
/// suffix (`{chart}.svg`).
#[derive(Debug)]
pub enum Segment {
    Literal(String),
    Parameter { suffix: String },
}

pub fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_start_matches('/')
        .split('/')
        .map(|s| match (s.starts_with('{'), s.find('}')) {
            (true, Some(end)) => Segment::Parameter {
                suffix: s[end + 1..].to_owned(),
            },
            _ => Segment::Literal(s.to_owned()),
        })
        .collect()
}

/// The template among `routes` that `path` is an instance of: literal segments win over
/// parameters (`/enrolments/export` over `/enrolments/{id}`).
pub fn route<'a>(routes: &'a [(Vec<Segment>, String)], path: &str) -> Option<&'a str> {
    let given: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    routes
        .iter()
        .filter(|(pattern, _)| {
            pattern.len() == given.len()
                && pattern.iter().zip(&given).all(|(p, g)| match p {
                    Segment::Literal(lit) => lit == g,
                    Segment::Parameter { suffix } => {
                        g.len() > suffix.len() && g.ends_with(suffix.as_str())
                    }
                })
        })
        .max_by_key(|(pattern, _)| {
            let literal = |p: &&Segment| matches!(p, Segment::Literal(_));
            pattern.iter().filter(literal).count()
        })
        .map(|(_, template)| template.as_str())
}
