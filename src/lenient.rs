//! Field types for what the docs contradict.
//!
//! Where a field's documented type and the docs' own examples disagree, the response decodes
//! both shapes instead of failing: each type here replaces a named schema of the spec in the
//! generated code (`xtask/codegen/src/generate.rs`), and the schema's description names the contradiction.
//!
//! | field | documented | doc example | type |
//! |---|---|---|---|
//! | `ListSeveritiesResponse.show` | boolean | `1` | [`Flag`] |
//! | `SignPublishedAgreementResponse.agreement_signed_record_id` | int32 | `"1"` | [`Integer`] |
//! | `ListCaseCcEmailsResponse.cc_email_info` | one object | an array | [`OneOrMany`] |
//! | `ListCustomersRegionsResponse` | `count` | `total_count` | both fields, [`regions_total`] |
//!
//! Ticket details whose ratings lack the satisfaction ids decode too: no schema a response
//! contains has required fields (`cargo xtask validate` enforces it).

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A yes/no flag: decodes `true`/`false`, `1`/`0` and those as strings.
///
/// ```
/// use huaweicloud_osm::lenient::Flag;
/// for (json, expected) in [("true", true), ("1", true), ("0", false), ("\"false\"", false)] {
///     assert_eq!(*serde_json::from_str::<Flag>(json).unwrap(), expected);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flag(pub bool);

impl Deref for Flag {
    type Target = bool;
    fn deref(&self) -> &bool {
        &self.0
    }
}

