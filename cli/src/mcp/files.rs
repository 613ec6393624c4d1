//! The one directory attachment tools may touch (`--files DIR`): every path they take is relative
//! to it and must resolve inside it, symbolic links followed, so that an agent can neither send an
//! arbitrary local file to a third party nor write outside the directory.

use std::path::{Component, Path, PathBuf};

/// The `--files` directory, resolved.
#[derive(Debug, Clone)]
pub struct FilesDir {
    root: PathBuf,
}

impl FilesDir {
    /// The directory `dir`, which must exist.
    pub fn new(dir: &Path) -> Result<FilesDir, String> {
        let root = dir
            .canonicalize()
            .map_err(|e| format!("--files {}: {}", dir.display(), crate::files::io_reason(&e)))?;
        if !root.is_dir() {
            return Err(format!("--files {}: not a directory", dir.display()));
        }
        Ok(FilesDir { root })
    }

    /// An existing file inside the directory, to read.
    pub fn existing(&self, path: &str) -> Result<PathBuf, String> {
        let joined = self.root.join(relative(path)?);
        let resolved = joined
            .canonicalize()
            .map_err(|e| format!("`{path}`: {}", crate::files::io_reason(&e)))?;
        self.inside(path, &resolved)?;
        if !resolved.is_file() {
            return Err(format!("`{path}` is not a file"));
        }
        Ok(resolved)
    }

    /// A file to create inside the directory (its parent must exist; nothing may be there yet).
    pub fn new_file(&self, path: &str) -> Result<PathBuf, String> {
        let joined = self.root.join(relative(path)?);
        let (Some(parent), Some(name)) = (joined.parent(), joined.file_name()) else {
            return Err(format!("`{path}` names no file"));
        };
        let parent = parent
            .canonicalize()
            .map_err(|e| format!("`{path}`: its directory: {}", crate::files::io_reason(&e)))?;
        self.inside(path, &parent)?;
        let target = parent.join(name);
        if target.symlink_metadata().is_ok() {
            return Err(format!("`{path}` already exists: choose another name"));
        }
        Ok(target)
    }

    /// `resolved` relative to the directory, for answers.
    pub fn shown(&self, resolved: &Path) -> String {
        resolved
            .strip_prefix(&self.root)
            .unwrap_or(resolved)
            .display()
            .to_string()
    }

    fn inside(&self, path: &str, resolved: &Path) -> Result<(), String> {
        if resolved.starts_with(&self.root) {
            Ok(())
        } else {
            Err(format!(
                "`{path}` resolves outside the --files directory (through a symbolic link): refused"
            ))
        }
    }
}

/// `path` as a relative path without `..`: anything else is refused before touching the disk.
fn relative(path: &str) -> Result<&Path, String> {
    let p = Path::new(path);
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    for component in p.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => {
                return Err(format!(
                    "`{path}` contains `..`: give a path inside the --files directory"
                ));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{path}` is absolute: give a path relative to the --files directory"
                ));
            }
        }
    }
    Ok(p)
}
