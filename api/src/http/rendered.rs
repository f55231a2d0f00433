//! A public answer rendered once: its bytes, their strong `ETag` and, made on first demand
//! and kept, their gzip and brotli codings. The catalogue snapshot keeps them per query, so
//! serving a catalogue answer neither serialises nor compresses; the taxonomy and the
//! `.ics` feeds answer through the same conditional, coded response.

use std::io::Write;
use std::sync::OnceLock;

use actix_web::http::header::{
    AcceptEncoding, CACHE_CONTROL, CONTENT_ENCODING, ETAG, Encoding, EntityTag, Header, LINK, VARY,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::http::{ApiError, etag};

/// One answer: a body and its content type, how to tag and link it, and its codings.
pub struct Rendered {
    tag: EntityTag,
    link: Option<String>,
    content_type: &'static str,
    json: Bytes,
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
}

impl Rendered {
    /// Renders `body`, tagged by `tag` of its JSON; `link` becomes a `Link` header.
    pub fn json<T: Serialize>(
        body: &T,
        tag: impl FnOnce(&[u8]) -> EntityTag,
        link: Option<String>,
    ) -> Result<Self, ApiError> {
        let json = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Self::new(json, "application/json", tag, link))
    }

    /// An answer of `content_type` whose bytes are already made.
    pub fn new(
        bytes: Vec<u8>,
        content_type: &'static str,
        tag: impl FnOnce(&[u8]) -> EntityTag,
        link: Option<String>,
    ) -> Self {
        Self {
            tag: tag(&bytes),
            link,
            content_type,
            json: Bytes::from(bytes),
            gzip: OnceLock::new(),
            br: OnceLock::new(),
        }
    }

    pub fn tag(&self) -> &EntityTag {
        &self.tag
    }

    pub fn json_bytes(&self) -> &Bytes {
        &self.json
    }

    fn gzip(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                let mut e =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                // Writing to a Vec cannot fail.
                let _ = e.write_all(&self.json);
                Bytes::from(e.finish().unwrap_or_default())
            })
            .clone()
    }

    fn br(&self) -> Bytes {
        self.br
            .get_or_init(|| {
                let mut out = Vec::new();
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 32 * 1024, 7, 22);
                    let _ = w.write_all(&self.json);
                }
                Bytes::from(out)
            })
            .clone()
    }

    /// The answer to `req` in the best coding the client accepts (brotli, gzip, or none),
    /// with `Vary`. Each coding is its own representation with its own strong tag (the
    /// content's tag, suffixed `.br` or `.gz`); `If-None-Match` naming any of them gives 304,
    /// since they share one content.
    pub fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        let supported = [Encoding::brotli(), Encoding::gzip(), Encoding::identity()];
        let chosen = AcceptEncoding::parse(req)
            .ok()
            .and_then(|a| a.negotiate(supported.iter()));
        let coding = match chosen {
            Some(e) if e == Encoding::brotli() => Coding::Br,
            Some(e) if e == Encoding::gzip() => Coding::Gzip,
            _ => Coding::Identity,
        };
        let variant = |suffix: &str| EntityTag::new_strong(format!("{}{suffix}", self.tag.tag()));
        let tag = variant(coding.suffix());
        let known = [Coding::Identity, Coding::Gzip, Coding::Br]
            .iter()
            .any(|c| etag::not_modified(req, &variant(c.suffix())));
        if known {
            return HttpResponse::NotModified()
                .insert_header((ETAG, tag))
                .insert_header((CACHE_CONTROL, cache_control))
                .insert_header((VARY, "accept-encoding"))
                .finish();
        }
        let mut res = HttpResponse::Ok();
        res.content_type(self.content_type)
            .insert_header((ETAG, tag))
            .insert_header((CACHE_CONTROL, cache_control))
            .insert_header((VARY, "accept-encoding"));
        if let Some(link) = &self.link {
            res.insert_header((LINK, link.as_str()));
        }
        match coding {
            Coding::Br => res.insert_header((CONTENT_ENCODING, "br")).body(self.br()),
            Coding::Gzip => res
                .insert_header((CONTENT_ENCODING, "gzip"))
                .body(self.gzip()),
            Coding::Identity => res.body(self.json.clone()),
        }
    }
}

#[derive(Clone, Copy)]
enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    fn suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => ".gz",
            Coding::Br => ".br",
        }
    }
}
