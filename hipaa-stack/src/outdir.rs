//! The out folder of `synth`, `report` and `up`: files are written atomically (a temporary
//! file in the same folder, on the disk, then a rename; `synth` writes its templates'
//! temporary files while the app is still being checked, and renames them once it holds),
//! a symbolic link in the folder is never followed (the write is refused), and `synth`
//! removes the templates an earlier synth wrote there that are no longer part of the app —
//! only files the previous manifest lists.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Creates `dir` (and its parents) if needed.
pub(crate) fn create(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Whether `name` is one plain file name: no separator, not `.` or `..`, not hidden.
pub(crate) fn is_plain_file_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(
        (components.next(), components.next()),
        (Some(Component::Normal(_)), None)
    ) && !name.starts_with('.')
        && !name.contains(['/', '\\'])
}

/// The refusal of a symbolic link where a file of the folder goes.
fn symlink_refused(path: &Path) -> Error {
    Error::Write {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a symbolic link, and hipaa-stack never writes through a link out of its out \
             folder; remove the link (or choose another --out) and run the command again",
        ),
    }
}

/// Writes `text` to the file `name` of `dir` atomically: a reader sees the old file or the
/// new one, never a part. A symbolic link at `name` is refused, never followed; a folder
/// at `name` is refused by the rename.
pub(crate) fn write_file(dir: &Path, name: &str, text: &str) -> Result<()> {
    write_with(dir, name, |file| file.write_all(text.as_bytes()))
}

/// [`write_file`] for bytes (a function's zip).
pub(crate) fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    write_with(dir, name, |file| file.write_all(bytes))
}

/// [`write_file`] with what `fill` writes (through a buffer), for a file too large to hold
/// as one string first.
pub(crate) fn write_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    stage_with(dir, name, fill)?.commit()
}

/// A file of the out folder written in full and on the disk under a temporary name beside
/// its own, which [`Staged::commit`] renames into place: a file written early (while the
/// rest of the app is still being synthesized) and put in place only once the whole app
/// is. Dropped uncommitted, the temporary file is removed.
#[derive(Debug)]
pub(crate) struct Staged {
    temp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Puts the file in place: a reader sees the old file or the new one, never a part. A
    /// symbolic link that appeared at its name meanwhile is refused, never followed.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.committed = true;
        let placed = if fs::symlink_metadata(&self.path).is_ok_and(|m| m.file_type().is_symlink()) {
            Err(symlink_refused(&self.path))
        } else {
            // The rename replaces a link that appeared meanwhile, it does not follow it.
            fs::rename(&self.temp, &self.path).map_err(|source| Error::Write {
                path: self.path.clone(),
                source,
            })
        };
        if placed.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        placed
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes what `fill` writes to a temporary file beside the file `name` of `dir`, and waits
/// for it to reach the disk: the file is in place once [`Staged::commit`] renames it. A
/// name that would leave the folder, or a symbolic link at `name`, is refused.
pub(crate) fn stage_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Staged> {
    let path = dir.join(name);
    if !is_plain_file_name(name) {
        return Err(Error::Write {
            path,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the file name would leave the out folder",
            ),
        });
    }
    if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(symlink_refused(&path));
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        // `create_new` refuses an existing file or link at the temporary name.
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        let mut buffered = std::io::BufWriter::with_capacity(256 * 1024, file);
        fill(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()
    })();
    match written {
        Ok(()) => Ok(Staged {
            temp,
            path,
            committed: false,
        }),
        Err(source) => {
            let _ = fs::remove_file(&temp);
            Err(Error::Write { path, source })
        }
    }
}

/// The template and asset files the manifest in `dir` lists, if there is a manifest that is a regular
/// file and reads as one; nothing otherwise (nothing is then removed).
pub(crate) fn listed_templates(dir: &Path, manifest: &str) -> Vec<String> {
    let path = dir.join(manifest);
    let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
    if !regular {
        return Vec::new();
    }
    let Ok(text) = fs::read_to_string(&path) else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let templates = doc
        .get("stacks")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("template")?.as_str())
        .filter(|t| is_plain_file_name(t) && t.ends_with(".template.json"));
    // The functions' zips, `asset.<sha256>.zip`.
    let assets = doc
        .get("assets")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("file")?.as_str())
        .filter(|f| is_plain_file_name(f) && f.starts_with("asset.") && f.ends_with(".zip"));
    templates.chain(assets).map(ToOwned::to_owned).collect()
}

/// Removes the files `stale` of `dir` (plain template and asset file names from the previous
/// manifest): a regular file or a link is removed (a link itself, never its target); a
/// folder or a missing file is left alone.
pub(crate) fn remove_stale(dir: &Path, stale: &[String]) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for name in stale {
        let asset = name.starts_with("asset.") && name.ends_with(".zip");
        if !(is_plain_file_name(name) && (name.ends_with(".template.json") || asset)) {
            continue;
        }
        let path = dir.join(name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        match fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_file_names_only() {
        assert!(is_plain_file_name("clinic-data.template.json"));
        for bad in [
            "",
            ".",
            "..",
            "../x.template.json",
            "a/b.template.json",
            "/etc/passwd",
            ".hidden.template.json",
            "a\\b.template.json",
        ] {
            assert!(!is_plain_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "a.json", "one").unwrap();
        write_file(dir.path(), "a.json", "two").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a.json")).unwrap(),
            "two"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_folder_is_refused_and_its_target_untouched() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("precious.txt");
        fs::write(&target, "keep me").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("a.json")).unwrap();
        let err = write_file(dir.path(), "a.json", "overwritten").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        // Removing a stale link removes the link, never what it points to.
        std::os::unix::fs::symlink(&target, dir.path().join("old.template.json")).unwrap();
        let removed = remove_stale(dir.path(), &["old.template.json".to_owned()]).unwrap();
        assert_eq!(removed.len(), 1);
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    }

    #[test]
    fn only_template_files_the_manifest_lists_are_candidates() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("manifest.json"),
            r#"{"stacks":[{"template":"a.template.json"},{"template":"../b.template.json"},{"template":"notes.txt"}]}"#,
        )
        .unwrap();
        assert_eq!(
            listed_templates(dir.path(), "manifest.json"),
            ["a.template.json"]
        );
        fs::create_dir(dir.path().join("d.template.json")).unwrap();
        assert_eq!(
            remove_stale(dir.path(), &["d.template.json".to_owned()]).unwrap(),
            Vec::<PathBuf>::new()
        );
        assert!(dir.path().join("d.template.json").is_dir());
    }
}
