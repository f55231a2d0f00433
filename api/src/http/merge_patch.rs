//! JSON merge patch (RFC 7396) bodies.

use actix_web::{HttpRequest, web};

use serde::{Deserialize, Deserializer};

use super::body::typed;

/// A JSON merge patch (RFC 7396) body: `null` removes a field, so it is refused (422, naming
/// the field) for fields that cannot be removed; everything else is as `web::Json`.
pub struct MergePatch<T>(pub T);

impl<T> MergePatch<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// The fields of a patch body that `null` may clear.
pub trait Nullable {
    const NULLABLE: &'static [&'static str];
}

impl<T: serde::de::DeserializeOwned + Nullable + 'static> actix_web::FromRequest for MergePatch<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if let Some(map) = value.as_object() {
                let mut errors = domain::ValidationErrors::new();
                for (field, v) in map {
                    if v.is_null() && !T::NULLABLE.contains(&field.as_str()) {
                        errors.add(
                            field.clone(),
                            "cannot be removed (null); leave it out to keep it",
                        );
                    }
                }
                if !errors.is_empty() {
                    return Err(crate::http::error::unprocessable(errors).into());
                }
            }
            typed::<T>(value).map(MergePatch).map_err(Into::into)
        })
    }
}

/// `Some(None)` for an explicit `null`, `None` for an absent field (JSON merge patch).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
