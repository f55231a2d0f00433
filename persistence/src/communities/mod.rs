//! Communities of Practice.

pub mod attendance;
pub mod community;
pub mod memberships;
pub mod resources;
pub mod seed;
pub mod sessions;
