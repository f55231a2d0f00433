//! Text matching that behaves identically on SQLite and PostgreSQL.

/// A `LIKE … ESCAPE '\'` pattern matching `q` anywhere, lower-cased, with `%`, `_` and `\`
/// taken literally. Compare it with a column that holds lower-cased text.
pub fn contains_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_wildcards_and_lowercases() {
        assert_eq!(super::contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }
}
