//! Named profiles and saved settings, as `aws configure` and KooCLI's `hcloud configure` keep them:
//! credentials in Huawei's INI file (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, default
//! `~/.huaweicloud/credentials`: `ak`, `sk`, `security_token`, `domain_id`), the tool's settings
//! beside it (`HUAWEICLOUD_SDK_CONFIG_FILE`, default `~/.huaweicloud/config`: `endpoint`,
//! `region`, `language`). `--profile NAME` reads section `[NAME]` of both; without it, the
//! credentials come from the SDK's provider chain (`[global]`) and the settings from `[default]`.
//! `osm configure` writes both, asking on standard error and reading answers from standard input.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Arg, ArgMatches, Command};
use huaweicloud_osm::{Credentials, Error};

/// The section the SDK's provider chain reads credentials from.
const CHAIN_SECTION: &str = "global";
/// The config section used without `--profile`.
const DEFAULT_SECTION: &str = "default";

/// What a profile holds.
#[derive(Debug, Default)]
pub struct Profile {
    /// Its credentials (only with `--profile`: otherwise the SDK's chain finds them).
    pub credentials: Option<Credentials>,
    /// Saved `endpoint`.
    pub endpoint: Option<String>,
    /// Saved `region`.
    pub region: Option<String>,
    /// Saved `language`.
    pub language: Option<String>,
}

fn home_file(variable: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(Path::new(&home).join(".huaweicloud").join(name))
}

