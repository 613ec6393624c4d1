//! `--state FILE` ([`crate::SandboxBuilder::state_file`]): the store is loaded from `FILE` at start
//! and saved after every change, before the change is acknowledged, so that a sandbox killed at
//! any moment (SIGKILL included) and started again with the same file has every ticket, message
//! and attachment it ever acknowledged.
//!
//! Every write is atomic: a temporary file beside the target is written, flushed to disk
//! (`fsync`), renamed over the target, and the directory is flushed, so the target is always either
//! the previous version or the new one, whole.
//!
//! Cost: `FILE` is a JSON snapshot of everything but the attachments' contents (tickets,
//! messages, logs, labels, attachment names, the id generator), rewritten whole on each change:
//! its size grows with the number of tickets, a few hundred bytes each, which suits the sandbox's
//! test-sized state. Each attachment's content is written once, to its own file in `FILE.files/`,
//! before the snapshot that names it, and removed after the snapshot that no longer does. A save
//! that finds the snapshot unchanged writes nothing, and concurrent changes share one write.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;

use crate::store::{SNAPSHOT_VERSION, Snapshot, Store, StoreSettings};

/// Where the state is saved, and what was saved last.
#[derive(Debug)]
pub(crate) struct Persistence {
    /// The snapshot.
    file: PathBuf,
    /// The attachments' contents, one file each, named by id.
    files: PathBuf,
    /// Held for a whole save, so that saves follow one another.
    saved: Mutex<Saved>,
}

/// What is on disk.
#[derive(Debug, Default)]
struct Saved {
    /// The snapshot last written.
    snapshot: Vec<u8>,
    /// The attachments whose content is on disk.
    files: HashSet<String>,
}

impl Persistence {
    /// Opens the state at `file`: the store it holds, or a new one (`fresh`) when there is no
    /// such file yet. A file that cannot be read as a snapshot is an error, never overwritten.
    pub(crate) fn open(
        file: &Path,
        settings: StoreSettings,
        fresh: impl FnOnce(StoreSettings) -> Store,
    ) -> io::Result<(Persistence, Store)> {
        let files = files_dir(file);
        fs::create_dir_all(&files)?;
        let (store, saved) = match fs::read(file) {
            Ok(json) => {
                let store = load(&json, &files, settings).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: not a sandbox state: {e}", file.display()),
                    )
                })?;
                let on_disk = store.attachment_data().map(|(id, _)| id.to_string());
                let saved = Saved {
                    files: on_disk.collect(),
                    snapshot: json,
                };
                (store, saved)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (fresh(settings), Saved::default()),
            Err(e) => return Err(e),
        };
        let persistence = Persistence {
            file: file.to_path_buf(),
            files,
            saved: Mutex::new(saved),
        };
        persistence.remove_strays(&saved_ids(&persistence))?;
        Ok((persistence, store))
    }

    /// Saves the store if it changed since the last save: the contents of new attachments first,
    /// then the snapshot, then removes the contents of deleted attachments. Blocking (file system
    /// and `fsync`): call it from a blocking context.
    pub(crate) fn save(&self, store: &Mutex<Store>) -> io::Result<()> {
        let mut saved = self.saved.lock().expect("state lock");
        let (snapshot, new_files, ids) = {
            let store = store.lock().expect("store lock");
            let snapshot = serde_json::to_vec(&store.snapshot()).map_err(io::Error::other)?;
            if snapshot == saved.snapshot {
                return Ok(());
            }
            let mut new_files: Vec<(String, Bytes)> = Vec::new();
            let mut ids = HashSet::new();
            for (id, data) in store.attachment_data() {
                if !saved.files.contains(id) {
                    new_files.push((id.to_string(), data.clone()));
                }
                ids.insert(id.to_string());
            }
            (snapshot, new_files, ids)
        };
        for (id, data) in &new_files {
            write_atomically(&self.files.join(id), data, false)?;
        }
        if !new_files.is_empty() {
            sync_dir(&self.files)?;
        }
        write_atomically(&self.file, &snapshot, true)?;
        for gone in saved.files.difference(&ids) {
            // Only a stray file is left if this fails; it is removed at the next start.
            let _ = fs::remove_file(self.files.join(gone));
        }
        saved.files = ids;
        saved.snapshot = snapshot;
        Ok(())
    }

    /// Removes what a save killed midway left behind: temporary files, and contents of
    /// attachments the snapshot does not name.
    fn remove_strays(&self, keep: &HashSet<String>) -> io::Result<()> {
        for entry in fs::read_dir(&self.files)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !keep.contains(&name) {
                let _ = fs::remove_file(entry.path());
            }
        }
        let _ = fs::remove_file(temporary(&self.file));
        Ok(())
    }
}

