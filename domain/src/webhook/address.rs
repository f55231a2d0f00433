//! Where a webhook may be sent: `https` to a public address, or, when insecure endpoints
//! are allowed (tests and development), `http` and private or loopback addresses too.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which endpoint URLs are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPolicy {
    /// Production: `https` only, never to a loopback, private, link-local or metadata address.
    PublicHttpsOnly,
    /// `WEBHOOKS_ALLOW_INSECURE=1`: `http` and any address.
    AllowInsecure,
}

/// The longest endpoint URL accepted.
pub const MAX_URL_LENGTH: usize = 2_000;

/// A URL a webhook may be sent to, as far as its text can tell (its name is resolved, and
/// the addresses checked, again at each connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self, String> {
        if raw.len() > MAX_URL_LENGTH {
            return Err(format!("must be at most {MAX_URL_LENGTH} characters"));
        }
        let url = url::Url::parse(raw).map_err(|e| format!("must be an absolute URL ({e})"))?;
        match (url.scheme(), policy) {
            ("https", _) | ("http", UrlPolicy::AllowInsecure) => {}
            ("http", UrlPolicy::PublicHttpsOnly) => {
                return Err("must use https (http is allowed only when the server runs with WEBHOOKS_ALLOW_INSECURE=1)".into());
            }
            (other, _) => return Err(format!("must use https, not {other}")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "must not carry a user name or password: the signature authenticates each delivery"
                    .into(),
            );
        }
        if url.fragment().is_some() {
            return Err("must not have a #fragment".into());
        }
        let private = match url.host() {
            None => return Err("must name a host".into()),
            Some(url::Host::Ipv4(ip)) => forbidden_address(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => forbidden_address(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost") || !name.contains('.')
            }
        };
        if private && policy == UrlPolicy::PublicHttpsOnly {
            return Err(
                "must reach a public address, not a loopback, private, link-local or metadata one"
                    .into(),
            );
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host to resolve, when it is a name rather than an address.
    pub fn host(&self) -> Option<String> {
        match url::Url::parse(&self.0).ok()?.host()? {
            url::Host::Domain(name) => Some(name.to_owned()),
            url::Host::Ipv4(_) | url::Host::Ipv6(_) => None,
        }
    }
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Loopback, private (RFC 1918, unique local), shared (CGNAT), link-local (which holds the
/// cloud metadata address 169.254.169.254), unspecified, broadcast, multicast, IETF
/// protocol assignments, documentation and benchmarking ranges, deprecated site-local
/// IPv6, and IPv6 addresses that embed an IPv4 one (mapped, compatible, 6to4, NAT64):
/// those are refused whatever they embed, since the host they reach is the IPv4 one.
pub fn forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments, RFC 6890
        || (a == 100 && (64..128).contains(&b)) // shared address space, RFC 6598
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, RFC 2544
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || s[..6] == [0; 6] // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291)
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (holds fd00:ec2::254)
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated, RFC 3879)
        || s[0] == 0x2001 && s[1] == 0x0db8 // documentation
        || s[0] == 0x2002 // 6to4: an IPv4 address behind a relay
        || s[0] == 0x0064 && s[1] == 0xff9b // NAT64 of any IPv4
}
