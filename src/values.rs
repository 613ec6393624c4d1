//! The value sets the docs enumerate: ticket statuses, ticket actions, contact ways, attachment
//! sources, agreement types and the rest.
//!
//! Two shapes, by direction:
//! * what the service **sends** is *open*: [`CaseStatus`] is a newtype over the documented
//!   integer with a constant per known value; a value Huawei adds tomorrow is kept, printed and
//!   compared like the others, never a decoding error. Response fields that carry a ticket status
//!   are typed `CaseStatus` in the generated types.
//! * what **you send** is an enum ([`CaseAction`], [`ContactWay`], [`AgreementType`], …) that
//!   converts into the wire value, so the builders take it where they take the string or integer:
//!
//! ```
//! use huaweicloud_osm::values::{CaseAction, CaseStatus, ContactWay};
//! # async fn demo(client: huaweicloud_osm::Client) -> huaweicloud_osm::Result<()> {
//! client.update_cases().case_id("CS1").action_id(CaseAction::Press)
//!     .body(huaweicloud_osm::types::WorkOrderOperateV2Req::builder()).send().await?;
//! client.check_need_verify().contact_value("ops@example.com").contact_way(ContactWay::Email)
//!     .send().await?;
//! let open = client.list_cases().status(CaseStatus::PROCESSING).send().await?;
//! # Ok(()) }
//! ```
//!
//! A value the enums do not know yet can still be sent as the plain string or integer.

use std::fmt;
use std::str::FromStr;

/// A text that is not one of the known values of a set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known {set}; known values: {known}")]
pub struct UnknownValue {
    /// Which set.
    pub set: &'static str,
    /// The text given.
    pub value: String,
    /// The known values, comma-separated.
    pub known: String,
}

/// A ticket's status, as the service reports it (open: any integer is kept).
///
/// ```
/// use huaweicloud_osm::values::CaseStatus;
/// let status = CaseStatus::from(3);
/// assert_eq!(status, CaseStatus::COMPLETED);
/// assert!(status.is_closed());
/// assert_eq!(status.to_string(), "completed");
/// assert_eq!(CaseStatus::from(42).to_string(), "status 42");
/// assert_eq!("pending acceptance".parse::<CaseStatus>(), Ok(CaseStatus::PENDING_ACCEPTANCE));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CaseStatus(i32);

impl CaseStatus {
    /// `0`: pending acceptance (submitted, not yet taken by an engineer).
    pub const PENDING_ACCEPTANCE: CaseStatus = CaseStatus(0);
    /// `1`: an engineer is processing it.
    pub const PROCESSING: CaseStatus = CaseStatus(1);
    /// `2`: the engineer proposed a result; pending your confirmation.
    pub const PENDING_CONFIRMATION: CaseStatus = CaseStatus(2);
    /// `3`: completed (closed).
    pub const COMPLETED: CaseStatus = CaseStatus(3);
    /// `4`: canceled.
    pub const CANCELED: CaseStatus = CaseStatus(4);
    /// `5`: paused (only in the newest SDK comments).
    pub const PAUSED: CaseStatus = CaseStatus(5);
    /// `12`: invalid.
    pub const INVALID: CaseStatus = CaseStatus(12);
    /// `17`: pending your feedback.
    pub const PENDING_FEEDBACK: CaseStatus = CaseStatus(17);

    /// Every documented status.
    pub const KNOWN: [CaseStatus; 8] = [
        Self::PENDING_ACCEPTANCE,
        Self::PROCESSING,
        Self::PENDING_CONFIRMATION,
        Self::COMPLETED,
        Self::CANCELED,
        Self::PAUSED,
        Self::INVALID,
        Self::PENDING_FEEDBACK,
    ];

    /// The status with this wire value.
    pub const fn new(value: i32) -> Self {
        CaseStatus(value)
    }

    /// The wire value.
    pub const fn value(self) -> i32 {
        self.0
    }

