//! How the client reaches the service: which proxy (the standard environment variables, one given
//! explicitly, or none) and which TLS trust (the platform's root certificates plus any added, or,
//! for tests against a private gateway only, none), on rustls with the `ring` provider.
//!
//! The rustls configuration is built here and handed to reqwest, so the SDK installs no process-wide
//! crypto provider that could conflict with the application's own choice.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;

/// Proxy and TLS settings of a [`crate::ClientBuilder`].
#[derive(Clone, Default)]
pub(crate) struct Connectivity {
    pub(crate) proxy: ProxySetting,
    /// PEM texts given to `add_root_certificate`, parsed when the client is built.
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) accept_invalid_certs: bool,
}

/// Which proxy requests go through.
#[derive(Clone, Default)]
pub(crate) enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case forms).
    #[default]
    Environment,
    /// This proxy URL, for every request; it may carry `user:password@`.
    Url(SecretString),
    /// None, whatever the environment says.
    Disabled,
}

impl fmt::Debug for Connectivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = match &self.proxy {
            ProxySetting::Environment => "from the environment".to_string(),
            ProxySetting::Url(url) => redacted_url(url.expose_secret()),
            ProxySetting::Disabled => "none".to_string(),
        };
        f.debug_struct("Connectivity")
            .field("proxy", &proxy)
            .field("root_certificates", &self.root_certificates.len())
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .finish()
    }
}

/// A proxy URL as it can be shown: the password (and anything unparseable) replaced.
fn redacted_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("[redacted]"));
            }
            parsed.to_string()
        }
        Err(_) => "[not a URL]".to_string(),
    }
}

impl Connectivity {
    /// The rustls configuration: the `ring` provider, safe protocol versions, HTTP/1.1, and a
    /// verifier that trusts the platform's roots plus the added ones (or, when asked, anything).
    pub(crate) fn tls_config(&self) -> Result<rustls::ClientConfig, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = self.parse_root_certificates()?;
        let verifier: Arc<dyn ServerCertVerifier> = if self.accept_invalid_certs {
            tracing::warn!(
                "TLS certificate verification is disabled (danger_accept_invalid_certs): \
                 anyone on the network path can impersonate the server"
            );
            Arc::new(AcceptInvalidCerts(provider.clone()))
        } else {
            Arc::new(platform_verifier(roots, provider.clone())?)
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }

    fn parse_root_certificates(&self) -> Result<Vec<CertificateDer<'static>>, Error> {
        let mut roots = Vec::new();
        for (i, pem) in self.root_certificates.iter().enumerate() {
            let before = roots.len();
            for cert in CertificateDer::pem_slice_iter(pem) {
                roots.push(cert.map_err(|e| {
                    Error::Config(format!("root certificate #{} is not valid PEM: {e}", i + 1))
                })?);
            }
            if roots.len() == before {
                return Err(Error::Config(format!(
                    "root certificate #{} has no `BEGIN CERTIFICATE` section",
                    i + 1
                )));
            }
        }
        Ok(roots)
    }

    /// A reqwest client with these settings and the given timeouts (redirects never followed).
    pub(crate) fn http_client(
        &self,
        tls: rustls::ClientConfig,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<reqwest::Client, Error> {
        let builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(tls);
        let builder = match &self.proxy {
            ProxySetting::Environment => builder,
            ProxySetting::Disabled => builder.no_proxy(),
            ProxySetting::Url(url) => builder.proxy(proxy(url.expose_secret())?),
        };
        builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// A proxy for every request. Errors never quote the URL (it may hold a password); reqwest keeps
/// the credentials out of its `Debug` and sends them as `Proxy-Authorization: Basic`.
fn proxy(url: &str) -> Result<reqwest::Proxy, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("the proxy URL is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Config(format!(
            "the proxy URL must be http:// or https:// with a host, not `{}`",
            redacted_url(url)
        )));
    }
    reqwest::Proxy::all(url)
        .map_err(|_| Error::Config(format!("the proxy URL `{}` is unusable", redacted_url(url))))
}

#[cfg(any(all(unix, not(target_os = "android")), target_os = "windows"))]
fn platform_verifier(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, Error> {
    let verifier = if roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
    };
    verifier.map_err(|e| Error::Config(format!("cannot load the root certificates: {e}")))
}

#[cfg(not(any(all(unix, not(target_os = "android")), target_os = "windows")))]
fn platform_verifier(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, Error> {
    if !roots.is_empty() {
        return Err(Error::Config(
            "extra root certificates are not supported on this platform".into(),
        ));
    }
    rustls_platform_verifier::Verifier::new(provider)
        .map_err(|e| Error::Config(format!("cannot load the root certificates: {e}")))
}

/// Accepts any certificate (but still checks that the server holds the key it presented).
#[derive(Debug)]
struct AcceptInvalidCerts(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptInvalidCerts {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_proxy_without_its_password() {
        let c = Connectivity {
            proxy: ProxySetting::Url(SecretString::from(
                "http://alice:pr0xy-s3cret@proxy.example:3128".to_string(),
            )),
            ..Default::default()
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("alice"), "{shown}");
        assert!(shown.contains("proxy.example:3128"), "{shown}");
        assert!(!shown.contains("pr0xy-s3cret"), "{shown}");
    }

    #[test]
    fn bad_proxy_urls_are_errors_that_do_not_quote_the_password() {
        for url in [
            "not a url with pw-s3cret",
            "socks5://u:pw-s3cret@h:1",
            "http://u:pw-s3cret@",
        ] {
            let err = proxy(url).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{url}: {err}");
            assert!(!err.to_string().contains("pw-s3cret"), "{err}");
        }
        assert!(proxy("http://u:p@127.0.0.1:3128").is_ok());
    }

    #[test]
    fn bad_root_certificates_are_errors() {
        for pem in [
            &b"garbage"[..],
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        ] {
            let c = Connectivity {
                root_certificates: vec![pem.to_vec()],
                ..Default::default()
            };
            assert!(matches!(c.tls_config(), Err(Error::Config(_))));
        }
    }
}
