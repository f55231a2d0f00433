//! Client secrets: 32 random bytes from the operating system, shown once, stored only as an
//! argon2id hash.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const PREFIX: &str = "wtxa_cs_";
const SECRET_BYTES: usize = 32;

/// A new secret and its hash.
pub fn generate() -> anyhow::Result<(String, String)> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&secret)?;
    Ok((secret, hash))
}

pub fn hash(secret: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a secret: {e}"))?
        .to_string())
}

/// Constant-time check of `secret` against a stored hash.
pub fn verify(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real hash of a random secret nobody knows, verified when a client id is unknown so the
/// response time does not tell which client ids exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| generate().map(|(_, hash)| hash).unwrap_or_default());
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_verify_only_themselves() {
        let (a, hash_a) = generate().unwrap();
        let (b, _) = generate().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() >= PREFIX.len() + 43);
        assert!(!hash_a.contains(&a));
        assert!(verify(&a, &hash_a));
        assert!(!verify(&b, &hash_a));
        assert!(!verify(&a, decoy_hash()));
        assert!(!verify(&a, "not a hash"));
    }
}
