//! A closed set of named values (a "vocabulary"): each has a stable machine value
//! (`snake_case`, used in JSON and query strings) and a human label.

use std::fmt;

use strum::{EnumMessage, VariantArray};

/// A value that is not part of a vocabulary, with the values that are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownValue {
    pub given: String,
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown value '{}'; expected one of: {}",
            self.given,
            self.allowed.join(", ")
        )
    }
}

/// Implemented for every enum whose variants carry a `serialize` value and a `message` label.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, in the order the academy presents them.
    fn all() -> &'static [Self];
    /// The stable machine value, e.g. `best_practice`.
    fn value(&self) -> &'static str;
    /// The human label, e.g. "Developing and Evaluating Best Practice".
    fn label(&self) -> &'static str;

    /// The machine values, in order.
    fn values() -> Vec<&'static str> {
        Self::all().iter().map(Self::value).collect()
    }

    /// Parses a machine value exactly (no case folding, no trimming).
    fn parse(raw: &str) -> Result<Self, UnknownValue> {
        Self::all()
            .iter()
            .copied()
            .find(|v| v.value() == raw)
            .ok_or_else(|| UnknownValue {
                given: raw.to_owned(),
                allowed: Self::values(),
            })
    }
}

impl<T> Vocabulary for T
where
    T: VariantArray + EnumMessage + Into<&'static str> + Copy + 'static,
{
    fn all() -> &'static [Self] {
        T::VARIANTS
    }
    fn value(&self) -> &'static str {
        (*self).into()
    }
    fn label(&self) -> &'static str {
        self.get_message().unwrap_or_else(|| self.value())
    }
}

/// The OpenAPI schema of a vocabulary: a string whose `enum` is the wire values, each label
/// listed in the description and, aligned with the values, in `x-enum-descriptions` — one
/// source of truth, the [`Vocabulary`] values, for the wire, the contract and the taxonomy.
#[cfg(feature = "openapi")]
pub fn openapi_schema<V: Vocabulary>(
    doc: &str,
    variant_docs: &[&str],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::extensions::ExtensionsBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};

    let mut description = doc.trim().to_owned();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str("Values:");
    let mut labels = Vec::new();
    for (i, v) in V::all().iter().enumerate() {
        let note = variant_docs.get(i).map(|d| d.trim()).unwrap_or_default();
        let label = if note.is_empty() {
            v.label().to_owned()
        } else {
            format!("{} — {note}", v.label())
        };
        description.push_str(&format!("\n- `{}`: {label}", v.value()));
        labels.push(serde_json::Value::String(v.label().to_owned()));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(V::values()))
        .description(Some(description))
        .extensions(Some(
            ExtensionsBuilder::new()
                .add("x-enum-descriptions", serde_json::Value::Array(labels))
                .build(),
        ))
        .into()
}

/// Joins doc-comment lines (`#[doc = "…"]`) into one paragraph per blank line.
pub fn join_doc(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// Declares a vocabulary: an enum whose variants each have a machine value (serde and
/// strum agree on it) and a human label. With the `openapi` feature its contract schema
/// lists the machine values (not the Rust names) and the labels.
macro_rules! vocabulary_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident = $value:literal : $label:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize, strum::IntoStaticStr, strum::EnumMessage, strum::VariantArray)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])*
                #[serde(rename = $value)]
                #[strum(serialize = $value, message = $label)]
                $variant,
            )+
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let variant_docs = [$($crate::vocabulary::join_doc(&[$($vdoc),*])),+];
                let variant_docs: Vec<&str> = variant_docs.iter().map(String::as_str).collect();
                $crate::vocabulary::openapi_schema::<$name>(
                    &$crate::vocabulary::join_doc(&[$($doc),*]),
                    &variant_docs,
                )
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use vocabulary_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_join_into_one_trimmed_paragraph() {
        assert_eq!(
            join_doc(&[" Whether a client ", " may get tokens. "]),
            "Whether a client may get tokens."
        );
        assert_eq!(join_doc(&[]), "");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_schema_lists_the_wire_values_and_their_labels() {
        use crate::access::ClientStatus;
        let schema = serde_json::to_value(openapi_schema::<ClientStatus>(
            "Whether an API client may get and use tokens.",
            &["", "Its tokens stop working."],
        ))
        .unwrap_or_default();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::json!(["active", "revoked"]));
        assert_eq!(
            schema["x-enum-descriptions"],
            serde_json::json!(["Active", "Revoked"])
        );
        assert_eq!(
            schema["description"],
            "Whether an API client may get and use tokens.\n\nValues:\n- `active`: Active\n- `revoked`: Revoked — Its tokens stop working."
        );
        let bare =
            serde_json::to_value(openapi_schema::<ClientStatus>("", &[])).unwrap_or_default();
        assert_eq!(
            bare["description"],
            "Values:\n- `active`: Active\n- `revoked`: Revoked"
        );
    }
}
