//! What the credential exchanges (IAM, STS, the metadata service, the pod identity agent) share:
//! URLs under an endpoint, one request and its capped answer, the service error of a refusal with a
//! note on what was being done, token files, and the temporary keys of an answer in every shape
//! Huawei's SDKs accept.
//!
//! Nothing here quotes a successful answer or a token file in an error: they hold secrets.

use std::path::Path;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use secrecy::SecretString;

use super::provider::AccessKeys;
use crate::clock;
use crate::error::{self, Error, ServiceError};

/// Largest answer read.
pub(crate) const MAX_ANSWER: usize = 1024 * 1024;

/// The URL of an API under `endpoint` (which may have a path prefix), followed by `segments`.
pub(crate) fn api_url(endpoint: &reqwest::Url, segments: &[&str]) -> Result<reqwest::Url, Error> {
    let mut url = endpoint.clone();
    url.path_segments_mut()
        .map_err(|_| Error::Config(format!("endpoint `{endpoint}` cannot have a path")))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// The service error with a note on what was being done and how to avoid it.
pub(crate) fn explain(mut err: ServiceError, note: &str) -> ServiceError {
    err.error_msg = Some(match err.error_msg.take() {
        Some(message) => format!("{message} ({note})"),
        None => note.to_string(),
    });
    err
}

/// An answer, read whole (up to 1 MiB).
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Sends the request and reads its answer.
pub(crate) async fn send(request: reqwest::RequestBuilder) -> Result<Answer, Error> {
    Ok(Answer::read(request.send().await?).await?)
}

impl Answer {
    /// Reads an answer (its first [`MAX_ANSWER`] bytes).
    pub(crate) async fn read(response: reqwest::Response) -> reqwest::Result<Answer> {
        let status = response.status();
        let headers = response.headers().clone();
        let (body, _) = crate::body::read_capped(response.bytes_stream(), MAX_ANSWER).await?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The answer as a service error, explained with `note` (its request id from `X-Request-Id` or
    /// IAM's `X-IAM-Trace-Id`).
    pub(crate) fn refusal(&self, note: &str) -> Error {
        let request_id = error::header_str(&self.headers, error::REQUEST_ID_HEADER)
            .or_else(|| error::header_str(&self.headers, "x-iam-trace-id"));
        explain(
            ServiceError::from_body(self.status.as_u16(), request_id, &self.body),
            note,
        )
        .into()
    }

    /// The answer, when it is a success; else [`Answer::refusal`].
    pub(crate) fn success(self, note: &str) -> Result<Answer, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(self.refusal(note))
        }
    }

    /// The temporary keys of a successful answer (`what` names it in errors).
    pub(crate) fn keys(&self, what: &str) -> Result<AccessKeys, Error> {
        parse_keys(&self.body)
            .map_err(|problem| Error::Config(format!("{what} {problem} (expected {SHAPES})")))
    }
}

/// The answers [`parse_keys`] reads, for error messages.
const SHAPES: &str = "{\"credential\" or \"credentials\": {\"access\", \"secret\", \
    \"securitytoken\", \"expires_at\"}}, keys also spelled accessKeyId/access_key_id, \
    secretAccessKey/secret_access_key, securityToken/security_token, expiration";

/// The temporary keys in an answer, as Huawei's SDKs read it (`_process_credential`): the object
/// under `credential`, else `credentials`, else the answer itself; in it the access key as
/// `access`, `accessKeyId` or `access_key_id`, the secret as `secret`, `secretAccessKey` or
/// `secret_access_key`, the security token as `securitytoken`, `securityToken` or
/// `security_token`, and the expiry as `expires_at` or `expiration` (ISO 8601). The error says
/// what is missing, never what is there.
pub(crate) fn parse_keys(body: &[u8]) -> Result<AccessKeys, String> {
    let answer: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "is not JSON".to_string())?;
    let credential = answer
        .get("credential")
        .or_else(|| answer.get("credentials"))
        .unwrap_or(&answer);
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| credential.get(*name).and_then(|v| v.as_str()))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("has no `{}`", names[0]))
    };
    let access = field(&["access", "accessKeyId", "access_key_id"])?;
    let secret = field(&["secret", "secretAccessKey", "secret_access_key"])?;
    let token = field(&["securitytoken", "securityToken", "security_token"])?;
    let expires_at = clock::parse_iso8601(field(&["expires_at", "expiration"])?)
        .ok_or_else(|| "has an expiry that is not a time".to_string())?;
    Ok(AccessKeys::temporary(access, secret, token).with_expiry(expires_at))
}