impl From<bool> for Flag {
    fn from(value: bool) -> Self {
        Flag(value)
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Flag {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "true" | "1" => Ok(Flag(true)),
            "false" | "0" => Ok(Flag(false)),
            other => Err(format!("`{other}` is not a flag (true, false, 1 or 0)")),
        }
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, 1 or 0")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Flag, E> {
                match v {
                    0 => Ok(Flag(false)),
                    1 => Ok(Flag(true)),
                    _ => Err(E::custom(format!("{v} is not a flag (1 or 0)"))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Flag, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Flag, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for Flag {
    fn schema_name() -> String {
        "Flag".into()
    }
    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <bool as schemars::JsonSchema>::json_schema(generator)
    }
}

/// An integer that may arrive as a string holding it (`"1"`).
///
/// ```
/// use huaweicloud_osm::lenient::Integer;
/// assert_eq!(serde_json::from_str::<Integer>("1").unwrap(), Integer(1));
/// assert_eq!(serde_json::from_str::<Integer>("\"1\"").unwrap(), Integer(1));
/// assert!(serde_json::from_str::<Integer>("\"one\"").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Integer(pub i64);

impl Deref for Integer {
    type Target = i64;
    fn deref(&self) -> &i64 {
        &self.0
    }
}

impl From<i64> for Integer {
    fn from(value: i64) -> Self {
        Integer(value)
    }
}

impl From<Integer> for i64 {
    fn from(value: Integer) -> Self {
        value.0
    }
}

impl fmt::Display for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Integer {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Integer)
    }
}

impl Serialize for Integer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Integer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer, or a string holding one")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Integer, E> {
                Ok(Integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Integer, E> {
                i64::try_from(v)
                    .map(Integer)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Integer, E> {
                v.parse()
                    .map_err(|_| E::custom(format!("`{v}` is not an integer")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for Integer {
    fn schema_name() -> String {
        "LenientInteger".into()
    }
    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <i64 as schemars::JsonSchema>::json_schema(generator)
    }
}

/// A list that may arrive as a single value: decodes `{..}` as a list of one and `[{..}, ..]` as
/// it is; encodes one value as the value, others as a list.
///
/// ```
/// use huaweicloud_osm::lenient::OneOrMany;
/// let one: OneOrMany<u8> = serde_json::from_str("7").unwrap();
/// let many: OneOrMany<u8> = serde_json::from_str("[7, 8]").unwrap();
/// assert_eq!((one.as_slice(), many.as_slice()), (&[7][..], &[7, 8][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    /// The values.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The first value, the one the docs' single-object form carries.
    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }
}

impl<T> Deref for OneOrMany<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany(values)
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape<T> {
            Many(Vec<T>),
            One(T),
        }
        Ok(match Shape::deserialize(deserializer)? {
            Shape::Many(values) => OneOrMany(values),
            Shape::One(value) => OneOrMany(vec![value]),
        })
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl<T: schemars::JsonSchema> schemars::JsonSchema for OneOrMany<T> {
    fn schema_name() -> String {
        format!("OneOrMany_{}", T::schema_name())
    }
    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            subschemas: Some(Box::new(schemars::schema::SubschemaValidation {
                any_of: Some(vec![
                    generator.subschema_for::<T>(),
                    generator.subschema_for::<Vec<T>>(),
                ]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

/// The number of regions of a `ListCustomersRegions` answer, whichever name it used for it
/// (`total_count` in the doc examples, `count` in the SDK model).
///
/// ```
/// use huaweicloud_osm::{lenient, types};
/// let answer: types::ListCustomersRegionsResponse =
///     serde_json::from_str(r#"{"count": 2}"#).unwrap();
/// assert_eq!(lenient::regions_total(&answer), Some(2));
/// ```
#[cfg(feature = "v2")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2")))]
pub fn regions_total(answer: &crate::types::ListCustomersRegionsResponse) -> Option<i32> {
    answer.total_count.or(answer.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "v2")]
    #[test]
    fn the_documented_contradictions_decode_both_ways() {
        use crate::types;
        let severities = |show: &str| {
            serde_json::from_str::<types::ListSeveritiesResponse>(&format!(
                r#"{{"show": {show}, "severity_list": []}}"#
            ))
            .unwrap()
            .show
            .map(bool::from)
        };
        assert_eq!(
            (severities("true"), severities("1"), severities("0")),
            (Some(true), Some(true), Some(false))
        );
        for record in [
            r#"{"agreement_signed_record_id": 1}"#,
            r#"{"agreement_signed_record_id": "1"}"#,
        ] {
            let r: types::SignPublishedAgreementResponse = serde_json::from_str(record).unwrap();
            assert_eq!(r.agreement_signed_record_id, Some(Integer(1)));
        }
        let info = r#"{"user_id": "u", "customer_id": "c", "cc_email": "ops@example.com"}"#;
        for body in [
            format!(r#"{{"cc_email_info": {info}}}"#),
            format!(r#"{{"cc_email_info": [{info}]}}"#),
        ] {
            let r: types::ListCaseCcEmailsResponse = serde_json::from_str(&body).unwrap();
            let emails = r.cc_email_info.unwrap();
            assert_eq!(emails.len(), 1);
            assert_eq!(emails[0].cc_email.as_deref(), Some("ops@example.com"));
        }
        for body in [r#"{"count": 2}"#, r#"{"total_count": 2}"#] {
            let r: types::ListCustomersRegionsResponse = serde_json::from_str(body).unwrap();
            assert_eq!(regions_total(&r), Some(2));
        }
        let detail: types::IncidentDetailInfoV2 = serde_json::from_str(
            r#"{"incident_id": "CS1", "incident_satisfaction": [{"value": 5, "satisfaction_name": "Timeliness"}]}"#,
        )
        .unwrap();
        assert_eq!(detail.incident_satisfaction[0].satisfaction_id, None);
    }

    #[test]
    fn one_value_encodes_as_the_documented_object() {
        assert_eq!(serde_json::to_string(&OneOrMany(vec![1])).unwrap(), "1");
        assert_eq!(
            serde_json::to_string(&OneOrMany(vec![1, 2])).unwrap(),
            "[1,2]"
        );
        assert!(serde_json::from_str::<Flag>("2").is_err());
    }
}