fn saved_ids(persistence: &Persistence) -> HashSet<String> {
    persistence.saved.lock().expect("state lock").files.clone()
}

/// The store a snapshot describes, with the attachments' contents read from `files`.
fn load(json: &[u8], files: &Path, settings: StoreSettings) -> Result<Store, String> {
    let snapshot: Snapshot<'_> = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    if snapshot.version != SNAPSHOT_VERSION {
        return Err(format!(
            "format version {}, expected {SNAPSHOT_VERSION}",
            snapshot.version
        ));
    }
    Store::restore(snapshot, settings, |meta| {
        let plain = !meta.id.is_empty()
            && meta
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return Err(format!("attachment id `{}` is not a file name", meta.id));
        }
        let data = fs::read(files.join(&meta.id))
            .map_err(|e| format!("the content of attachment {}: {e}", meta.id))?;
        if data.len() as u64 != meta.len {
            return Err(format!(
                "the content of attachment {} has {} bytes, not {}",
                meta.id,
                data.len(),
                meta.len
            ));
        }
        Ok(Bytes::from(data))
    })
}

/// Where the attachments' contents of the state at `file` go.
fn files_dir(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".files");
    file.with_file_name(name)
}

/// The temporary file a write of `path` goes through.
fn temporary(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, written and flushed to disk,
/// renamed over `path`; with `sync_parent`, the directory is flushed too (else the caller does it
/// once for several files).
fn write_atomically(path: &Path, bytes: &[u8], sync_parent: bool) -> io::Result<()> {
    let tmp = temporary(path);
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    match path.parent() {
        Some(dir) if sync_parent => sync_dir(dir),
        _ => Ok(()),
    }
}

/// Flushes a directory's entries (a rename in it) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Who;

    fn settings() -> StoreSettings {
        StoreSettings {
            urge_interval: std::time::Duration::from_secs(600),
            daily_upload_limit: 1 << 20,
        }
    }

    #[test]
    fn saves_load_back_and_leave_no_stray_files() {
        let dir = std::env::temp_dir().join(format!("osm-sandbox-persist-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("state.json");
        let (persistence, store) =
            Persistence::open(&file, settings(), |s| Store::new(1, s)).unwrap();
        let store = Mutex::new(store);
        let who = Who {
            id: "u".into(),
            name: "u".into(),
        };
        let (kept, gone) = {
            let mut s = store.lock().unwrap();
            let kept = s
                .upload("a.txt".into(), Bytes::from_static(b"kept"), 0)
                .unwrap();
            let gone = s
                .upload("b.txt".into(), Bytes::from_static(b"gone"), 0)
                .unwrap();
            let new = crate::store::NewCase {
                business_type_id: "b6dc3d3bf7ef434fa3f23d79cfc41449".into(),
                description: "disk full".into(),
                accessory_ids: vec![kept.clone()],
                ..Default::default()
            };
            s.create_case(new, &who, 0).unwrap();
            (kept, gone)
        };
        persistence.save(&store).unwrap();
        assert!(persistence.files.join(&gone).exists());
        store.lock().unwrap().delete_attachment(&gone).unwrap();
        persistence.save(&store).unwrap();
        assert!(
            !persistence.files.join(&gone).exists(),
            "deleted content removed"
        );
        let written = fs::read(&file).unwrap();
        persistence.save(&store).unwrap();
        assert_eq!(
            fs::read(&file).unwrap(),
            written,
            "unchanged: not rewritten"
        );
        // A stray content file and a temporary file, as a kill midway leaves them.
        fs::write(persistence.files.join("stray"), b"x").unwrap();
        fs::write(temporary(&file), b"{").unwrap();
        drop(persistence);

        let (persistence, back) = Persistence::open(&file, settings(), |_| unreachable!()).unwrap();
        assert_eq!(back.created(), 1);
        assert_eq!(back.attachment(&kept).unwrap().data.as_ref(), b"kept");
        assert!(back.attachment(&gone).is_err());
        assert!(!persistence.files.join("stray").exists());
        assert!(!temporary(&file).exists());

        fs::write(&file, b"not json").unwrap();
        let err = Persistence::open(&file, settings(), |s| Store::new(1, s)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(fs::read(&file).unwrap(), b"not json", "never overwritten");
        fs::remove_dir_all(&dir).unwrap();
    }
}
