//! Names for the value sets the SDK types (`huaweicloud_osm::values`): `--status completed`,
//! `--action-id press`, `--contact-way email`. The wire values (codes) are still accepted; anything
//! else is refused before sending, with the list of names. The flags keep the type the generated
//! code reads (`i32` or `String`): only their parser changes.

use std::ffi::OsStr;
use std::str::FromStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, Command};
use heck::ToKebabCase;
use huaweicloud_osm::values::{
    AccessoryFrom, AccessoryRelationType, AgreementType, AuthorizationAction, CaseAction,
    CaseStatus, ContactWay, FeedbackSource, FeedbackType, Privilege, PrivilegeOperation,
    QaSearchType, ReportType, UploadType,
};

/// A value set: each value's name and wire value.
#[derive(Debug, Clone)]
pub struct Names {
    set: &'static str,
    values: Vec<(String, String)>,
    /// Any integer is a value (ticket statuses are open: the service may add some).
    open: bool,
}

fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    norm(a) == norm(b)
}

/// The names of an SDK value set: each variant's name in kebab case (`NewCaseIsv` ->
/// `new-case-isv`), with its wire value (the set's `Display`).
fn sent<T: std::fmt::Debug + std::fmt::Display>(set: &'static str, all: &[T]) -> Names {
    Names {
        set,
        values: all
            .iter()
            .map(|v| (format!("{v:?}").to_kebab_case(), v.to_string()))
            .collect(),
        open: false,
    }
}

fn case_status() -> Names {
    Names {
        set: "ticket status",
        values: CaseStatus::KNOWN
            .iter()
            .map(|s| (s.to_string().replace(' ', "-"), s.value().to_string()))
            .collect(),
        open: true,
    }
}

/// Which flag of which command takes which set.
fn set_of(command: &str, arg: &str) -> Option<Names> {
    Some(match (command, arg) {
        ("list-cases" | "list-case-counts" | "download-cases", "status") => case_status(),
        ("update-cases", "action-id") | ("update-case-v1", "action") => {
            sent("ticket action", CaseAction::ALL)
        }
        (
            "check-need-verify"
            | "check-verify-codes"
            | "list-has-verified-contacts"
            | "send-verify-codes",
            "contact-way",
        ) => sent("contact way", ContactWay::ALL),
        ("create-feedback", "type") => sent("report type", ReportType::ALL),
        ("create-privileges", "operation") => sent("privilege operation", PrivilegeOperation::ALL),
        ("create-privileges" | "list-privileges", "privilege") => sent("privilege", Privilege::ALL),
        ("create-qa-feedbacks" | "list-feedback-option", "feedback-source") => {
            sent("feedback source", FeedbackSource::ALL)
        }
        ("create-qa-feedbacks", "feedback-type") => sent("feedback type", FeedbackType::ALL),
        ("list-articles" | "show-qa-pairs", "search-type") => {
            sent("Q&A search type", QaSearchType::ALL)
        }
        ("show-download-accessory-url", "relation-type") => {
            sent("attachment relation type", AccessoryRelationType::ALL)
        }
        (
            "show-latest-published-agreement" | "show-signed-latest-published-agreement",
            "agreement-type",
        ) => sent("agreement type", AgreementType::ALL),
        ("update-authorizations", "action-id") => {
            sent("authorization action", AuthorizationAction::ALL)
        }
        ("upload-json-accessories", "accessory-from") => {
            sent("attachment source", AccessoryFrom::ALL)
        }
        ("upload-json-accessories", "upload-type") => sent("upload type", UploadType::ALL),
        _ => return None,
    })
}

/// The value set a flag of a command takes, if any (`osm mcp` gives its tools' arguments the same
/// sets).
pub fn of_flag(command: &str, flag: &str) -> Option<Names> {
    set_of(command, flag)
}

impl Names {
    /// The wire values (codes) of the set.
    pub fn wire_values(&self) -> Vec<String> {
        self.values.iter().map(|(_, wire)| wire.clone()).collect()
    }

    /// Whether any integer is a value too (ticket statuses).
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The wire value of `text`: a name or a wire value.
    pub fn wire(&self, text: &str) -> Result<String, String> {
        if let Some((_, wire)) = self
            .values
            .iter()
            .find(|(name, wire)| same(name, text) || wire.eq_ignore_ascii_case(text.trim()))
        {
            return Ok(wire.clone());
        }
        if self.open && text.trim().parse::<i32>().is_ok() {
            return Ok(text.trim().to_string());
        }
        Err(format!(
            "`{text}` is not a {}: give one of {}",
            self.set,
            self.listing()
        ))
    }

    /// `pending-acceptance (0), processing (1), …`, or the names alone when they are the codes.
    fn listing(&self) -> String {
        self.values
            .iter()
            .map(|(name, wire)| {
                if same(name, wire) {
                    name.clone()
                } else {
                    format!("{name} ({wire})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn possible_values(&self) -> Vec<PossibleValue> {
        self.values
            .iter()
            .map(|(name, wire)| {
                let value = PossibleValue::new(name.clone());
                if same(name, wire) {
                    value
                } else {
                    value.alias(wire.clone()).help(format!("code {wire}"))
                }
            })
            .collect()
    }

    fn error(&self, cmd: &Command, arg: Option<&Arg>, text: &str) -> clap::Error {
        let flag = arg.map(|a| format!(" for '{a}'")).unwrap_or_default();
        let reason = self.wire(text).err().unwrap_or_default();
        clap::Error::raw(
            ErrorKind::InvalidValue,
            format!("invalid value '{text}'{flag}: {reason}\n"),
        )
        .with_cmd(cmd)
    }
}

/// A set read as the type the generated code expects of the flag (`i32` or `String`): the wire
/// value, parsed.
#[derive(Clone)]
struct Named<T>(Names, std::marker::PhantomData<fn() -> T>);

impl<T: FromStr + Clone + Send + Sync + 'static> TypedValueParser for Named<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        self.0
            .wire(&text)
            .ok()
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| self.0.error(cmd, arg, &text))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.possible_values().into_iter()))
    }
}

/// Gives the flags of `command` (named `name`) that take a value set their names.
pub fn apply(name: &str, command: Command) -> Command {
    let ids: Vec<(String, Names, bool)> = command
        .get_arguments()
        .filter_map(|arg| {
            let id = arg.get_id().as_str();
            let names = set_of(name, id)?;
            let integer = arg.get_value_parser().type_id()
                == clap::builder::ValueParser::new(clap::value_parser!(i32)).type_id();
            Some((id.to_string(), names, integer))
        })
        .collect();
    ids.into_iter()
        .fold(command, |command, (id, names, integer)| {
            command.mut_arg(id, |arg| {
                let arg = arg.hide_possible_values(false);
                if integer {
                    arg.value_parser(Named::<i32>(names, Default::default()))
                } else {
                    arg.value_parser(Named::<String>(names, Default::default()))
                }
            })
        })
}
