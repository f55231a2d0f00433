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

/// Declares a vocabulary: an enum whose variants each have a machine value (serde and
/// strum agree on it) and a human label.
macro_rules! vocabulary_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize, strum::IntoStaticStr, strum::EnumMessage, strum::VariantArray)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $value)]
                #[strum(serialize = $value, message = $label)]
                $variant,
            )+
        }
    };
}

pub(crate) use vocabulary_enum;
