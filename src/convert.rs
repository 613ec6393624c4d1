//! What the builders' setters accept.
//!
//! A setter of an optional field takes anything that is [`IntoOptional`] of the field's type: the
//! value itself, an `Option` of it (`None` clears the field), and for text fields `&str`, `&String`
//! and `String`, so no `Some(..)` or `try_into()` is needed:
//!
//! ```
//! use huaweicloud_osm::types;
//! let body = types::CreateOrderIncidentV2Req::builder()
//!     .business_type_id("b1")
//!     .simple_description("ECS i-123 does not boot after resize")
//!     .source_id("83aeb0f2834c4df49826c781d32a963e")
//!     .region_id("cn-north-4")                   // optional: a &str
//!     .remind_mail(String::from("ops@example.com")) // a String
//!     .severity_id(None);                         // or nothing
//! let body = types::CreateOrderIncidentV2Req::try_from(body).unwrap();
//! assert_eq!(body.region_id.as_deref(), Some("cn-north-4"));
//! assert_eq!(body.severity_id, None);
//! ```
//!
//! The limits of the spec (lengths, ranges, item counts) are checked when the request is sent,
//! before anything leaves the client (see [`crate::operations`]).

/// A value for an optional field of type `T`.
pub trait IntoOptional<T> {
    /// The field's value.
    fn into_optional(self) -> Option<T>;
}

impl<T> IntoOptional<T> for T {
    fn into_optional(self) -> Option<T> {
        Some(self)
    }
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Option<T> {
        self
    }
}

impl IntoOptional<String> for &str {
    fn into_optional(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl IntoOptional<String> for &String {
    fn into_optional(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoOptional<String> for std::borrow::Cow<'_, str> {
    fn into_optional(self) -> Option<String> {
        Some(self.into_owned())
    }
}