fn credentials_path() -> Option<PathBuf> {
    home_file("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "credentials")
}

fn config_path() -> Option<PathBuf> {
    home_file("HUAWEICLOUD_SDK_CONFIG_FILE", "config")
}

/// An INI file: its sections in order, each with its lines (comments kept).
#[derive(Debug, Default)]
struct Ini {
    /// Lines before the first section.
    preamble: Vec<String>,
    sections: Vec<(String, Vec<String>)>,
}

impl Ini {
    fn parse(text: &str) -> Ini {
        let mut ini = Ini::default();
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(name) = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                ini.sections.push((name.trim().to_string(), Vec::new()));
            } else if let Some((_, lines)) = ini.sections.last_mut() {
                lines.push(line.to_string());
            } else {
                ini.preamble.push(line.to_string());
            }
        }
        ini
    }

    fn read(path: &Path) -> anyhow::Result<Ini> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Ini::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ini::default()),
            Err(e) => Err(Error::Config(format!("cannot read {}: {e}", path.display())).into()),
        }
    }

    fn section(&self, name: &str) -> Option<&Vec<String>> {
        self.sections
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, lines)| lines)
    }

    fn get(&self, section: &str, key: &str) -> Option<String> {
        self.section(section)?.iter().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().eq_ignore_ascii_case(key) && !line.trim_start().starts_with(['#', ';']))
                .then(|| v.trim().to_string())
                .filter(|v| !v.is_empty())
        })
    }

    /// Sets `key` in `section` (created at the end when missing); `None` removes it.
    fn set(&mut self, section: &str, key: &str, value: Option<&str>) {
        if self.section(section).is_none() {
            self.sections.push((section.to_string(), Vec::new()));
        }
        let (_, lines) = self
            .sections
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(section))
            .expect("added above");
        let at = lines.iter().position(|line| {
            line.split_once('=')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        });
        match (at, value) {
            (Some(at), Some(v)) => lines[at] = format!("{key} = {v}"),
            (Some(at), None) => {
                lines.remove(at);
            }
            (None, Some(v)) => {
                let end = lines
                    .iter()
                    .rposition(|l| !l.trim().is_empty())
                    .map_or(0, |i| i + 1);
                lines.insert(end, format!("{key} = {v}"));
            }
            (None, None) => {}
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.preamble {
            out.push_str(line);
            out.push('\n');
        }
        for (name, lines) in &self.sections {
            out.push_str(&format!("[{name}]\n"));
            for line in lines {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// The section's text under `[global]`, for the SDK's profile reader.
    fn as_global(&self, section: &str) -> Option<String> {
        let lines = self.section(section)?;
        Some(format!("[{CHAIN_SECTION}]\n{}", lines.join("\n")))
    }
}

/// The profile `name` (or, without one, the default settings).
pub fn load(name: Option<&str>) -> anyhow::Result<Profile> {
    let config = match config_path() {
        Some(path) => Ini::read(&path)?,
        None => Ini::default(),
    };
    let section = name.unwrap_or(DEFAULT_SECTION);
    let mut profile = Profile {
        credentials: None,
        endpoint: config.get(section, "endpoint"),
        region: config.get(section, "region"),
        language: config.get(section, "language"),
    };
    let Some(name) = name else {
        return Ok(profile);
    };
    let path = credentials_path()
        .ok_or_else(|| Error::Config("no HOME, so no credentials file for --profile".into()))?;
    let credentials = Ini::read(&path)?;
    let Some(text) = credentials.as_global(name) else {
        let known: Vec<&str> = credentials
            .sections
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        return Err(Error::Config(format!(
            "profile `{name}` is not in {} ({}); `osm configure --profile {name}` writes it",
            path.display(),
            if known.is_empty() {
                "no profiles there".to_string()
            } else {
                format!("profiles: {}", known.join(", "))
            }
        ))
        .into());
    };
    profile.credentials = Credentials::from_profile(&text)
        .map_err(|e| Error::Config(format!("{} [{name}]: {e}", path.display())))?;
    if profile.credentials.is_none() {
        return Err(Error::Config(format!(
            "profile `{name}` in {} has no ak; `osm configure --profile {name}` writes it",
            path.display()
        ))
        .into());
    }
    Ok(profile)
}

/// `osm configure`.
pub fn command() -> Command {
    Command::new("configure")
        .about("Save credentials and settings (endpoint, region, language) for osm, asking for each")
        .long_about(
            "Save credentials and settings for osm, asking for each on standard error and reading \
             the answers from standard input (an empty answer keeps the current value, `-` \
             removes it). Credentials go to section [global] (or [NAME] with --profile NAME) of \
             ~/.huaweicloud/credentials (HUAWEICLOUD_SDK_CREDENTIALS_FILE), readable by you \
             alone, where Huawei's SDKs read them too; endpoint, region and language go to \
             section [default] (or [NAME]) of ~/.huaweicloud/config (HUAWEICLOUD_SDK_CONFIG_FILE).",
        )
        .arg(
            Arg::new("show")
                .long("show")
                .action(clap::ArgAction::SetTrue)
                .help("Print where the profile's values are and what they are (secrets masked), change nothing"),
        )
}

/// One value `osm configure` asks for.
struct Question {
    file: File,
    key: &'static str,
    prompt: &'static str,
    secret: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum File {
    Credentials,
    Config,
}

const QUESTIONS: [Question; 7] = [
    Question {
        file: File::Credentials,
        key: "ak",
        prompt: "Access key (AK)",
        secret: false,
    },
    Question {
        file: File::Credentials,
        key: "sk",
        prompt: "Secret key (SK)",
        secret: true,
    },
    Question {
        file: File::Credentials,
        key: "domain_id",
        prompt: "Account (domain) id, optional: looked up through IAM when empty",
        secret: false,
    },
    Question {
        file: File::Credentials,
        key: "security_token",
        prompt: "Security token, for temporary keys only",
        secret: true,
    },
    Question {
        file: File::Config,
        key: "region",
        prompt: "Region, e.g. ap-southeast-3",
        secret: false,
    },
    Question {
        file: File::Config,
        key: "endpoint",
        prompt: "Endpoint URL, instead of a region",
        secret: false,
    },
    Question {
        file: File::Config,
        key: "language",
        prompt: "Language of answers, e.g. en-us or zh-cn",
        secret: false,
    },
];

/// Runs `osm configure`.
pub fn configure(matches: &ArgMatches, profile: Option<&str>) -> anyhow::Result<()> {
    let no_home = || {
        Error::Config(
            "no HOME: set HUAWEICLOUD_SDK_CREDENTIALS_FILE and HUAWEICLOUD_SDK_CONFIG_FILE".into(),
        )
    };
    let credentials_path = credentials_path().ok_or_else(no_home)?;
    let config_path = config_path().ok_or_else(no_home)?;
    let mut credentials = Ini::read(&credentials_path)?;
    let mut config = Ini::read(&config_path)?;
    let credentials_section = profile.unwrap_or(CHAIN_SECTION).to_string();
    let config_section = profile.unwrap_or(DEFAULT_SECTION).to_string();
    let show = matches.get_flag("show");
    let stdin = std::io::stdin();
    let mut answers = stdin.lock();
    let mut err = std::io::stderr().lock();
    for q in &QUESTIONS {
        let (ini, section) = match q.file {
            File::Credentials => (&mut credentials, &credentials_section),
            File::Config => (&mut config, &config_section),
        };
        let current = ini.get(section, q.key);
        let shown = match (&current, q.secret) {
            (None, _) => "none".to_string(),
            (Some(_), true) => "****".to_string(),
            (Some(v), false) => v.clone(),
        };
        if show {
            writeln!(err, "{} ({}): {shown}", q.key, q.prompt)?;
            continue;
        }
        write!(err, "{} [{shown}]: ", q.prompt)?;
        err.flush()?;
        let mut line = String::new();
        answers
            .read_line(&mut line)
            .context("cannot read the answer")?;
        match line.trim() {
            "" => {}
            "-" => ini.set(section, q.key, None),
            answer => ini.set(section, q.key, Some(answer)),
        }
    }
    if show {
        writeln!(
            err,
            "credentials: {} [{credentials_section}]",
            credentials_path.display()
        )?;
        writeln!(err, "config: {} [{config_section}]", config_path.display())?;
        return Ok(());
    }
    writeln!(err)?;
    write_file(&credentials_path, &credentials.text(), true)?;
    write_file(&config_path, &config.text(), false)?;
    crate::output::emit(
        &serde_json::json!({
            "credentials": format!("{} [{credentials_section}]", credentials_path.display()),
            "config": format!("{} [{config_section}]", config_path.display()),
        })
        .to_string(),
    );
    Ok(())
}

/// Writes `text` to `path` (its directory made first); `private`: readable by the owner alone.
fn write_file(path: &Path, text: &str, private: bool) -> anyhow::Result<()> {
    let fail = |e: std::io::Error| Error::Config(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = private;
    let mut file = options.open(path).map_err(fail)?;
    // A file that was there before keeps its mode on open: made private here.
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    file.write_all(text.as_bytes()).map_err(fail)?;
    Ok(())
}
