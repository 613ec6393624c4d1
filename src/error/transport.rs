//! Failures with no usable answer, and where the request went: what a transport or timeout error
//! shows of its cause and of the request, without the query string or user info that could hold a
//! secret.

use std::fmt;

/// The method and URL of a request as errors show them: the URL without its query string, user
/// name, password or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    method: Option<reqwest::Method>,
    url: String,
}

impl RequestLine {
    /// The line of a request about to be sent.
    pub(crate) fn of(request: &reqwest::Request) -> Self {
        Self {
            method: Some(request.method().clone()),
            url: shown(request.url()),
        }
    }

    /// The method, when known (an error from a credential exchange knows only the URL).
    pub fn method(&self) -> Option<&reqwest::Method> {
        self.method.as_ref()
    }

    /// The URL, without query string, user info or fragment.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for RequestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.method {
            Some(method) => write!(f, "{method} {}", self.url),
            None => f.write_str(&self.url),
        }
    }
}

fn shown(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    // Fails only for URLs that cannot have user info, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// No usable answer: the connection was refused or reset, the name did not resolve, TLS or the
/// proxy refused, the body was cut short. `Display` names the cause and the request:
/// `connection refused (os error 111) for GET http://127.0.0.1:9/v2/servicerequest/cases`.
#[derive(Debug)]
pub struct TransportError {
    request: Option<RequestLine>,
    source: reqwest::Error,
}

impl TransportError {
    /// `source`, for `request` (else for the URL the error names).
    pub(crate) fn new(source: reqwest::Error, request: Option<RequestLine>) -> Self {
        let request = request.or_else(|| {
            source.url().map(|url| RequestLine {
                method: None,
                url: shown(url),
            })
        });
        Self {
            request,
            source: source.without_url(),
        }
    }

    /// The request that failed, when known.
    pub fn request(&self) -> Option<&RequestLine> {
        self.request.as_ref()
    }

    /// What went wrong, in the words of the innermost error (`connection refused (os error 111)`,
    /// `invalid peer certificate: UnknownIssuer`).
    pub fn cause(&self) -> String {
        root_cause(&self.source)
    }

    /// No connection could be made (refused, no route, DNS, TLS handshake, proxy): nothing reached
    /// the server.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// The underlying reqwest error.
    pub fn inner(&self) -> &reqwest::Error {
        &self.source
    }

    pub(crate) fn into_inner(self) -> reqwest::Error {
        self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cause())?;
        match &self.request {
            Some(request) => write!(f, " for {request}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The message of the innermost error of `e`'s chain, with a capital that only starts the sentence
/// made small (`Connection refused` → `connection refused`, `TLS …` stays).
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = e;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    let text = innermost.to_string();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_no_query_user_info_or_fragment() {
        let url = "https://user:s3cret@osm.example/v2/cases?token=s3cret&limit=1#frag";
        let request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        let line = RequestLine::of(&request);
        assert_eq!(line.to_string(), "GET https://osm.example/v2/cases");
        assert_eq!(line.method(), Some(&reqwest::Method::GET));
    }

    #[test]
    fn the_cause_is_the_innermost_error_made_a_phrase() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let outer = std::io::Error::other(Wrapper(io));
        assert_eq!(root_cause(&outer), "connection refused");
        let tls = std::io::Error::other("TLS handshake failed");
        assert_eq!(root_cause(&tls), "TLS handshake failed");
    }

    #[derive(Debug)]
    struct Wrapper(std::io::Error);

    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Wrapper {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
}
