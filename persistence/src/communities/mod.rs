//! Communities of Practice.

pub mod community;
pub mod seed;
