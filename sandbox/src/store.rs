//! The sandbox's state: tickets with their messages, evaluations, labels, relations and operation
//! logs; attachments; labels; iRobot sessions. One store serves v1.0 and v2 alike, so a ticket
//! created with one API version is seen by the other.
//!
//! Status codes: 0 pending acceptance, 1 processing, 2 pending the customer's confirmation,
//! 3 completed (closed), 4 canceled. `press` (urge) keeps the status, `close` makes it 3, `cancel`
//! 4, `delete` removes a completed or canceled ticket.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use huaweicloud_osm::values::{CaseAction, CaseStatus};

use crate::catalogue::{self, BusinessType, Severity};
use crate::errors::{OsmError, OsmResult};
use crate::faults::Rng;

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    /// User id.
    pub id: String,
    /// User name.
    pub name: String,
}

/// A ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    /// Ticket id, `TT` + date + sequence.
    pub id: String,
    /// Problem type.
    #[serde(with = "by_id::business_type")]
    pub business_type: &'static BusinessType,
    /// Product id, when given (else the problem type's product).
    pub product_id: Option<String>,
    /// Region id.
    pub region_id: Option<String>,
    /// Description.
    pub description: String,
    /// Severity.
    #[serde(with = "by_id::severity")]
    pub severity: Option<&'static Severity>,
    /// Notification phone.
    pub remind_mobile: Option<String>,
    /// Notification e-mail.
    pub remind_mail: Option<String>,
    /// Preferred contact time.
    pub remind_time: Option<String>,
    /// Calling code of the phone.
    pub area_code: Option<String>,
    /// Whether access was authorized (v1.0).
    pub is_authorized: i32,
    /// Status (see the module docs).
    pub status: CaseStatus,
    /// Creation time (business time, epoch ms).
    pub created_ms: i64,
    /// When it was closed or canceled.
    pub finished_ms: Option<i64>,
    /// Who created it.
    pub creator: Who,
    /// Messages, the description first.
    pub messages: Vec<Message>,
    /// `(satisfaction id, value)` ratings.
    pub satisfaction: Vec<(i32, i32)>,
    /// Evaluation comment.
    pub judgement: String,
    /// Attached label ids.
    pub labels: Vec<i32>,
    /// Related ticket ids.
    pub relations: Vec<String>,
    /// Last urge (business time).
    pub last_urged_ms: Option<i64>,
    /// Operation log.
    pub logs: Vec<LogEntry>,
    /// Deleted tickets are gone for every API.
    pub deleted: bool,
    /// Extended parameters (`CreateCaseExtendsParam`).
    pub extends_params: serde_json::Map<String, serde_json::Value>,
}

impl Case {
    /// Ticket type name, from the problem type's case type.
    pub fn type_name(&self) -> &'static str {
        if self.business_type.case_type == "5" {
            "Fault report"
        } else {
            "Consultation"
        }
    }

    /// Region name (empty when none was given).
    pub fn dc_name(&self) -> String {
        self.region_id
            .as_deref()
            .and_then(catalogue::region)
            .map(|r| r.name.to_string())
            .unwrap_or_default()
    }

    fn is_open(&self) -> bool {
        matches!(
            self.status,
            CaseStatus::PENDING_ACCEPTANCE
                | CaseStatus::PROCESSING
                | CaseStatus::PENDING_CONFIRMATION
        )
    }
}

/// A message of a ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    /// Message id.
    pub id: String,
    /// 0 customer, 1 Huawei engineer.
    pub kind: i32,
    /// Author id.
    pub replier: String,
    /// Author name.
    pub replier_name: String,
    /// Content.
    pub content: String,
    /// Creation time.
    pub created_ms: i64,
    /// Attachment ids.
    pub accessories: Vec<String>,
    /// The ticket's description.
    pub first: bool,
}

/// An operation log entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    /// Entry id.
    pub id: String,
    /// What happened (1 create, 2 message, 3 urge, 4 close, 5 cancel, 6 evaluate, 7 engineer reply).
    pub kind: i32,
    /// 0 customer, 1 engineer.
    pub operator_type: i32,
    /// Operator.
    pub operator: Who,
    /// Description.
    pub desc: String,
    /// When.
    pub ms: i64,
}

/// An uploaded attachment.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Id.
    pub id: String,
    /// File name.
    pub name: String,
    /// Content.
    pub data: Bytes,
    /// Secret part of its unauthenticated download link.
    pub link_token: String,
}

