//! Communities of Practice.

pub mod attendance;
pub mod community;
pub mod memberships;
pub mod seed;
pub mod sessions;
