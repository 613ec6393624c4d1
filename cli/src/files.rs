//! Files: the hand-written operations (multipart uploads, `upload-accessory` and
//! `upload-accessory-v1`, through the SDK's upload helpers) and the downloads of the generated
//! ones, streamed to `--output-file PATH` (or standard output) as they arrive. A file that cannot
//! be read or written is named in the error, with the reason once.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Command};
use huaweicloud_osm::attachments::{AccessoryFrom, AccessoryFromV1, Attachment, Download};
use huaweicloud_osm::{ByteStream, Client, Error, ResponseValue};

use crate::generated::CliConfig;
use crate::output::Output;

/// The hand-written subcommands: the operations progenitor cannot generate (`x-sdk-manual`),
/// with the spec's summaries.
pub fn commands() -> [Command; 2] {
    let file = Arg::new("file")
        .long("file")
        .value_name("PATH")
        .required(true)
        .value_parser(clap::value_parser!(PathBuf))
        .help("The file to upload (streamed; its name is the attachment's name)");
    let from = |values: Vec<&'static str>| {
        Arg::new("accessory-from")
            .long("accessory-from")
            .required(true)
            .value_parser(PossibleValuesParser::new(values))
            .help("What the attachment is for")
    };
    [
        Command::new("upload-accessory")
            .about("Upload an attachment with form-data (上传附件)")
            .long_about(
                "Upload an attachment with form-data (上传附件)\n\nUploadAccessory (v2, multipart), \
                 through the SDK's upload helper: checked against the server's limits \
                 (ShowAccessoryLimits) before the file is sent, streamed.",
            )
            .arg(file.clone())
            .arg(from(AccessoryFrom::ALL.iter().map(|v| v.as_str()).collect())),
        Command::new("upload-accessory-v1")
            .about("Upload an attachment (上传附件)")
            .long_about(
                "Upload an attachment (上传附件)\n\nUploadAccessoryV1 (v1.0, multipart), through the \
                 SDK's upload helper: at most 2 MB and of a documented type, checked before sending.",
            )
            .arg(file)
            .arg(from(AccessoryFromV1::ALL.iter().map(|v| v.as_str()).collect())),
    ]
}

/// Runs `name` when it is a hand-written subcommand; `false` when it is not one.
pub async fn run(
    name: &str,
    client: &Client,
    matches: &ArgMatches,
    output: &Output,
) -> anyhow::Result<bool> {
    let path = || {
        matches
            .get_one::<PathBuf>("file")
            .expect("required by clap")
    };
    let from = || {
        matches
            .get_one::<String>("accessory-from")
            .expect("required by clap")
    };
    let open = || async {
        let path = path();
        std::fs::File::open(path).map_err(|e| {
            Error::Config(format!(
                "cannot read --file {}: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
        Attachment::from_path(path).await.map_err(|e| {
            anyhow::Error::from(e).context(format!("cannot read --file {}", path.display()))
        })
    };
    match name {
        "upload-accessory" => {
            let attachment = open().await?;
            let from: AccessoryFrom = from().parse()?;
            let limits = client.accessory_limits().await?;
            let uploaded = client
                .upload_accessory_checked(attachment, from, &limits)
                .await?;
            output.success_item(&uploaded);
        }
        "upload-accessory-v1" => {
            let attachment = open().await?;
            let uploaded = client
                .upload_accessory_v1(attachment, from().parse()?)
                .await?;
            output.success_item(&uploaded);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Streams a binary answer to `--output-file PATH` (`-`: standard output); with a file, prints
/// `{"path": …, "bytes": …}`. The file appears only once complete (the SDK writes beside it first).
pub async fn save(matches: &ArgMatches, response: ResponseValue<ByteStream>) -> anyhow::Result<()> {
    let path = matches
        .get_one::<PathBuf>("output-file")
        .expect("required by clap");
    if path.as_os_str() == "-" {
        response.write_to(tokio::io::stdout()).await?;
        return Ok(());
    }
    let bytes = response.save_to(path).await.map_err(|e| {
        anyhow::Error::from(e).context(format!("cannot write --output-file {}", path.display()))
    })?;
    crate::output::emit(
        &serde_json::json!({ "path": path.display().to_string(), "bytes": bytes }).to_string(),
    );
    Ok(())
}

/// Why a file could not be opened, in words (`no such file`), without the OS error number twice.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