    /// The documented English name (`"pending acceptance"`), `None` for an undocumented value.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "pending acceptance",
            1 => "processing",
            2 => "pending confirmation",
            3 => "completed",
            4 => "canceled",
            5 => "paused",
            12 => "invalid",
            17 => "pending feedback",
            _ => return None,
        })
    }

    /// Whether the status is documented.
    pub const fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// The ticket is over: completed, canceled or invalid. Only such a ticket can be deleted.
    pub const fn is_closed(self) -> bool {
        matches!(self.0, 3 | 4 | 12)
    }

    /// The ticket waits for you: a result to confirm or feedback to give.
    pub const fn awaits_customer(self) -> bool {
        matches!(self.0, 2 | 17)
    }
}

impl From<i32> for CaseStatus {
    fn from(value: i32) -> Self {
        CaseStatus(value)
    }
}

impl From<CaseStatus> for i32 {
    fn from(status: CaseStatus) -> Self {
        status.0
    }
}

impl fmt::Display for CaseStatus {
    /// The documented English name, or `status <n>` for an undocumented value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "status {}", self.0),
        }
    }
}

impl fmt::Debug for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "CaseStatus({}: {name})", self.0),
            None => write!(f, "CaseStatus({})", self.0),
        }
    }
}

impl FromStr for CaseStatus {
    type Err = UnknownValue;