/// A label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Color, e.g. `#FF0000`.
    pub color: String,
}

/// Parses a ticket action (`cancel`, `close`, `press`, `delete`, any case) as OSM does:
/// anything else is OSM.01010013.
pub fn parse_action(s: &str) -> OsmResult<CaseAction> {
    s.parse().map_err(|_| OsmError::invalid_action())
}

/// What a new ticket says.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    /// Product group id.
    pub sub_type_id: Option<String>,
    /// Product id.
    pub product_id: Option<String>,
    /// Problem type id.
    pub business_type_id: String,
    /// Region id.
    pub region_id: Option<String>,
    /// Description.
    pub description: String,
    /// Severity id.
    pub severity_id: Option<String>,
    /// Notification phone.
    pub remind_mobile: Option<String>,
    /// Notification e-mail.
    pub remind_mail: Option<String>,
    /// Preferred contact time.
    pub remind_time: Option<String>,
    /// Calling code.
    pub area_code: Option<String>,
    /// v1.0 authorization flag.
    pub is_authorized: i32,
    /// Attachment ids.
    pub accessory_ids: Vec<String>,
    /// v2 requires a region for fault reports; v1.0 does not check.
    pub region_required_for_faults: bool,
}

/// Filters of the ticket lists (v1.0 and v2).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Any of these keywords in the description (case-insensitive).
    pub keywords: Vec<String>,
    /// Keyword in the id or the description.
    pub app_key: Option<String>,
    /// Part of the ticket id.
    pub id_contains: Option<String>,
    /// Exact ticket id.
    pub id: Option<String>,
    /// Part of the creator's name.
    pub creator_name_contains: Option<String>,
    /// Exact creator id.
    pub creator_id: Option<String>,
    /// Exact creator name.
    pub creator_name: Option<String>,
    /// Created at or after (epoch ms).
    pub from_ms: Option<i64>,
    /// Created at or before (epoch ms).
    pub to_ms: Option<i64>,
    /// One of these statuses.
    pub statuses: Vec<CaseStatus>,
    /// Has one of these labels.
    pub labels: Vec<i32>,
}

/// All the state.
#[derive(Debug)]
pub(crate) struct Store {
    cases: Vec<Case>,
    attachments: HashMap<String, Attachment>,
    labels: Vec<Label>,
    next_label: i32,
    sequence: u32,
    created: u64,
    rng: Rng,
    uploads_today: (i64, u64),
    /// iRobot sessions and the request ids asked in them.
    pub(crate) sessions: HashMap<String, Vec<String>>,
    pub(crate) settings: StoreSettings,
}

/// What [`Store::snapshot`] saves and [`Store::restore`] loads: everything but the attachments'
/// contents (saved apart, once each, by [`crate::persist`]) and the settings (given at start).
#[derive(Serialize, Deserialize)]
pub(crate) struct Snapshot<'a> {
    /// Format version.
    pub(crate) version: u32,
    cases: Cow<'a, [Case]>,
    /// The attachments, without their content.
    pub(crate) attachments: Vec<AttachmentMeta>,
    labels: Cow<'a, [Label]>,
    next_label: i32,
    sequence: u32,
    created: u64,
    rng: u64,
    uploads_today: (i64, u64),
    sessions: Cow<'a, HashMap<String, Vec<String>>>,
}

/// Version of the [`Snapshot`] format.
pub(crate) const SNAPSHOT_VERSION: u32 = 1;

/// An attachment in a [`Snapshot`]: all but its content, of which it gives the length.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AttachmentMeta {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) link_token: String,
    pub(crate) len: u64,
}

/// Limits and intervals of the store.
#[derive(Debug, Clone)]
pub(crate) struct StoreSettings {
    pub(crate) urge_interval: Duration,
    pub(crate) daily_upload_limit: u64,
}

impl Store {
    pub(crate) fn new(seed: u64, settings: StoreSettings) -> Self {
        Store {
            cases: Vec::new(),
            attachments: HashMap::new(),
            labels: Vec::new(),
            next_label: 1,
            sequence: 0,
            created: 0,
            rng: Rng::new(seed ^ 0x0057_0a11),
            uploads_today: (0, 0),
            sessions: HashMap::new(),
            settings,
        }
    }

