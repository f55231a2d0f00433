//! The store's notion of now.

use chrono::{NaiveDateTime, SubsecRound};

/// UTC now, kept to the microsecond on both backends so round trips compare equal.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}