/// The content of a token file (an id token, a pod's authorization token), read now: these files
/// are rotated, so every exchange reads them again. `what` names the file in errors.
pub(crate) async fn read_token_file(path: &Path, what: &str) -> Result<SecretString, Error> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| Error::Config(format!("cannot read the {what} {}: {e}", path.display())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::Config(format!(
            "the {what} {} is empty",
            path.display()
        )));
    }
    Ok(SecretString::from(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape_huawei_accepts() {
        let shapes = [
            r#"{"credential":{"access":"AK","secret":"s","securitytoken":"t","expires_at":"2030-01-02T03:04:05.000000Z"}}"#,
            r#"{"credentials":{"accessKeyId":"AK","secretAccessKey":"s","securityToken":"t","expiration":"2030-01-02T03:04:05.000Z"}}"#,
            r#"{"credentials":{"access_key_id":"AK","secret_access_key":"s","security_token":"t","expiration":"2030-01-02T03:04:05Z"}}"#,
            r#"{"access":"AK","secret":"s","security_token":"t","expires_at":"2030-01-02T03:04:05Z"}"#,
        ];
        let expiry = clock::parse_iso8601("2030-01-02T03:04:05Z").unwrap();
        for shape in shapes {
            let keys = parse_keys(shape.as_bytes()).unwrap_or_else(|e| panic!("{shape}: {e}"));
            assert_eq!(keys.access_key(), "AK");
            assert!(keys.is_temporary());
            assert_eq!(keys.expires_at(), Some(expiry), "{shape}");
        }
    }

    #[test]
    fn malformed_answers_are_errors_that_quote_no_secret() {
        let answers = [
            &b"not json s3cr3t"[..],
            br#"{"credential":{"access":"AK","secret":"s3cr3t","securitytoken":"t0k3n"}}"#,
            br#"{"credential":{"access":"AK","secret":"s3cr3t","securitytoken":"t0k3n","expires_at":"soon"}}"#,
            br#"{"credential":{"access":"AK","secret":7,"securitytoken":"t0k3n","expires_at":"2030-01-01T00:00:00.000000Z"}}"#,
            br#"{"credentials":{"access_key_id":"AK","secret_access_key":"","security_token":"t0k3n","expiration":"2030-01-01T00:00:00Z"}}"#,
            br#"{"nothing":1}"#,
            br#"[1,2]"#,
        ];
        for body in answers {
            let err = match parse_keys(body) {
                Err(e) => e,
                Ok(_) => panic!("{} parsed", String::from_utf8_lossy(body)),
            };
            assert!(!err.contains("s3cr3t") && !err.contains("t0k3n"), "{err}");
        }
    }

    #[tokio::test]
    async fn token_files_are_read_trimmed_and_must_not_be_empty() {
        let dir = crate::test_support::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "  the-token\n").unwrap();
        let token = read_token_file(&file, "id token file").await.unwrap();
        assert_eq!(secrecy::ExposeSecret::expose_secret(&token), "the-token");
        std::fs::write(&file, "\n").unwrap();
        let err = read_token_file(&file, "id token file").await.unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
        let err = read_token_file(&dir.path().join("absent"), "id token file")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot read the id token file"),
            "{err}"
        );
    }
}