    /// Everything the store holds but the attachments' contents and the settings; attachments
    /// in id order.
    pub(crate) fn snapshot(&self) -> Snapshot<'_> {
        let mut attachments: Vec<AttachmentMeta> = self
            .attachments
            .values()
            .map(|a| AttachmentMeta {
                id: a.id.clone(),
                name: a.name.clone(),
                link_token: a.link_token.clone(),
                len: a.data.len() as u64,
            })
            .collect();
        attachments.sort_by(|a, b| a.id.cmp(&b.id));
        Snapshot {
            version: SNAPSHOT_VERSION,
            cases: Cow::Borrowed(&self.cases),
            attachments,
            labels: Cow::Borrowed(&self.labels),
            next_label: self.next_label,
            sequence: self.sequence,
            created: self.created,
            rng: self.rng.state(),
            uploads_today: self.uploads_today,
            sessions: Cow::Borrowed(&self.sessions),
        }
    }

    /// The attachments' contents by id.
    pub(crate) fn attachment_data(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.attachments
            .iter()
            .map(|(id, a)| (id.as_str(), &a.data))
    }

    /// A store from a snapshot and the attachments' contents (`content(meta)`).
    pub(crate) fn restore<E>(
        snapshot: Snapshot<'_>,
        settings: StoreSettings,
        mut content: impl FnMut(&AttachmentMeta) -> Result<Bytes, E>,
    ) -> Result<Store, E> {
        let mut attachments = HashMap::new();
        for meta in &snapshot.attachments {
            let data = content(meta)?;
            attachments.insert(
                meta.id.clone(),
                Attachment {
                    id: meta.id.clone(),
                    name: meta.name.clone(),
                    data,
                    link_token: meta.link_token.clone(),
                },
            );
        }
        Ok(Store {
            cases: snapshot.cases.into_owned(),
            attachments,
            labels: snapshot.labels.into_owned(),
            next_label: snapshot.next_label,
            sequence: snapshot.sequence,
            created: snapshot.created,
            rng: Rng::from_state(snapshot.rng),
            uploads_today: snapshot.uploads_today,
            sessions: snapshot.sessions.into_owned(),
            settings,
        })
    }

    /// Number of tickets created so far.
    pub(crate) fn created(&self) -> u64 {
        self.created
    }

    /// A fresh random id of `bytes` bytes, as hex.
    pub(crate) fn new_id(&mut self, bytes: usize) -> String {
        self.rng.hex(bytes)
    }

    /// A UUID-shaped random id.
    pub(crate) fn new_uuid(&mut self) -> String {
        let h = self.rng.hex(16);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// Creates a ticket; returns its id.
    pub(crate) fn create_case(&mut self, new: NewCase, who: &Who, now: i64) -> OsmResult<String> {
        let business_type = catalogue::business_type(&new.business_type_id)
            .ok_or_else(OsmError::business_type_failed)?;
        if let Some(p) = new.product_id.as_deref().filter(|p| !p.is_empty())
            && catalogue::product(p).is_none()
        {
            return Err(OsmError::param(format!("unknown product category `{p}`")));
        }
        if let Some(s) = new.sub_type_id.as_deref().filter(|s| !s.is_empty())
            && !catalogue::SUB_TYPES.iter().any(|t| t.id.to_string() == s)
        {
            return Err(OsmError::param(format!("unknown product group `{s}`")));
        }
        let region_id = new.region_id.filter(|r| !r.is_empty());
        if let Some(r) = &region_id {
            if catalogue::region(r).is_none() {
                return Err(OsmError::param(format!("unknown region `{r}`")));
            }
        } else if new.region_required_for_faults && business_type.case_type == "5" {
            return Err(OsmError::param(
                "region_id is required for a fault report (case_type 5)",
            ));
        }
        let severity = match new.severity_id.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(catalogue::severity(s).ok_or_else(OsmError::severity_not_found)?),
            None => None,
        };
        if new.description.trim().is_empty() {
            return Err(OsmError::param("the description is empty"));
        }
        self.check_attachments(&new.accessory_ids)?;
        self.sequence += 1;
        let date: String = crate::clock::iso(now)[..10].replace('-', "");
        let id = format!("TT{date}{:05}", self.sequence);
        let first = Message {
            id: self.message_id(),
            kind: 0,
            replier: who.id.clone(),
            replier_name: who.name.clone(),
            content: new.description.clone(),
            created_ms: now,
            accessories: new.accessory_ids,
            first: true,
        };
        let mut case = Case {
            id: id.clone(),
            business_type,
            product_id: new.product_id.filter(|p| !p.is_empty()),
            region_id,
            description: new.description,
            severity,
            remind_mobile: new.remind_mobile,
            remind_mail: new.remind_mail,
            remind_time: new.remind_time,
            area_code: new.area_code,
            is_authorized: new.is_authorized,
            status: CaseStatus::PENDING_ACCEPTANCE,
            created_ms: now,
            finished_ms: None,
            creator: who.clone(),
            messages: vec![first],
            satisfaction: Vec::new(),
            judgement: String::new(),
            labels: Vec::new(),
            relations: Vec::new(),
            last_urged_ms: None,
            logs: Vec::new(),
            deleted: false,
            extends_params: Default::default(),
        };
        let entry = self.log(1, 0, who, "Created the ticket", now);
        case.logs.push(entry);
        self.cases.push(case);
        self.created += 1;
        Ok(id)
    }

    fn message_id(&mut self) -> String {
        format!("msg-{}", self.rng.hex(8))
    }

    fn log(&mut self, kind: i32, operator_type: i32, who: &Who, desc: &str, ms: i64) -> LogEntry {
        LogEntry {
            id: self.rng.hex(8),
            kind,
            operator_type,
            operator: who.clone(),
            desc: desc.to_string(),
            ms,
        }
    }

    /// The ticket with this id (not deleted).
    pub(crate) fn case(&self, id: &str) -> OsmResult<&Case> {
        self.cases
            .iter()
            .find(|c| c.id == id && !c.deleted)
            .ok_or_else(OsmError::case_not_found)
    }

    fn case_mut(&mut self, id: &str) -> OsmResult<&mut Case> {
        self.cases
            .iter_mut()
            .find(|c| c.id == id && !c.deleted)
            .ok_or_else(OsmError::case_not_found)
    }

    /// The tickets matching `filter`, newest first.
    pub(crate) fn list(&self, filter: &CaseFilter) -> Vec<&Case> {
        let contains =
            |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let mut out: Vec<&Case> = self
            .cases
            .iter()
            .filter(|c| !c.deleted)
            .filter(|c| {
                filter.keywords.is_empty()
                    || filter.keywords.iter().any(|k| contains(&c.description, k))
            })
            .filter(|c| {
                filter
                    .app_key
                    .as_deref()
                    .is_none_or(|k| contains(&c.id, k) || contains(&c.description, k))
            })
            .filter(|c| {
                filter
                    .id_contains
                    .as_deref()
                    .is_none_or(|k| contains(&c.id, k))
            })
            .filter(|c| filter.id.as_deref().is_none_or(|k| c.id == k))
            .filter(|c| {
                filter
                    .creator_name_contains
                    .as_deref()
                    .is_none_or(|k| contains(&c.creator.name, k))
            })
            .filter(|c| {
                filter
                    .creator_id
                    .as_deref()
                    .is_none_or(|k| c.creator.id == k)
            })
            .filter(|c| {
                filter
                    .creator_name
                    .as_deref()
                    .is_none_or(|k| c.creator.name == k)
            })
            .filter(|c| filter.from_ms.is_none_or(|t| c.created_ms >= t))
            .filter(|c| filter.to_ms.is_none_or(|t| c.created_ms <= t))
            .filter(|c| filter.statuses.is_empty() || filter.statuses.contains(&c.status))
            .filter(|c| {
                filter.labels.is_empty() || filter.labels.iter().any(|l| c.labels.contains(l))
            })
            .collect();
        out.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.id.cmp(&a.id)));
        out
    }

    /// Adds a customer message.
    pub(crate) fn add_message(
        &mut self,
        case_id: &str,
        content: String,
        accessories: Vec<String>,
        who: &Who,
        now: i64,
    ) -> OsmResult<()> {
        if content.trim().is_empty() {
            return Err(OsmError::param("the message is empty"));
        }
        self.check_attachments(&accessories)?;
        let open = self.case(case_id)?.is_open();
        if !open {
            return Err(OsmError::operation_failed(
                "the ticket is closed or canceled",
            ));
        }
        let message = Message {
            id: self.message_id(),
            kind: 0,
            replier: who.id.clone(),
            replier_name: who.name.clone(),
            content,
            created_ms: now,
            accessories,
            first: false,
        };
        let entry = self.log(2, 0, who, "Added a message", now);
        let case = self.case_mut(case_id)?;
        case.messages.push(message);
        case.logs.push(entry);
        Ok(())
    }

    /// Adds an engineer's reply and moves the ticket to `status`.
    pub(crate) fn engineer_reply(
        &mut self,
        case_id: &str,
        content: &str,
        status: CaseStatus,
        now: i64,
    ) -> OsmResult<()> {
        let engineer = Who {
            id: "engineer-0042".into(),
            name: "Huawei Cloud engineer".into(),
        };
        let message = Message {
            id: self.message_id(),
            kind: 1,
            replier: engineer.id.clone(),
            replier_name: engineer.name.clone(),
            content: content.to_string(),
            created_ms: now,
            accessories: Vec::new(),
            first: false,
        };
        let entry = self.log(7, 1, &engineer, "Engineer replied", now);
        let case = self.case_mut(case_id)?;
        case.messages.push(message);
        case.logs.push(entry);
        case.status = status;
        Ok(())
    }

    /// Cancels, closes, urges or deletes a ticket.
    pub(crate) fn act(
        &mut self,
        case_id: &str,
        action: CaseAction,
        desc: Option<&str>,
        who: &Who,
        now: i64,
    ) -> OsmResult<()> {
        let interval = self.settings.urge_interval.as_millis() as i64;
        let case = self.case(case_id)?;
        let (open, finished, last_urged) = (case.is_open(), !case.is_open(), case.last_urged_ms);
        let (kind, text) = match action {
            CaseAction::Press => {
                if !open {
                    return Err(OsmError::operation_failed(
                        "only an open ticket can be urged",
                    ));
                }
                if last_urged.is_some_and(|t| now - t < interval) {
                    return Err(OsmError::press_too_frequent());
                }
                (3, "Urged the ticket")
            }
            CaseAction::Close | CaseAction::Cancel if !open => {
                return Err(OsmError::operation_failed(
                    "the ticket is already closed or canceled",
                ));
            }
            CaseAction::Close => (4, "Closed the ticket"),
            CaseAction::Cancel => (5, "Canceled the ticket"),
            CaseAction::Delete if !finished => {
                return Err(OsmError::operation_failed(
                    "only a closed or canceled ticket can be deleted",
                ));
            }
            CaseAction::Delete => (8, "Deleted the ticket"),
        };
        let text = match desc.filter(|d| !d.is_empty()) {
            Some(d) => format!("{text}: {d}"),
            None => text.to_string(),
        };
        let entry = self.log(kind, 0, who, &text, now);
        let case = self.case_mut(case_id)?;
        case.logs.push(entry);
        match action {
            CaseAction::Press => case.last_urged_ms = Some(now),
            CaseAction::Close => {
                case.status = CaseStatus::COMPLETED;
                case.finished_ms = Some(now);
            }
            CaseAction::Cancel => {
                case.status = CaseStatus::CANCELED;
                case.finished_ms = Some(now);
            }
            CaseAction::Delete => case.deleted = true,
        }
        Ok(())
    }

    /// Records an evaluation: ratings 1–5 of known dimensions. Allowed once the ticket is closed
    /// (or while it waits for the customer's confirmation); a new one replaces the old.
    pub(crate) fn evaluate(
        &mut self,
        case_id: &str,
        judgement: Option<String>,
        ratings: Vec<(i32, i32)>,
        who: &Who,
        now: i64,
    ) -> OsmResult<()> {
        if ratings.is_empty() {
            return Err(OsmError::param("no satisfaction rating"));
        }
        for (id, value) in &ratings {
            if catalogue::satisfaction(*id).is_none() {
                return Err(OsmError::param(format!(
                    "unknown satisfaction dimension {id}"
                )));
            }
            if !(1..=5).contains(value) {
                return Err(OsmError::param(format!(
                    "satisfaction value {value} is not 1 to 5"
                )));
            }
        }
        let status = self.case(case_id)?.status;
        if !matches!(
            status,
            CaseStatus::COMPLETED | CaseStatus::PENDING_CONFIRMATION
        ) {
            return Err(OsmError::operation_failed(
                "only a closed ticket (or one pending confirmation) can be evaluated",
            ));
        }
        let entry = self.log(6, 0, who, "Evaluated the service", now);
        let case = self.case_mut(case_id)?;
        case.satisfaction = ratings;
        case.judgement = judgement.unwrap_or_default();
        case.logs.push(entry);
        Ok(())
    }

    fn check_attachments(&self, ids: &[String]) -> OsmResult<()> {
        match ids
            .iter()
            .find(|id| !self.attachments.contains_key(id.as_str()))
        {
            Some(id) => Err(OsmError::param(format!("unknown attachment `{id}`"))),
            None => Ok(()),
        }
    }

    /// Stores an attachment; returns its id.
    pub(crate) fn upload(&mut self, name: String, data: Bytes, now: i64) -> OsmResult<String> {
        let day = now.div_euclid(86_400_000);
        if self.uploads_today.0 != day {
            self.uploads_today = (day, 0);
        }
        let total = self.uploads_today.1 + data.len() as u64;
        if total > self.settings.daily_upload_limit {
            return Err(OsmError::upload_limit());
        }
        self.uploads_today.1 = total;
        let id = self.rng.hex(16);
        let link_token = self.rng.hex(16);
        self.attachments.insert(
            id.clone(),
            Attachment {
                id: id.clone(),
                name,
                data,
                link_token,
            },
        );
        Ok(id)
    }

    /// The attachment with this id.
    pub(crate) fn attachment(&self, id: &str) -> OsmResult<&Attachment> {
        self.attachments
            .get(id)
            .ok_or_else(|| OsmError::param(format!("unknown attachment `{id}`")))
    }

    /// Deletes an attachment.
    pub(crate) fn delete_attachment(&mut self, id: &str) -> OsmResult<()> {
        self.attachments
            .remove(id)
            .map(drop)
            .ok_or_else(|| OsmError::param(format!("unknown attachment `{id}`")))
    }

    /// Every label.
    pub(crate) fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Creates a label (names are unique).
    pub(crate) fn create_label(&mut self, name: &str, color: &str) -> OsmResult<i32> {
        if self.labels.iter().any(|l| l.name == name) {
            return Err(OsmError::param(format!("a label named `{name}` exists")));
        }
        let id = self.next_label;
        self.next_label += 1;
        self.labels.push(Label {
            id,
            name: name.to_string(),
            color: color.to_string(),
        });
        Ok(id)
    }

    /// Renames or recolors a label.
    pub(crate) fn update_label(&mut self, id: i32, name: &str, color: &str) -> OsmResult<()> {
        if self.labels.iter().any(|l| l.name == name && l.id != id) {
            return Err(OsmError::param(format!("a label named `{name}` exists")));
        }
        let label = self
            .labels
            .iter_mut()
            .find(|l| l.id == id)
            .ok_or_else(|| OsmError::param(format!("unknown label {id}")))?;
        label.name = name.to_string();
        label.color = color.to_string();
        Ok(())
    }

    /// Deletes a label and detaches it from every ticket.
    pub(crate) fn delete_label(&mut self, id: i32) -> OsmResult<()> {
        let before = self.labels.len();
        self.labels.retain(|l| l.id != id);
        if self.labels.len() == before {
            return Err(OsmError::param(format!("unknown label {id}")));
        }
        for c in &mut self.cases {
            c.labels.retain(|l| *l != id);
        }
        Ok(())
    }

    /// Attaches labels to a ticket (at most 5 per ticket).
    pub(crate) fn add_case_labels(&mut self, case_id: &str, ids: &[i32]) -> OsmResult<()> {
        if let Some(bad) = ids
            .iter()
            .find(|id| !self.labels.iter().any(|l| l.id == **id))
        {
            return Err(OsmError::param(format!("unknown label {bad}")));
        }
        let case = self.case_mut(case_id)?;
        for id in ids {
            if !case.labels.contains(id) {
                case.labels.push(*id);
            }
        }
        if case.labels.len() > 5 {
            case.labels.truncate(5);
            return Err(OsmError::param("a ticket has at most 5 labels"));
        }
        Ok(())
    }

    /// Detaches labels from a ticket.
    pub(crate) fn remove_case_labels(&mut self, case_id: &str, ids: &[i32]) -> OsmResult<()> {
        let case = self.case_mut(case_id)?;
        case.labels.retain(|l| !ids.contains(l));
        Ok(())
    }

    /// Relates tickets to a ticket (at most 3 related tickets).
    pub(crate) fn relate(&mut self, case_id: &str, related: &[String]) -> OsmResult<()> {
        self.case(case_id)?;
        for r in related {
            self.case(r)?;
            if r == case_id {
                return Err(OsmError::param("a ticket cannot be related to itself"));
            }
        }
        let case = self.case_mut(case_id)?;
        for r in related {
            if !case.relations.contains(r) {
                case.relations.push(r.clone());
            }
        }
        if case.relations.len() > 3 {
            case.relations.truncate(3);
            return Err(OsmError::param("a ticket has at most 3 related tickets"));
        }
        Ok(())
    }

    /// Removes a relation.
    pub(crate) fn unrelate(&mut self, case_id: &str, related: &str) -> OsmResult<()> {
        let case = self.case_mut(case_id)?;
        let before = case.relations.len();
        case.relations.retain(|r| r != related);
        if case.relations.len() == before {
            return Err(OsmError::param(format!(
                "`{related}` is not related to the ticket"
            )));
        }
        Ok(())
    }

    /// Stores extended parameters of a ticket.
    pub(crate) fn set_extends_params(
        &mut self,
        case_id: &str,
        params: serde_json::Map<String, serde_json::Value>,
    ) -> OsmResult<()> {
        let case = self.case_mut(case_id)?;
        case.extends_params.extend(params);
        Ok(())
    }

    /// Updates the contact details of a ticket (the fields given).
    pub(crate) fn update_contact(
        &mut self,
        case_id: &str,
        area_code: Option<String>,
        mobile: Option<String>,
        mail: Option<String>,
        time: Option<String>,
    ) -> OsmResult<()> {
        let case = self.case_mut(case_id)?;
        case.area_code = area_code.or(case.area_code.take());
        case.remind_mobile = mobile.or(case.remind_mobile.take());
        case.remind_mail = mail.or(case.remind_mail.take());
        case.remind_time = time.or(case.remind_time.take());
        Ok(())
    }

    /// Sets a ticket's status (for tests: as if an engineer worked on it).
    pub(crate) fn set_status(
        &mut self,
        case_id: &str,
        status: CaseStatus,
        now: i64,
    ) -> OsmResult<()> {
        let case = self.case_mut(case_id)?;
        case.status = status;
        if matches!(status, CaseStatus::COMPLETED | CaseStatus::CANCELED) {
            case.finished_ms = Some(now);
        }
        Ok(())
    }

    /// Number of tickets per status (those with at least one).
    pub(crate) fn status_counts(&self) -> Vec<(CaseStatus, i32)> {
        let mut counts: Vec<(CaseStatus, i32)> = Vec::new();
        for c in self.cases.iter().filter(|c| !c.deleted) {
            match counts.iter_mut().find(|(s, _)| *s == c.status) {
                Some((_, n)) => *n += 1,
                None => counts.push((c.status, 1)),
            }
        }
        counts.sort();
        counts
    }

    /// Number of open tickets.
    pub(crate) fn open_cases(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| !c.deleted && c.is_open())
            .count()
    }
}

