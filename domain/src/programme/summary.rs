//! The card summary of a programme, from what it is.

/// The longest summary, in characters (`…` included).
pub const SUMMARY_CHARS: usize = 160;

/// See [`super::Programme::summary`].
pub(crate) fn summary(what: &str) -> String {
    let text = what.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence ends at ". ", "! " or "? " (not inside "e.g.x").
    let first = text
        .match_indices(['.', '!', '?'])
        .map(|(i, p)| i + p.len())
        .find(|&end| text[end..].starts_with(' ') || end == text.len())
        .map_or(text.as_str(), |end| &text[..end]);
    if first.chars().count() <= SUMMARY_CHARS {
        return first.to_owned();
    }
    let mut out = String::new();
    for word in first.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > SUMMARY_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = first.chars().take(SUMMARY_CHARS - 1).collect();
    }
    let out = out.trim_end_matches([',', ';', ':', ' ']).to_owned();
    format!("{out}…")
}
