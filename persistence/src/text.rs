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

/// Text folded for word search: compatibility-decomposed (NFKD), combining marks dropped,
/// lower-cased, so "Café", "CAFE" and "café" all fold to "cafe" and "ﬁ" to "fi". Pure Rust:
/// the catalogue snapshot searches in memory, identically whatever the database.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a search, folded: split on whitespace and on punctuation that joins words
/// ("co-design" is the words "co" and "design"), each stripped of the punctuation around it
/// (`leadership.`, `"systems`), so a search matches the words in any order. A search of
/// punctuation only is one word, as written: it never matches everything.
pub fn search_words(q: &str) -> Vec<String> {
    let around = |c: char| {
        matches!(
            c,
            '.' | '!' | '?' | '"' | '\'' | '[' | ']' | '{' | '}' | '“' | '”' | '‘' | '’'
        )
    };
    let folded = fold(q);
    let mut words: Vec<String> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | ',' | ';' | ':' | '(' | ')'))
        .map(|w| w.trim_matches(around))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() && !folded.trim().is_empty() {
        // Only punctuation: searched as written (it matches what contains it), never "all".
        words.push(folded.trim().to_owned());
    }
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_wildcards_and_lowercases() {
        assert_eq!(super::contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(super::fold("Café CRÈME ﬁne Øre"), "cafe creme fine øre");
    }

    #[test]
    fn search_words_are_folded_split_and_unique() {
        assert_eq!(
            super::search_words("  Leadership  co-design CARE care\tÉvaluation "),
            ["care", "co", "design", "evaluation", "leadership"]
        );
        assert_eq!(super::search_words(" - "), ["-"]);
        assert!(super::search_words("  ").is_empty());
        assert_eq!(
            super::search_words("“Systems leadership.” care? 50%"),
            ["50%", "care", "leadership", "systems"]
        );
        assert_eq!(super::search_words("\\ ."), ["\\"]);
        assert_eq!(super::search_words(" . "), ["."]);
    }
}
