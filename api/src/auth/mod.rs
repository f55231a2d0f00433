//! OAuth2 client credentials and JWT bearer tokens: issuing, verifying, and the scope
//! each operation requires.

pub mod authenticate;
pub mod principal;
pub mod secret;
pub mod tokens;

pub use principal::{Authorized, Principal};
pub use tokens::Tokens;
