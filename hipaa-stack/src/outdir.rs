//! The out folder of `synth`, `report` and `up`: files are written atomically (a temporary
//! file in the same folder, on the disk, then a rename; `synth` writes its templates'
//! temporary files while the app is still being checked, and renames them once it holds),
//! a file that already holds the same bytes is left as it is (its modification time too),
//! a symbolic link in the folder is never followed (the write is refused), and `synth`
//! removes the templates an earlier synth wrote there that are no longer part of the app —
//! only files the previous manifest lists.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The manifest of a cloud assembly, which names the files hipaa-stack wrote there.
const MANIFEST: &str = "manifest.json";

/// Whether the text of a `manifest.json` is one that hipaa-stack wrote: JSON whose
/// `generator` is `hipaa-stack <version>` (every manifest since the first has it).
fn is_our_manifest(text: &str) -> bool {
    crate::cfn::tree::from_str(text).is_ok_and(|doc| {
        doc.get("generator")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|g| g.starts_with("hipaa-stack "))
    })
}

/// An error of the out folder `path` that says what to do.
fn refused(path: &Path, kind: std::io::ErrorKind, why: &str) -> Error {
    Error::Write {
        path: path.to_owned(),
        source: std::io::Error::new(kind, why.to_owned()),
    }
}

/// Creates `dir` (and its parents) if needed, and refuses a folder that is another's: a
/// file (or a link to one) where the folder goes, and a folder holding a `manifest.json`
/// that hipaa-stack did not write (a web app's `public/manifest.json`, say), which `synth`
/// would replace and read as the list of its own files to remove. Nothing is written
/// there then. A link to a folder is followed: every file in it is written as in any other.
pub(crate) fn create(dir: &Path) -> Result<()> {
    if fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(refused(
            dir,
            std::io::ErrorKind::AlreadyExists,
            "it is a file, not a folder; hipaa-stack never replaces a file with its assembly: choose a folder with --out",
        ));
    }
    fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_owned(),
        source: writable(source),
    })?;
    let manifest = dir.join(MANIFEST);
    let Ok(meta) = fs::symlink_metadata(&manifest) else {
        return Ok(());
    };
    let ours = meta.file_type().is_file()
        && meta.len() <= 64 * 1024 * 1024
        && fs::read_to_string(&manifest).is_ok_and(|text| is_our_manifest(&text));
    if ours {
        Ok(())
    } else {
        Err(refused(
            &manifest,
            std::io::ErrorKind::AlreadyExists,
            "the folder holds a `manifest.json` that hipaa-stack did not write (a link, a folder, or a file whose `generator` is not hipaa-stack), which the assembly would replace: the folder is another's; choose a new or empty folder with --out, or remove that file",
        ))
    }
}

/// Refuses to replace the file `name` of `dir` when hipaa-stack did not write it: a link, a
/// folder, or a file whose first 64 KiB do not hold `marker` (what every file of that name
/// that hipaa-stack writes holds near its start). `report --out DIR` into a folder that
/// holds a `report.md` of the user's own would otherwise replace it.
pub(crate) fn refuse_anothers(dir: &Path, name: &str, marker: &str) -> Result<()> {
    use std::io::Read;
    let path = dir.join(name);
    let Ok(meta) = fs::symlink_metadata(&path) else {
        return Ok(());
    };
    let mut head = Vec::with_capacity(4096);
    let ours = meta.file_type().is_file()
        && fs::File::open(&path)
            .and_then(|file| file.take(64 * 1024).read_to_end(&mut head))
            .is_ok()
        && String::from_utf8_lossy(&head).contains(marker);
    if ours {
        Ok(())
    } else {
        Err(refused(
            &path,
            std::io::ErrorKind::AlreadyExists,
            &format!(
                "the folder holds a `{name}` that hipaa-stack did not write (a link, a folder, or a file without `{marker}` at its start), which the report would replace; choose a new or empty folder with --out, or move that file"
            ),
        ))
    }
}