    /// The wire value (`"3"`, as v1.0 lists send it) or the name, in any case, with spaces,
    /// `-` or `_` between words (`completed`, `PENDING_ACCEPTANCE`, `pending-confirmation`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i32>() {
            return Ok(CaseStatus(n));
        }
        let wanted = normalize_name(s);
        Self::KNOWN
            .into_iter()
            .find(|k| k.name().is_some_and(|n| normalize_name(n) == wanted))
            .ok_or_else(|| UnknownValue {
                set: "ticket status",
                value: s.to_string(),
                known: Self::KNOWN
                    .iter()
                    .map(|k| format!("{} ({})", k.0, k))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

fn normalize_name(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '-' | '_' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl serde::Serialize for CaseStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for CaseStatus {
    /// An integer, or a string holding one (v1.0 lists send the status as a string).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = CaseStatus;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ticket status (an integer, or a string holding one)")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<CaseStatus, E> {
                i32::try_from(v)
                    .map(CaseStatus)
                    .map_err(|_| E::custom(format!("ticket status {v} is out of range")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<CaseStatus, E> {
                i32::try_from(v)
                    .map(CaseStatus)
                    .map_err(|_| E::custom(format!("ticket status {v} is out of range")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CaseStatus, E> {
                v.trim()
                    .parse::<i32>()
                    .map(CaseStatus)
                    .map_err(|_| E::custom(format!("`{v}` is not a ticket status")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for CaseStatus {
    fn schema_name() -> String {
        "CaseStatus".into()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = match <i32 as schemars::JsonSchema>::json_schema(generator) {
            schemars::schema::Schema::Object(o) => o,
            other => return other,
        };
        schema.metadata().description = Some(
            "Ticket status: 0 pending acceptance, 1 processing, 2 pending confirmation, 3 completed, \
             4 canceled, 5 paused, 12 invalid, 17 pending feedback (other values are kept)."
                .into(),
        );
        schema.into()
    }
}

/// Defines an enum of values you send, with its wire values (text or integer), `Display`,
/// `FromStr`, serde and the conversion into the wire type that the builders accept.
macro_rules! sent_values {
    (
        $(#[$meta:meta])*
        $name:ident: $set:literal, text {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            /// The wire value, in any case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| UnknownValue {
                        set: $set,
                        value: s.to_string(),
                        known: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_string()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident: $set:literal, integer {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire value.
            pub const fn value(self) -> i32 {
                match self {
                    $($name::$variant => $wire,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            /// The wire value, or the variant's name in any case (`email`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        v.value().to_string() == s || format!("{v:?}").eq_ignore_ascii_case(s)
                    })
                    .ok_or_else(|| UnknownValue {
                        set: $set,
                        value: s.to_string(),
                        known: Self::ALL
                            .iter()
                            .map(|v| format!("{} ({v:?})", v.value()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> Self {
                value.value()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i32(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = i32::deserialize(deserializer)?;
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.value() == wire)
                    .ok_or_else(|| serde::de::Error::custom(format!("{wire} is not a known {}", $set)))
            }
        }
    };
}

sent_values! {
    /// An action on a ticket (`action_id` of `UpdateCases`, `action` of `UpdateCaseV1`).
    CaseAction: "ticket action", text {
        /// `cancel`: withdraw an open ticket.
        Cancel = "cancel",
        /// `close`: close the ticket (optionally with an evaluation).
        Close = "close",
        /// `press`: urge the engineers (催单); refused when repeated too soon (OSM.01010004).
        Press = "press",
        /// `delete`: delete a completed or canceled ticket.
        Delete = "delete",
    }
}

sent_values! {
    /// How to reach a contact (`contact_way` of the verification-code operations).
    ContactWay: "contact way", integer {
        /// `0`: a mobile phone, by SMS.
        Phone = 0,
        /// `1`: an e-mail address.
        Email = 1,
    }
}

sent_values! {
    /// What a v2 attachment is for (`accessoryFrom` of `UploadAccessory`, `accessory_from` of
    /// `UploadJsonAccessories`).
    AccessoryFrom: "attachment source", text {
        /// `incident`: attached to a new ticket.
        Incident = "incident",
        /// `message`: attached to a message.
        Message = "message",
    }
}

sent_values! {
    /// What a v1.0 attachment is for (`accessoryFrom` of `UploadAccessoryV1`).
    AccessoryFromV1: "v1.0 attachment source", text {
        /// `incident`: attached to a new ticket.
        Incident = "incident",
        /// `message`: attached to a message.
        Message = "message",
        /// `feedback`: attached to feedback.
        Feedback = "feedback",
    }
}

sent_values! {
    /// The kind of agreement (`agreement_type` of the agreement operations).
    AgreementType: "agreement type", text {
        /// `"0"`: creating tickets, as a normal user.
        NewCase = "0",
        /// `"1"`: creating tickets, as an ISV user.
        NewCaseIsv = "1",
        /// `"2"`: authorizing access.
        Authorization = "2",
    }
}

sent_values! {
    /// A permission (`privilege` of `ListPrivileges` and `CreatePrivileges`).
    Privilege: "privilege", text {
        /// `export`: export tickets.
        Export = "export",
        /// `createCase`: create tickets.
        CreateCase = "createCase",
        /// `assumeCaseAll` (listed only by the newest Chinese doc page).
        AssumeCaseAll = "assumeCaseAll",
    }
}

sent_values! {
    /// Whether to grant or revoke a permission (`operation` of `CreatePrivileges`).
    PrivilegeOperation: "privilege operation", text {
        /// `create`: grant.
        Create = "create",
        /// `delete`: revoke.
        Delete = "delete",
    }
}

sent_values! {
    /// What to do with an authorization (`action_id` of `UpdateAuthorizations`).
    AuthorizationAction: "authorization action", text {
        /// `reject`: refuse it (with a reason).
        Reject = "reject",
        /// `cancel`: withdraw it.
        Cancel = "cancel",
    }
}

sent_values! {
    /// Which Huawei Cloud site the account belongs to (`X-Site`).
    Site: "site", integer {
        /// `0`: the Chinese mainland site.
        China = 0,
        /// `1`: the international site.
        International = 1,
    }
}

sent_values! {
    /// How an uploaded attachment is used (`upload_type`).
    UploadType: "upload type", integer {
        /// `0`: an ordinary attachment.
        Default = 0,
        /// `1`: an image embedded in Markdown.
        Markdown = 1,
    }
}

sent_values! {
    /// What an attachment's access URL is for (`relation_type` of `ShowDownloadAccessoryUrl`).
    AccessoryRelationType: "attachment relation type", text {
        /// `DEFAULT`.
        Default = "DEFAULT",
        /// `NO_RELATION`.
        NoRelation = "NO_RELATION",
        /// `NOTIFICATION`.
        Notification = "NOTIFICATION",
        /// `INCIDENT`: a ticket.
        Incident = "INCIDENT",
        /// `MESSAGE`: a message.
        Message = "MESSAGE",
        /// `INSPECTION`.
        Inspection = "INSPECTION",
        /// `CONNECT`.
        Connect = "CONNECT",
    }
}

sent_values! {
    /// Which Q&A pairs to list (`search_type` of iRobot's `SearchQaPairs`, `ListHotQuestions`).
    QaSearchType: "Q&A search type", text {
        /// `HOT`: the most asked.
        Hot = "HOT",
        /// `RECOMMEND`: the recommended ones.
        Recommend = "RECOMMEND",
    }
}

sent_values! {
    /// A reaction to an iRobot answer (`feedback_type` of `CreateFeedbackFeedbacks`).
    FeedbackType: "feedback type", text {
        /// `LIKE`.
        Like = "LIKE",
        /// `CANCEL_LIKE`: take a like back.
        CancelLike = "CANCEL_LIKE",
        /// `DISLIKE`.
        Dislike = "DISLIKE",
        /// `ALL`.
        All = "ALL",
    }
}

sent_values! {
    /// Where an iRobot answer came from (`feedback_source`).
    FeedbackSource: "feedback source", text {
        /// `FAQ`: the question-and-answer corpus.
        Faq = "FAQ",
        /// `FLOW`: a guided flow.
        Flow = "FLOW",
    }
}

sent_values! {
    /// What a report filed with `CreateFeedback` is about (its `type`).
    ReportType: "report type", text {
        /// `infringement`: an intellectual-property complaint.
        Infringement = "infringement",
        /// `illegal`: illegal content.
        Illegal = "illegal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_open_and_named() {
        for status in CaseStatus::KNOWN {
            assert_eq!(status.to_string().parse::<CaseStatus>(), Ok(status));
            assert_eq!(status.value().to_string().parse::<CaseStatus>(), Ok(status));
            assert!(status.is_known());
        }
        let unknown = CaseStatus::from(99);
        assert!(!unknown.is_known() && !unknown.is_closed());
        assert_eq!(format!("{unknown} {unknown:?}"), "status 99 CaseStatus(99)");
        assert_eq!(
            format!("{:?}", CaseStatus::CANCELED),
            "CaseStatus(4: canceled)"
        );
        assert!(
            "PENDING_CONFIRMATION".parse::<CaseStatus>().unwrap()
                == CaseStatus::PENDING_CONFIRMATION
        );
        let err = "closed".parse::<CaseStatus>().unwrap_err();
        assert!(err.to_string().contains("3 (completed)"), "{err}");
        assert!(CaseStatus::COMPLETED.is_closed() && CaseStatus::INVALID.is_closed());
        assert!(!CaseStatus::PROCESSING.is_closed());
    }

    #[test]
    fn statuses_decode_from_integers_and_strings() {
        let decode = |json: &str| serde_json::from_str::<CaseStatus>(json);
        assert_eq!(decode("3").unwrap(), CaseStatus::COMPLETED);
        assert_eq!(decode("\"1\"").unwrap(), CaseStatus::PROCESSING);
        assert_eq!(decode("21").unwrap(), CaseStatus::from(21));
        assert!(decode("\"soon\"").is_err());
        assert!(decode("4294967296").is_err());
        assert_eq!(serde_json::to_string(&CaseStatus::PAUSED).unwrap(), "5");
    }

    #[test]
    fn sent_values_convert_to_the_wire() {
        assert_eq!(String::from(CaseAction::Press), "press");
        assert_eq!("CLOSE".parse::<CaseAction>(), Ok(CaseAction::Close));
        let err = "urge".parse::<CaseAction>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`urge` is not a known ticket action; known values: cancel, close, press, delete"
        );
        assert_eq!(i32::from(ContactWay::Email), 1);
        assert_eq!("email".parse::<ContactWay>(), Ok(ContactWay::Email));
        assert_eq!("0".parse::<ContactWay>(), Ok(ContactWay::Phone));
        assert_eq!(
            serde_json::to_string(&AgreementType::Authorization).unwrap(),
            "\"2\""
        );
        assert_eq!(
            serde_json::from_str::<Privilege>("\"createCase\"").unwrap(),
            Privilege::CreateCase
        );
        assert!(serde_json::from_str::<ContactWay>("7").is_err());
    }
}