/// The catalogue entries a ticket refers to, saved as their ids.
mod by_id {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) mod business_type {
        use super::*;
        use crate::catalogue::{self, BusinessType};

        pub(crate) fn serialize<S: Serializer>(
            value: &&'static BusinessType,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.serialize_str(value.id)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<&'static BusinessType, D::Error> {
            let id = String::deserialize(d)?;
            catalogue::business_type(&id)
                .ok_or_else(|| D::Error::custom(format!("unknown problem type `{id}`")))
        }
    }

    pub(super) mod severity {
        use super::*;
        use crate::catalogue::{self, Severity};

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<&'static Severity>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_some(v.id),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<&'static Severity>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|id| {
                    catalogue::severity(&id)
                        .ok_or_else(|| D::Error::custom(format!("unknown severity `{id}`")))
                })
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::new(
            1,
            StoreSettings {
                urge_interval: Duration::from_secs(600),
                daily_upload_limit: 100,
            },
        )
    }

    fn who() -> Who {
        Who {
            id: "u1".into(),
            name: "alice".into(),
        }
    }

    fn new_case() -> NewCase {
        NewCase {
            business_type_id: "b6dc3d3bf7ef434fa3f23d79cfc41449".into(),
            description: "disk full".into(),
            ..Default::default()
        }
    }

    #[test]
    fn lifecycle() {
        let mut s = store();
        let id = s.create_case(new_case(), &who(), 1_000).unwrap();
        assert!(id.starts_with("TT19700101"));
        s.act(&id, CaseAction::Press, None, &who(), 2_000).unwrap();
        assert_eq!(
            s.act(&id, CaseAction::Press, None, &who(), 3_000)
                .unwrap_err()
                .code,
            "OSM.01010004"
        );
        s.act(&id, CaseAction::Press, None, &who(), 2_000 + 600_000)
            .unwrap();
        assert_eq!(
            s.act(&id, CaseAction::Delete, None, &who(), 0)
                .unwrap_err()
                .code,
            "OSM.01010014"
        );
        s.act(&id, CaseAction::Close, None, &who(), 5_000).unwrap();
        assert_eq!(s.case(&id).unwrap().status, CaseStatus::COMPLETED);
        assert_eq!(
            s.act(&id, CaseAction::Close, None, &who(), 0)
                .unwrap_err()
                .code,
            "OSM.01010014"
        );
        s.evaluate(&id, Some("good".into()), vec![(1, 5)], &who(), 6_000)
            .unwrap();
        s.act(&id, CaseAction::Delete, None, &who(), 7_000).unwrap();
        assert_eq!(s.case(&id).unwrap_err().code, "OSM.01010015");
    }

    #[test]
    fn creation_is_validated() {
        let mut s = store();
        let mut c = new_case();
        c.business_type_id = "nope".into();
        assert_eq!(
            s.create_case(c, &who(), 0).unwrap_err().code,
            "OSM.01010026"
        );
        let mut c = new_case();
        c.severity_id = Some("999".into());
        assert_eq!(
            s.create_case(c, &who(), 0).unwrap_err().code,
            "OSM.01010006"
        );
        let mut c = new_case();
        c.accessory_ids = vec!["missing".into()];
        assert_eq!(
            s.create_case(c, &who(), 0).unwrap_err().code,
            "OSM.01010001"
        );
        let mut c = new_case();
        c.business_type_id = "9b1a349c3a2849a391d58c10f9dc55a1".into();
        c.region_required_for_faults = true;
        assert_eq!(
            s.create_case(c, &who(), 0).unwrap_err().code,
            "OSM.01010001"
        );
    }

    #[test]
    fn a_snapshot_restores_everything_and_ids_go_on_where_they_stopped() {
        let mut s = store();
        let id = s.create_case(new_case(), &who(), 1_000).unwrap();
        let file = s
            .upload("a.txt".into(), Bytes::from_static(b"hello"), 0)
            .unwrap();
        s.add_message(&id, "more".into(), vec![file.clone()], &who(), 2_000)
            .unwrap();
        s.create_label("prod", "#ff0000").unwrap();
        let json = serde_json::to_vec(&s.snapshot()).unwrap();
        let contents: HashMap<String, Bytes> = s
            .attachment_data()
            .map(|(id, data)| (id.to_string(), data.clone()))
            .collect();
        let snapshot: Snapshot<'_> = serde_json::from_slice(&json).unwrap();
        let mut back = Store::restore(snapshot, store().settings, |meta| {
            contents.get(&meta.id).cloned().ok_or(())
        })
        .unwrap();
        assert_eq!(serde_json::to_vec(&back.snapshot()).unwrap(), json);
        assert_eq!(back.case(&id).unwrap().messages.len(), 2);
        assert_eq!(back.attachment(&file).unwrap().data.as_ref(), b"hello");
        assert_eq!(back.created(), 1);
        assert_eq!(back.new_id(8), s.new_id(8), "the generator goes on");
        let next = back.create_case(new_case(), &who(), 3_000).unwrap();
        assert_ne!(next, id);
    }

    #[test]
    fn uploads_respect_the_daily_limit() {
        let mut s = store();
        s.upload("a.txt".into(), Bytes::from(vec![0; 60]), 0)
            .unwrap();
        let err = s
            .upload("b.txt".into(), Bytes::from(vec![0; 60]), 1)
            .unwrap_err();
        assert_eq!(err.code, "OSM.01010005");
        s.upload("b.txt".into(), Bytes::from(vec![0; 60]), 86_400_000)
            .unwrap();
    }
}