/// An error of the operating system, with what to do when the folder may not be written.
fn writable(error: std::io::Error) -> std::io::Error {
    if error.kind() == std::io::ErrorKind::PermissionDenied {
        std::io::Error::new(
            error.kind(),
            format!(
                "{error}: the folder may not be written; make it writable or choose another folder with --out"
            ),
        )
    } else {
        error
    }
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
/// new one, never a part. A file that already holds `text` is left as it is. A symbolic
/// link at `name` is refused, never followed; a folder at `name` is refused by the rename.
pub(crate) fn write_file(dir: &Path, name: &str, text: &str) -> Result<()> {
    write_bytes(dir, name, text.as_bytes())
}

/// [`write_file`] for bytes (a function's zip).
pub(crate) fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    stage_bytes(dir, name, bytes)?.commit()
}

/// [`stage_with`] for `bytes`, unless the file `name` of `dir` already holds exactly them
/// (an earlier `synth` of the same stack): then nothing is written, and
/// [`Staged::commit_or`] leaves the file as it is if it has not changed since (or writes
/// the text again). Replacing a file costs the file system more than writing a new one
/// (`scale synth --buckets 50000` into the folder of an earlier run spent 380 ms renaming
/// 1,001 templates over their old files, against 30 ms into an empty folder).
pub(crate) fn stage_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<Staged> {
    let path = place(dir, name)?;
    if let Some(held) = Held::holding(&path, bytes) {
        return Ok(Staged {
            temp: PathBuf::new(),
            path,
            committed: false,
            kept: Some(held),
        });
    }
    stage_with(dir, name, |out| out.write_all(bytes))
}

/// The path of the file `name` of `dir`, refused when the name would leave the folder or
/// a symbolic link is there.
fn place(dir: &Path, name: &str) -> Result<PathBuf> {
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
    Ok(path)
}

