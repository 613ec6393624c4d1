//! Proxies and TLS, on loopback: every request through an explicit forward proxy (with Basic
//! credentials checked by the proxy, the password never shown), HTTPS to a private gateway with a
//! self-signed certificate (refused by default, accepted once its certificate is added as a root,
//! or with the explicitly dangerous switch), and HTTPS tunnelled through the proxy. The proxy
//! environment variables are tested in `environment.rs`, in child processes.

use crate::common;

use common::net::{ForwardProxy, TEST_CERT_PEM, TlsFront};
use common::region_count;
use huaweicloud_osm::retry::RetryPolicy;
use huaweicloud_osm::{Client, ClientBuilder, Credentials, Error};
use osm_sandbox::Sandbox;

const PROXY_USER: &str = "proxy-user";
const PROXY_PASSWORD: &str = "pr0xy-pass@word";

fn builder(sandbox: &Sandbox, endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .credentials(sandbox.credentials().ak_sk())
        .retry_policy(RetryPolicy::disabled())
}

/// Three different calls, signed (the sandbox checks the signatures, `Host` included).
async fn some_calls(client: &Client) -> Result<(), Error> {
    region_count(client).await?;
    client.list_sub_types_v1().send().await?;
    client.list_regions().send().await?;
    Ok(())
}

#[tokio::test]
async fn every_request_goes_through_an_explicit_proxy() {
    let sandbox = Sandbox::start().await.unwrap();
    let proxy = ForwardProxy::start(None).await;
    let client = builder(&sandbox, &sandbox.url())
        .proxy(proxy.url())
        .build()
        .unwrap();
    some_calls(&client).await.unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len() as u64, sandbox.counters().requests, "{seen:?}");
    assert_eq!(seen.len(), 3, "{seen:?}");
    for line in &seen {
        assert!(
            line.starts_with(&format!("GET {}/", sandbox.url())),
            "{line}"
        );
    }
    assert_eq!(sandbox.counters().auth_failures, 0);
}

#[tokio::test]
async fn proxy_credentials_are_sent_and_never_shown() {
    let sandbox = Sandbox::start().await.unwrap();
    let proxy = ForwardProxy::start(Some((PROXY_USER, PROXY_PASSWORD))).await;
    // The password's `@` is percent-encoded in the URL, as URLs require.
    let with_credentials = proxy.url().replace(
        "http://",
        &format!(
            "http://{PROXY_USER}:{}@",
            PROXY_PASSWORD.replace('@', "%40")
        ),
    );
    let builder = builder(&sandbox, &sandbox.url()).proxy(&with_credentials);
    let client = builder.clone().build().unwrap();
    some_calls(&client).await.unwrap();
    assert_eq!(proxy.seen().len(), 3);
    assert_eq!(proxy.refused(), 0);
    let shown = format!("{builder:?}\n{client:?}");
    assert!(shown.contains(PROXY_USER), "{shown}");
    assert!(!shown.contains("pr0xy-pass"), "{shown}");

    // A wrong password: the proxy's 407 comes back as an error and nothing reaches the sandbox.
    let wrong = proxy
        .url()
        .replace("http://", &format!("http://{PROXY_USER}:wrong-pw-s3cret@"));
    let client = self::builder(&sandbox, &sandbox.url())
        .proxy(&wrong)
        .build()
        .unwrap();
    let err = region_count(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(407), "{err:?}");
    assert!(!format!("{err} {err:?} {client:?}").contains("wrong-pw-s3cret"));
    assert_eq!(proxy.refused(), 1);
    assert_eq!(sandbox.counters().requests, 3);
}

#[tokio::test]
async fn bad_proxy_urls_fail_the_build_without_showing_the_password() {
    for url in [
        "no scheme:pw-s3cret",
        "ftp://u:pw-s3cret@127.0.0.1:21",
        "http://u:pw-s3cret@",
    ] {
        let err = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("d"))
            .proxy(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err}");
        assert!(!err.to_string().contains("pw-s3cret"), "{err}");
    }
}

#[tokio::test]
async fn a_self_signed_gateway_is_refused_unless_its_certificate_is_trusted() {
    let sandbox = Sandbox::start().await.unwrap();
    let gateway = TlsFront::start(sandbox.addr()).await;

    // Default: the platform's roots only; the handshake fails, a transport error that says why
    // and where.
    let client = builder(&sandbox, &gateway.url()).build().unwrap();
    let err = region_count(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "transport error: invalid peer certificate: UnknownIssuer for GET {}/",
            gateway.url()
        )),
        "{err}"
    );
    assert_eq!(gateway.handshakes(), 0);
    assert_eq!(sandbox.counters().requests, 0);

    // Its certificate added as a root: accepted, and the signed call goes through.
    let client = builder(&sandbox, &gateway.url())
        .add_root_certificate(TEST_CERT_PEM)
        .build()
        .unwrap();
    assert!(region_count(&client).await.unwrap() > 0);
    assert_eq!(gateway.handshakes(), 1);

    // The dangerous switch accepts it too.
    let client = builder(&sandbox, &gateway.url())
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert!(region_count(&client).await.unwrap() > 0);
    assert_eq!(gateway.handshakes(), 2);
    assert_eq!(sandbox.counters().auth_failures, 0);
}

#[tokio::test]
async fn a_bad_root_certificate_fails_the_build() {
    for pem in [
        &b"not a certificate"[..],
        b"-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n",
    ] {
        let err = Client::builder()
            .endpoint("https://127.0.0.1:1")
            .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("d"))
            .add_root_certificate(pem)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
        assert!(err.to_string().contains("root certificate #1"), "{err}");
    }
}

#[tokio::test]
async fn https_is_tunnelled_through_the_proxy() {
    let sandbox = Sandbox::start().await.unwrap();
    let gateway = TlsFront::start(sandbox.addr()).await;
    let proxy = ForwardProxy::start(Some((PROXY_USER, "tunnel-pw"))).await;
    let through_proxy = |password: &str| {
        builder(&sandbox, &gateway.url())
            .add_root_certificate(TEST_CERT_PEM)
            .proxy(
                proxy
                    .url()
                    .replace("http://", &format!("http://{PROXY_USER}:{password}@")),
            )
            .build()
            .unwrap()
    };
    some_calls(&through_proxy("tunnel-pw")).await.unwrap();
    let authority = gateway.url().replace("https://", "");
    let seen = proxy.seen();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|line| line == &format!("CONNECT {authority}")),
        "{seen:?}"
    );
    assert_eq!(sandbox.counters().requests, 3);

    // A wrong password: the proxy refuses the tunnel, and the error says so, not the password.
    let err = region_count(&through_proxy("wrong-s3cret"))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "transport error: tunnel error: proxy authorization required for GET {}/",
            gateway.url()
        )),
        "{err}"
    );
    assert!(!shown.contains("wrong-s3cret"), "{shown}");
    assert_eq!(sandbox.counters().requests, 3);
}
