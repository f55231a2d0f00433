//! Keyset pagination: an opaque cursor naming the sort it belongs to and the sort key and
//! id of the last row a client has seen. Stable under concurrent writes: a page starts
//! strictly after that (key, id), so rows are neither skipped nor repeated.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort the cursor was made for, e.g. `-updated_at`.
    #[serde(rename = "s")]
    pub sort: String,
    /// The sort key of the last row seen (text, or an RFC 3339 timestamp).
    #[serde(rename = "k")]
    pub key: String,
    #[serde(rename = "i")]
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("is not a cursor this API issued; pass back `next_cursor` exactly as received")]
    Malformed,
    #[error("was issued for sort '{issued}', not '{requested}'; start again without a cursor")]
    WrongSort { issued: String, requested: String },
}

impl Cursor {
    pub fn encode(&self) -> String {
        // Serialising three strings cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(raw: &str, requested_sort: &str) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| CursorError::Malformed)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        if cursor.sort != requested_sort {
            return Err(CursorError::WrongSort {
                issued: cursor.sort,
                requested: requested_sort.to_owned(),
            });
        }
        Ok(cursor)
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page from up to `limit + 1` fetched items: the extra one only says there is more.
    pub fn from_overfetch(mut items: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        let more = items.len() as i64 > limit;
        items.truncate(usize::try_from(limit).unwrap_or(0));
        let next_cursor = if more {
            items.last().map(cursor_of)
        } else {
            None
        };
        Self { items, next_cursor }
    }
}

const TIMESTAMP_KEY: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// A timestamp as a cursor key.
pub fn timestamp_key(t: chrono::NaiveDateTime) -> String {
    t.format(TIMESTAMP_KEY).to_string()
}

/// A cursor key made by [`timestamp_key`].
pub fn parse_timestamp_key(key: &str) -> Result<chrono::NaiveDateTime, CursorError> {
    chrono::NaiveDateTime::parse_from_str(key, TIMESTAMP_KEY).map_err(|_| CursorError::Malformed)
}

/// A cursor for `sort` whose key is a timestamp ([`timestamp_key`]): decoded and checked
/// where the request is read, so a bad one is the client's 400, not the store's error.
pub fn decode_timestamp_cursor(raw: &str, sort: &str) -> Result<Cursor, CursorError> {
    let c = Cursor::decode(raw, sort)?;
    parse_timestamp_key(&c.key)?;
    Ok(c)
}

impl Cursor {
    /// The timestamp key of a cursor [`decode_timestamp_cursor`] checked (anything else is
    /// corrupt: the API never hands the store an unchecked cursor).
    pub fn timestamp(&self) -> crate::StoreResult<chrono::NaiveDateTime> {
        parse_timestamp_key(&self.key)
            .map_err(|e| crate::StoreError::Corrupt(format!("cursor {e}")))
    }
}

/// The keyset condition of a list in `(sort key, id)` order: the rows after `cursor`, whose
/// sort key decodes to `key`.
#[macro_export]
macro_rules! after_cursor {
    ($sort:expr, $id:expr, $key:expr, $cursor:expr) => {
        $sort.gt($key).or($sort
            .eq($key)
            .and($id.gt($crate::sql_types::DbUuid($cursor.id))))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_the_sort() {
        let c = Cursor {
            sort: "title".into(),
            key: "vital signs".into(),
            id: Uuid::nil(),
        };
        let raw = c.encode();
        assert_eq!(Cursor::decode(&raw, "title").unwrap(), c);
        assert!(matches!(
            Cursor::decode(&raw, "-title"),
            Err(CursorError::WrongSort { .. })
        ));
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "!!!", "e30", &URL_SAFE_NO_PAD.encode(b"{\"s\":1}")] {
            assert_eq!(
                Cursor::decode(bad, "title"),
                Err(CursorError::Malformed),
                "{bad}"
            );
        }
    }
}