/// A regular file of the out folder found to hold the bytes about to be written, known
/// again by its device, inode, length and the times of its last write and change (which
/// any write, rename or change of its metadata moves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Held {
    device: u64,
    inode: u64,
    length: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Held {
    /// The file at `path`, if it is a regular file (not a link: it is opened with
    /// `O_NOFOLLOW`, and without waiting, so that a pipe put there cannot stall the
    /// program) that holds exactly `bytes`, on the disk (synced, as a file written here
    /// would be). Anything else, or any error, is `None`: the file is written.
    #[cfg(unix)]
    fn holding(path: &Path, bytes: &[u8]) -> Option<Held> {
        use std::io::Read as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
            .ok()?;
        let meta = file.metadata().ok()?;
        if !meta.file_type().is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        let mut held = Vec::with_capacity(bytes.len());
        (&file)
            .take(meta.len().saturating_add(1))
            .read_to_end(&mut held)
            .ok()?;
        (held == bytes && file.sync_all().is_ok()).then(|| Held::of(&meta))
    }

    /// Elsewhere the file is always written.
    #[cfg(not(unix))]
    fn holding(_: &Path, _: &[u8]) -> Option<Held> {
        None
    }

    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Held {
        use std::os::unix::fs::MetadataExt as _;
        Held {
            device: meta.dev(),
            inode: meta.ino(),
            length: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether the file at `path` is still this one, unchanged.
    #[cfg(unix)]
    fn still_at(&self, path: &Path) -> bool {
        fs::symlink_metadata(path)
            .is_ok_and(|meta| meta.file_type().is_file() && Held::of(&meta) == *self)
    }

    #[cfg(not(unix))]
    fn still_at(&self, _: &Path) -> bool {
        false
    }
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
    /// The file, when it already held the text ([`stage_bytes`]): nothing was written.
    kept: Option<Held>,
}

impl Staged {
    /// Puts the file in place: a reader sees the old file or the new one, never a part. A
    /// symbolic link that appeared at its name meanwhile is refused, never followed.
    pub(crate) fn commit(self) -> Result<()> {
        self.commit_or(|| None)
    }

    /// [`Staged::commit`]; a file left as it was ([`stage_bytes`]) that has changed since
    /// it was read is written with `text` (refused if there is none).
    pub(crate) fn commit_or<'t>(mut self, text: impl FnOnce() -> Option<&'t str>) -> Result<()> {
        self.committed = true;
        if let Some(held) = self.kept.take() {
            if held.still_at(&self.path) {
                return Ok(());
            }
            let dir = self.path.parent().unwrap_or(Path::new("."));
            let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            return match text() {
                Some(text) => write_file(dir, name, text),
                None => Err(Error::Write {
                    path: self.path.clone(),
                    source: std::io::Error::other(
                        "the file changed while the command ran; run it again",
                    ),
                }),
            };
        }
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
        if !self.committed && self.kept.is_none() {
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
    let path = place(dir, name)?;
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
            kept: None,
        }),
        Err(source) => {
            let _ = fs::remove_file(&temp);
            Err(Error::Write {
                path,
                source: writable(source),
            })
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
    let Ok(doc) = crate::cfn::tree::from_str(&text) else {
        return Vec::new();
    };
    // Only a manifest hipaa-stack wrote names files hipaa-stack may remove.
    if !doc
        .get("generator")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|g| g.starts_with("hipaa-stack "))
    {
        return Vec::new();
    }
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

    /// Which file is at `path`, and when it last changed.
    #[cfg(unix)]
    fn identity(path: &Path) -> (u64, i64, i64) {
        use std::os::unix::fs::MetadataExt as _;
        let meta = fs::symlink_metadata(path).unwrap();
        (meta.ino(), meta.ctime(), meta.ctime_nsec())
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_holds_the_text_already_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.template.json");
        write_file(dir.path(), "a.template.json", "{}").unwrap();
        let before = identity(&path);
        // Enough time for a new change time to differ from the old one.
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_file(dir.path(), "a.template.json", "{}").unwrap();
        assert_eq!(identity(&path), before, "rewritten");
        stage_bytes(dir.path(), "a.template.json", b"{}")
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(identity(&path), before, "rewritten by a stage");
        // Dropped uncommitted, a stage that wrote nothing removes nothing.
        drop(stage_bytes(dir.path(), "a.template.json", b"{}").unwrap());
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        assert_eq!(names(dir.path()), ["a.template.json"]);
        // Other bytes of the same length, and a longer text, are written.
        write_file(dir.path(), "a.template.json", "[]").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "[]");
        assert_ne!(identity(&path), before);
        stage_bytes(dir.path(), "a.template.json", b"[1]")
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "[1]");
        assert_eq!(names(dir.path()), ["a.template.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_changed_after_it_was_compared_is_written_at_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.template.json");
        write_file(dir.path(), "a.template.json", "{}").unwrap();
        // The clock of file times moves in ticks of a few milliseconds: a change in the
        // same tick as the file's last one could not be told from it.
        let tick = std::time::Duration::from_millis(20);
        std::thread::sleep(tick);
        let staged = stage_bytes(dir.path(), "a.template.json", b"{}").unwrap();
        // The same length, other bytes, written in place.
        fs::write(&path, "[]").unwrap();
        staged.commit_or(|| Some("{}")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        // Without the text to write again, the change is an error, and the file is left.
        std::thread::sleep(tick);
        let staged = stage_bytes(dir.path(), "a.template.json", b"{}").unwrap();
        fs::write(&path, "[]").unwrap();
        let err = staged.commit().unwrap_err();
        assert!(err.to_string().contains("changed while"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "[]");
        // Removed: written again.
        write_file(dir.path(), "a.template.json", "{}").unwrap();
        let staged = stage_bytes(dir.path(), "a.template.json", b"{}").unwrap();
        fs::remove_file(&path).unwrap();
        staged.commit_or(|| Some("{}")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        // Replaced by a link: refused, never followed.
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("precious.txt");
        fs::write(&target, "keep me").unwrap();
        let staged = stage_bytes(dir.path(), "a.template.json", b"{}").unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = staged.commit_or(|| Some("{}")).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(names(dir.path()), ["a.template.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_or_a_pipe_that_leads_to_the_same_text_is_not_kept() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("same.json");
        fs::write(&target, "{}").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("a.template.json")).unwrap();
        for err in [
            write_file(dir.path(), "a.template.json", "{}").unwrap_err(),
            stage_bytes(dir.path(), "a.template.json", b"{}").unwrap_err(),
        ] {
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
        assert!(
            fs::symlink_metadata(dir.path().join("a.template.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A named pipe: read without waiting for a writer, then replaced by the file.
        let pipe = dir.path().join("b.template.json");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        write_file(dir.path(), "b.template.json", "{}").unwrap();
        assert_eq!(fs::read_to_string(&pipe).unwrap(), "{}");
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
    fn a_folder_with_another_tools_manifest_is_refused_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        // A web app's folder: its own manifest, which lists a file of the user's.
        let theirs = r#"{"name":"Portal","stacks":[{"template":"notes.template.json"}]}"#;
        fs::write(dir.path().join("manifest.json"), theirs).unwrap();
        fs::write(dir.path().join("notes.template.json"), "mine").unwrap();
        let err = create(dir.path()).unwrap_err().to_string();
        assert!(err.contains("manifest.json"), "{err}");
        assert!(err.contains("hipaa-stack did not write"), "{err}");
        assert!(err.contains("--out"), "{err}");
        // Never read as the list of files to remove.
        assert!(listed_templates(dir.path(), "manifest.json").is_empty());
        assert_eq!(
            fs::read_to_string(dir.path().join("manifest.json")).unwrap(),
            theirs
        );
        assert_eq!(names(dir.path()), ["manifest.json", "notes.template.json"]);
        // A manifest that is not JSON, a folder or a link there: refused too.
        fs::write(dir.path().join("manifest.json"), "not json").unwrap();
        assert!(create(dir.path()).is_err());
        fs::remove_file(dir.path().join("manifest.json")).unwrap();
        fs::create_dir(dir.path().join("manifest.json")).unwrap();
        assert!(create(dir.path()).is_err());
        // hipaa-stack's own manifest, and no manifest at all, are fine.
        fs::remove_dir(dir.path().join("manifest.json")).unwrap();
        create(dir.path()).unwrap();
        fs::write(
            dir.path().join("manifest.json"),
            r#"{"version":1,"generator":"hipaa-stack 0.1.0","stacks":[]}"#,
        )
        .unwrap();
        create(dir.path()).unwrap();
    }

    #[test]
    fn a_file_where_the_folder_goes_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        fs::write(&file, "the user's file").unwrap();
        let err = create(&file).unwrap_err().to_string();
        assert!(err.contains("it is a file, not a folder"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "the user's file");
        // Nor a folder below it.
        assert!(create(&file.join("deeper")).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "the user's file");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_folder_is_followed_and_a_link_to_a_file_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = dir.path().join("out");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        create(&link).unwrap();
        write_file(&link, "a.template.json", "{}").unwrap();
        assert_eq!(
            fs::read_to_string(real.join("a.template.json")).unwrap(),
            "{}"
        );
        let file = dir.path().join("precious.txt");
        fs::write(&file, "keep me").unwrap();
        let to_file = dir.path().join("out2");
        std::os::unix::fs::symlink(&file, &to_file).unwrap();
        assert!(create(&to_file).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_a_clear_error() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
        // Whoever may write anyway (root) sees the file written; anyone else the reason.
        let result = write_file(&out, "a.template.json", "{}");
        fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
        match result {
            Ok(()) => assert_eq!(
                fs::read_to_string(out.join("a.template.json")).unwrap(),
                "{}"
            ),
            Err(err) => {
                let err = err.to_string();
                assert!(err.contains("a.template.json"), "{err}");
                assert!(err.contains("may not be written"), "{err}");
                assert!(err.contains("--out"), "{err}");
            }
        }
        assert!(names(&out).iter().all(|n| !n.ends_with(".tmp")));
    }

    #[test]
    fn only_template_files_the_manifest_lists_are_candidates() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("manifest.json"),
            r#"{"generator":"hipaa-stack 0.1.0","stacks":[{"template":"a.template.json"},{"template":"../b.template.json"},{"template":"notes.txt"}]}"#,
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
