//! The code of functions as assets: built from a binary crate of the user's workspace (or
//! read from a zip built elsewhere), packed as `bootstrap` in a zip whose bytes depend only
//! on the binary, and named by the SHA-256 of the zip.
//!
//! Only `synth`, `preview` and `up` build code ([`App::build_assets`]); `check`, `graph`
//! and `report` never do. A binary is built with `cargo zigbuild` for
//! `<arch>-unknown-linux-gnu.2.34`: linked against glibc 2.34, the glibc of Amazon Linux
//! 2023 (`provided.al2023`), so it needs no newer symbol. Cargo's own freshness check makes
//! a build with no source change a no-op.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::app::App;
use crate::constructs::Architecture;
use crate::constructs::function::{CodeSource, FunctionNode};
use crate::error::{Error, Result};

/// The glibc that Amazon Linux 2023 ships, which `provided.al2023` functions run with.
pub const AL2023_GLIBC: &str = "2.34";

/// The code of one function, packed and named by its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    construct: String,
    stack: String,
    sha256: String,
    bytes: Arc<[u8]>,
}

impl Asset {
    /// The function that runs it (`stack/Construct`).
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// The stack of the function.
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The SHA-256 of the zip, in hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The zip.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its key in the staging bucket: `assets/<sha256>.zip`.
    pub fn key(&self) -> String {
        format!("assets/{}.zip", self.sha256)
    }

    /// Its file name in the cloud assembly: `asset.<sha256>.zip`.
    pub fn file_name(&self) -> String {
        format!("asset.{}.zip", self.sha256)
    }
}

impl App {
    /// Builds the code of every [`Function`](crate::Function) of the app, and records each
    /// asset's key so that the templates name it; what `synth`, `preview` and `up` do
    /// before they synthesize. `Code::cargo_bin` runs `cargo zigbuild` in the workspace of
    /// the program; `Code::zip` reads the file.
    ///
    /// A failed build names the function and shows cargo's error.
    ///
    /// ```no_run
    /// use hipaa_stack::prelude::*;
    /// use hipaa_stack::{Code, Function};
    /// let app = App::new("docproc");
    /// let stack = app.stack("docproc")?;
    /// let key = stack.add(KmsKey::new("PhiKey"))?;
    /// let net = stack.add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))?;
    /// stack.add(Function::new("Worker", Code::cargo_bin("worker")).encryption(&key).network(&net))?;
    /// let assets = app.build_assets()?;
    /// let assembly = app.synth()?.with_assets(assets);
    /// # Ok::<(), hipaa_stack::Error>(())
    /// ```
    pub fn build_assets(&self) -> Result<Vec<Asset>> {
        let jobs: Vec<(u32, String, String, CodeSource, Architecture)> = {
            let arena = self.arena();
            arena
                .constructs
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let function =
                        (&*c.node as &dyn std::any::Any).downcast_ref::<FunctionNode>()?;
                    let (code, arch) = (&function.code, function.architecture);
                    let stack = arena.stacks.get(c.stack as usize)?.name.to_string();
                    Some((
                        u32::try_from(i).ok()?,
                        arena.path(u32::try_from(i).ok()?),
                        stack,
                        code.0.clone(),
                        arch,
                    ))
                })
                .collect()
        };
        let mut assets = Vec::with_capacity(jobs.len());
        for (index, path, stack, source, arch) in jobs {
            let _span = tracing::info_span!("asset", function = %path).entered();
            let zip = match &source {
                CodeSource::Zip(file) => {
                    let zip = read_zip(file).map_err(|reason| Error::AssetBuild {
                        function: path.clone(),
                        reason,
                    })?;
                    zip_problem(&zip, arch).map_or(Ok(zip), |problem| {
                        Err(Error::AssetBuild {
                            function: path.clone(),
                            reason: format!("the zip `{}` {problem}", file.display()),
                        })
                    })?
                }
                CodeSource::CargoBin(name) => {
                    let binary = build_binary(name, arch).map_err(|reason| Error::AssetBuild {
                        function: path.clone(),
                        reason,
                    })?;
                    let bytes = std::fs::read(&binary).map_err(|e| Error::AssetBuild {
                        function: path.clone(),
                        reason: format!("cannot read the built binary `{}`: {e}", binary.display()),
                    })?;
                    if let Some(problem) = binary_problem(&bytes, arch) {
                        return Err(Error::AssetBuild {
                            function: path,
                            reason: format!(
                                "the binary `{name}` built at `{}` {problem}",
                                binary.display()
                            ),
                        });
                    }
                    zip_bootstrap(&bytes)
                }
            };
            let sha256 = hex(&Sha256::digest(&zip));
            let asset = Asset {
                construct: path,
                stack,
                sha256,
                bytes: zip.into(),
            };
            self.arena_mut().asset_keys.insert(index, asset.key());
            assets.push(asset);
        }
        Ok(assets)
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The root of the workspace the program belongs to: `HIPAA_STACK_WORKSPACE`, else what
/// `cargo locate-project --workspace` says from the program's package
/// (`CARGO_MANIFEST_DIR`, which `cargo run` sets) or the current folder.
fn workspace_root() -> std::result::Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("HIPAA_STACK_WORKSPACE") {
        return Ok(PathBuf::from(dir));
    }
    let from = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .current_dir(&from)
        .output()
        .map_err(|e| format!("cannot run cargo to find the workspace: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo found no workspace from `{}`: {}",
            from.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("`{}` has no folder", manifest.display()))
}

/// The `cargo-zigbuild` to run: `HIPAA_STACK_CARGO_ZIGBUILD`, else `.tools/bin` of the
/// workspace (where the project's scripts install it), else the one on `PATH`.
fn zigbuild(root: &Path) -> PathBuf {
    if let Some(path) = std::env::var_os("HIPAA_STACK_CARGO_ZIGBUILD") {
        return PathBuf::from(path);
    }
    let local = root.join(".tools/bin/cargo-zigbuild");
    if local.is_file() {
        local
    } else {
        PathBuf::from("cargo-zigbuild")
    }
}

/// Builds the binary `name` of the workspace for Lambda and returns its path.
fn build_binary(name: &str, arch: Architecture) -> std::result::Result<PathBuf, String> {
    let root = workspace_root()?;
    let target = format!("{}.{AL2023_GLIBC}", arch.rust_target());
    let mut command = Command::new(zigbuild(&root));
    command
        .args(["zigbuild", "--release", "--bin", name, "--target", &target])
        .args(["--message-format", "json-render-diagnostics"])
        .current_dir(&root);
    // Zig from the `ziglang` package of `.venv-zig` (`python3 -m ziglang`), where the
    // project's scripts install it, unless zig is on `PATH` already.
    let venv = root.join(".venv-zig/bin");
    if venv.is_dir() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![venv];
        dirs.extend(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(dirs) {
            command.env("PATH", joined);
        }
    }
    let out = command.output().map_err(|e| {
        format!(
            "cannot run `cargo zigbuild` ({e}); install it with scripts/venv (cargo-zigbuild into .tools, the ziglang package into .venv-zig)"
        )
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "`cargo zigbuild --release --bin {name} --target {target}` failed:\n{}",
            stderr.trim_end()
        ));
    }
    // The binary's path, from cargo's messages.
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .filter_map(|line| crate::cfn::tree::from_str(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["name"] == name
                && m["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .next_back()
        .ok_or_else(|| {
            format!(
                "cargo built no binary `{name}`: is there a `[[bin]]` (or `src/main.rs`) of that name in the workspace at `{}`?\n{}",
                root.display(),
                stderr.trim_end()
            )
        })
}

/// The most that Lambda unpacks of a function's code: "250 MB (unzipped, including
/// layers)" in AWS Lambda's quotas (Developer Guide, "Lambda quotas", deployment package
/// (.zip file archive) size), which `CreateFunction` enforces as "Unzipped size must be
/// smaller than 262144000 bytes". The other quota, 50 MB zipped, is that of a direct upload;
/// hipaa-stack's templates read the code from S3 (`Code.S3Bucket`, `Code.S3Key`), to which it
/// does not apply.
pub const LAMBDA_UNZIPPED_MAX: u64 = 262_144_000;

/// ELF's `e_machine` of the instruction set `arch` (x86-64: 62, AArch64: 183).
fn elf_machine(arch: Architecture) -> u16 {
    match arch {
        Architecture::X86_64 => 62,
        Architecture::Arm64 => 183,
    }
}

/// What is wrong with `bytes` as the `bootstrap` of a function of `arch`, if it is an ELF
/// file (a script, `#!`, runs on either): built for another instruction set, or not a
/// 64-bit little-endian executable, which Lambda cannot start.
fn elf_problem(bytes: &[u8], arch: Architecture) -> Option<String> {
    if !bytes.starts_with(b"\x7fELF") {
        return None;
    }
    let (Some(&class), Some(&data), Some(machine)) =
        (bytes.get(4), bytes.get(5), bytes.get(18..20))
    else {
        return Some("is a truncated ELF file".to_owned());
    };
    if class != 2 || data != 1 {
        return Some(
            "is not a 64-bit little-endian ELF file; Lambda runs x86-64 and arm64 code only"
                .to_owned(),
        );
    }
    let machine = u16::from_le_bytes([machine[0], machine[1]]);
    let want = elf_machine(arch);
    (machine != want).then(|| {
        let built = match machine {
            62 => "x86-64",
            183 => "arm64",
            _ => "another instruction set",
        };
        format!(
            "is built for {built}, and the function runs on {}: Lambda could not start it; build it for that architecture or call `.architecture(..)` to match",
            arch.lambda_name()
        )
    })
}

/// What is wrong with a binary built for a function of `arch`: over Lambda's unzipped size,
/// or built for another instruction set.
fn binary_problem(bytes: &[u8], arch: Architecture) -> Option<String> {
    oversize(bytes.len() as u64).or_else(|| elf_problem(bytes, arch))
}

/// What is wrong with a binary of `length` bytes: more than Lambda unpacks.
fn oversize(length: u64) -> Option<String> {
    (length > LAMBDA_UNZIPPED_MAX).then(|| format!(
        "has {length} bytes; Lambda unpacks at most {LAMBDA_UNZIPPED_MAX} bytes (250 MB) of a function's code: strip it (`strip = true` in the release profile) or split the function"
    ))
}

/// Reads the zip `file` of `Code::zip`, refusing one larger than Lambda could unpack before
/// reading it whole.
fn read_zip(file: &Path) -> std::result::Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read the zip `{}`: {e}", file.display());
    let length = std::fs::metadata(file).map_err(cannot)?.len();
    if length > LAMBDA_UNZIPPED_MAX {
        return Err(format!(
            "the zip `{}` has {length} bytes; Lambda unpacks at most {LAMBDA_UNZIPPED_MAX} bytes (250 MB) of a function's code",
            file.display()
        ));
    }
    std::fs::read(file).map_err(cannot)
}

/// How a name held in a function's zip is shown in a message: as UTF-8 (a byte that is not
/// becomes `�`), with control characters escaped.
fn shown(name: &[u8]) -> String {
    String::from_utf8_lossy(name).escape_debug().to_string()
}

/// The path that the name of a zip entry unpacks to in the function's folder, as its parts:
/// cut at a NUL byte (where unzip tools written in C end it), without empty and `.` parts,
/// split at `/` (and also at `\`, as zips packed on Windows may separate folders, when
/// `backslash`). `None` when it leaves the folder: an absolute path, or one through `..`
/// (which unzip tools strip, resolve or refuse, each their own way).
fn unpacked_path(name: &[u8], backslash: bool) -> Option<Vec<&[u8]>> {
    let name = name.split(|&b| b == 0).next().unwrap_or_default();
    let separator = |b: &u8| *b == b'/' || (backslash && *b == b'\\');
    if name.first().is_some_and(separator) {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split(separator) {
        match part {
            b"" | b"." => {}
            b".." => return None,
            _ => parts.push(part),
        }
    }
    Some(parts)
}

/// Whether `name` unpacks to `bootstrap` at the root of the function's folder.
fn is_root_bootstrap(name: &[u8], backslash: bool) -> bool {
    unpacked_path(name, backslash).is_some_and(|parts| parts == [b"bootstrap".as_slice()])
}

/// The Unix mode that an entry unpacks with, as Info-ZIP's `unzip` maps the external
/// attributes of the systems that packed it (`mapattr` of its Unix port): the upper half
/// as it is when packed on Unix and the other systems that record a Unix mode there (and
/// on MS-DOS when it agrees with the MS-DOS attributes, as PKZIP for Unix writes them);
/// else a file readable by all, writable unless marked read-only, never executable (a
/// folder: executable). A mode with no file type is a regular file's.
fn unpacked_mode(system: zip::System, external: u32, dir_name: bool) -> (u32, bool) {
    use zip::System;
    let upper = external >> 16;
    let unix = matches!(
        system,
        System::OpenVMS
            | System::Unix
            | System::AtariSt
            | System::VSE
            | System::AcornRisc
            | System::BeOS
            | System::Tandem
    );
    if unix && upper != 0 {
        return (upper, true);
    }
    let mut dos = external & 0xFF;
    if dir_name {
        dos |= 0x10;
    }
    // Writable unless read-only (2); a folder is searchable (1).
    let bits = (u32::from(dos & 0x01 == 0) << 1) | ((dos & 0x10) >> 4);
    if (unix || system == System::Dos) && upper & 0o700 == (0o400 | bits << 6) {
        return (upper, true);
    }
    let kind = if dos & 0x10 == 0 {
        0o100_000
    } else {
        0o040_000
    };
    (kind | 0o444 | bits << 6 | bits << 3 | bits, false)
}

/// The name that an entry's central header itself holds, at `central` of `zip`: what unzip
/// tools that do not read the Info-ZIP Unicode path extra field (which the `zip` crate
/// reads in its place when its checksum matches) unpack it as.
fn header_name(zip: &[u8], central: u64) -> Option<&[u8]> {
    let at = usize::try_from(central).ok()?;
    let header = zip.get(at..at.checked_add(46)?)?;
    if header[..4] != *b"PK\x01\x02" {
        return None;
    }
    let length = usize::from(u16::from_le_bytes([header[28], header[29]]));
    zip.get(at + 46..at + 46 + length)
}

/// The first `limit` bytes of the entry `index`, unpacked.
fn unpacked_head(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    index: usize,
    limit: u64,
) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let mut head = Vec::new();
    archive
        .by_index(index)
        .map_err(|e| e.to_string())?
        .take(limit)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    Ok(head)
}

/// The signature of an end-of-central-directory record.
const END_RECORD: &[u8; 4] = b"PK\x05\x06";

/// How far from its end unzip tools look for the end-of-central-directory record: the
/// record (22 bytes) and the longest comment it can carry.
const END_RECORD_REACH: usize = 22 + 0xFFFF;

/// Where the central directory that unzip tools read starts, where the archive its offsets
/// count from starts, how many entries it lists, the archive's comment and where the record
/// is, by the end-of-central-directory record they pick: the last
/// signature found scanning back from the end (Info-ZIP's `unzip`, and Python's `zipfile`,
/// which first takes a record with no comment that ends the file), its ZIP64 record read
/// where its locator points when one precedes it ([`zip64_record`]), the directory ending
/// where that record starts. `Err` with the reason they refuse the zip.
fn standard_directory(zip: &[u8]) -> std::result::Result<Directory<'_>, String> {
    let u16_at = |at: usize| u64::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let u32_at = |at: usize| {
        u64::from(u32::from_le_bytes([
            zip[at],
            zip[at + 1],
            zip[at + 2],
            zip[at + 3],
        ]))
    };
    let u64_at = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&zip[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    let ends_the_file = zip.len() >= 22
        && zip[zip.len() - 22..zip.len() - 18] == *END_RECORD
        && zip[zip.len() - 2..] == [0, 0];
    let record = if ends_the_file {
        zip.len() - 22
    } else {
        let from = zip.len().saturating_sub(END_RECORD_REACH);
        match zip[from..].windows(4).rposition(|w| w == END_RECORD) {
            Some(at) if from + at + 22 <= zip.len() => from + at,
            Some(at) => {
                return Err(format!(
                    "ends with a truncated end-of-central-directory record at byte {}",
                    from + at
                ));
            }
            None => {
                return Err(format!(
                    "has no end-of-central-directory record in its last {END_RECORD_REACH} bytes, where unzip tools look for one"
                ));
            }
        }
    };
    let comment_end =
        (record + 22 + usize::try_from(u16_at(record + 20)).unwrap_or(0)).min(zip.len());
    let comment = &zip[record + 22..comment_end];
    let directory = |at: usize, size: u64, offset: u64, count: u64, zip64: bool| {
        let start = u64::try_from(at).ok().and_then(|at| at.checked_sub(size));
        let base = start.and_then(|start| start.checked_sub(offset));
        match (start, base) {
            (Some(start), Some(base)) => Ok(Directory {
                start,
                base,
                count,
                zip64,
                comment,
                record,
            }),
            _ => Err(format!(
                "has an end-of-central-directory record at byte {record} whose directory would start before the file"
            )),
        }
    };
    if record >= 20 && zip[record - 20..record - 16] == *b"PK\x06\x07" {
        let zip64 = zip64_record(zip, record - 20)?;
        return directory(
            zip64,
            u64_at(zip64 + 40),
            u64_at(zip64 + 48),
            u64_at(zip64 + 32),
            true,
        );
    }
    directory(
        record,
        u32_at(record + 12),
        u32_at(record + 16),
        u16_at(record + 10),
        false,
    )
}

/// Where the ZIP64 end-of-central-directory record of the locator at byte `locator` starts,
/// as unzip tools find it: where the locator points ("relative offset of the zip64 end of
/// central directory record", APPNOTE.TXT 4.3.15), which is not just before the locator
/// when the record carries extensible data (its "zip64 extensible data sector", 4.3.14,
/// counted in its size), or, when no record starts there, just before the locator (bytes
/// prepended to the zip move the record, not the offset written). Info-ZIP's `unzip` and
/// current releases of Python's `zipfile` (`_EndRecData64`; older ones looked just before
/// the locator only) read it so, and refuse a record whose size does not reach the locator
/// or whose central directory does not end where the locator points. Hostile review 24: it was read only just before the locator, so
/// a zip with extensible data was refused.
fn zip64_record(zip: &[u8], locator: usize) -> std::result::Result<usize, String> {
    let u64_at = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&zip[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    let Some(plain) = locator.checked_sub(56) else {
        return Err(format!(
            "has a ZIP64 locator at byte {locator} without room for its ZIP64 record before it"
        ));
    };
    let pointed = u64_at(locator + 8);
    let is_record = |at: usize| zip[at..at + 4] == *b"PK\x06\x06";
    let at = match usize::try_from(pointed).ok().filter(|&at| at <= plain) {
        Some(at) if is_record(at) => at,
        _ if is_record(plain) => plain,
        _ => {
            return Err(format!(
                "has a ZIP64 locator at byte {locator} that points at byte {pointed}, where no ZIP64 record starts, nor does one just before the locator"
            ));
        }
    };
    let reaches_the_locator = u64_at(at + 4)
        .checked_add(12)
        .is_some_and(|length| usize::try_from(length).ok() == Some(locator - at));
    let directory_ends = u64_at(at + 48).checked_add(u64_at(at + 40)) == Some(pointed);
    if !(reaches_the_locator && directory_ends) {
        return Err(format!(
            "has a ZIP64 record at byte {at} whose size does not reach its locator or whose central directory does not end where the locator points"
        ));
    }
    Ok(at)
}

/// The central directory that an end-of-central-directory record picks, as unzip tools
/// read it (see [`standard_directory`]).
struct Directory<'a> {
    /// Where it starts: where the record (or its ZIP64 record) starts, less its size.
    start: u64,
    /// Where the archive starts, from which its offsets count (bytes prepended to a zip
    /// move it).
    base: u64,
    /// How many entries it lists.
    count: u64,
    /// Whether a ZIP64 record gave it (else a ZIP32 record's `0xFFFF` is a count of
    /// 65,535, or of more that the field could not hold).
    zip64: bool,
    /// The archive's comment.
    comment: &'a [u8],
    /// Where the end-of-central-directory record is.
    record: usize,
}

/// Why the central directory that the `zip` crate read in `archive` may not be the one that
/// unzip tools read in `zip`, if it may not: a zip with more than one end-of-central-directory
/// record (two zips end to end, a record hidden in a comment or in trailing bytes) where the
/// crate, which skips a record it finds inconsistent, and unzip tools, which take the last
/// one, pick different records, or one that unzip tools do not find at all.
fn end_record_problem(
    zip: &[u8],
    archive: &zip::ZipArchive<std::io::Cursor<&[u8]>>,
) -> Option<String> {
    let records = zip.windows(4).filter(|w| *w == END_RECORD).count();
    let read = match standard_directory(zip) {
        Ok(found) => found,
        Err(problem) => {
            return Some(format!(
                "{problem}, so unzip tools would refuse it or read another directory than hipaa-stack reads; pack it again with a zip tool"
            ));
        }
    };
    // (The crate lists an entry of a name once, and a zip holding two is refused after.)
    // Hostile review 24: a ZIP32 record's `0xFFFF` passed any count; without a ZIP64
    // record it counts 65,535 entries, or more than its field holds (APPNOTE.TXT 4.4.21).
    let listed = u64::try_from(archive.len()).unwrap_or(u64::MAX);
    let count_agrees = archive.has_duplicate_names()
        || listed == read.count
        || (read.count == 0xFFFF && !read.zip64 && listed > 0xFFFF);
    let same_directory = archive.central_directory_start() == read.start
        && archive.offset() == read.base
        && archive.comment() == read.comment;
    if same_directory && count_agrees {
        return None;
    }
    if same_directory {
        return Some(format!(
            "has an end-of-central-directory record that counts {} entries where its central directory lists {listed}, so unzip tools that believe the count would read other entries than hipaa-stack reads; pack it again with a zip tool",
            read.count
        ));
    }
    Some(format!(
        "has {records} end-of-central-directory record(s), and unzip tools read the last one, at byte {}, which describes another central directory than the one the `zip` crate reads (at byte {}), so that Lambda could unpack other files than hipaa-stack checks; pack it again with a zip tool, as one zip",
        read.record,
        archive.central_directory_start()
    ))
}

/// One entry of a function's zip, as its central directory describes it.
struct ZipEntry {
    /// Its name, as the `zip` crate reads it (an Info-ZIP Unicode path in place of the
    /// header's name when its checksum matches).
    name: Vec<u8>,
    /// The header's own name, when an Info-ZIP Unicode path replaced it with another.
    header: Option<Vec<u8>>,
    /// The Unix mode it unpacks with, and whether the zip recorded it (else it is
    /// MS-DOS's attributes mapped).
    mode: (u32, bool),
    /// Whether it unpacks as a folder.
    dir: bool,
    /// The path it unpacks to, its parts joined with `/`.
    path: Vec<u8>,
    /// Every path that an unzip tool may unpack it to (its `path` among them): its name and
    /// its header's, with `\` a character of the name or a separator between folders.
    readings: Vec<Vec<u8>>,
}

/// What is wrong with the zip of a function of `arch` (`provided.al2023`, whose runtime
/// starts the file `bootstrap` at the root of the code), read with the `zip` crate as an
/// unzip tool would unpack it: not a zip at all (no central directory); a central directory
/// other than the one unzip tools read (they take the last end-of-central-directory record,
/// which the crate may skip for an earlier one); local headers that
/// disagree with the central directory (names, sizes, checksums, entries it does not list)
/// or two entries of one name, so that unzip tools that read one or the other would unpack
/// different files; an entry named out of the function's folder, encrypted, compressed other
/// than stored or deflated, or damaged; two entries, whichever, that unzip tools may unpack
/// to one path (`lib/x` and `lib//x`, `./lib/x`, `lib/./x`, `lib\x`), naming both; more than
/// Lambda unpacks (the central directory's
/// sizes, then the bytes that its entries really unpack to); no `bootstrap` at the root (an
/// entry that unzip tools name differently is refused too); a `bootstrap` that Lambda's user
/// may not read and execute (its mode as Info-ZIP's `unzip` maps it: a zip packed on Windows
/// records none and unpacks without an execute permission), a folder, or a link that does not
/// lead to an executable of the package (links are followed as Linux follows them, through
/// links to links and to folders, at most 40; a loop, a link out of the package or to an
/// entry the zip lacks is refused), or an
/// ELF file of another instruction set (stored or deflated, its first bytes unpacked). ZIP64
/// archives are read.
fn zip_problem(zip: &[u8], arch: Architecture) -> Option<String> {
    use std::io::Read;
    use zip::CompressionMethod;
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(zip)) {
        Ok(archive) => archive,
        Err(e) => {
            return Some(format!(
                "is not a zip that Lambda could unpack ({e}); pack the function's code with a zip tool (`zip -r`)"
            ));
        }
    };
    if let Some(problem) = end_record_problem(zip, &archive) {
        return Some(problem);
    }
    if archive.has_duplicate_names() {
        return Some(
            "holds two entries of the same name, and unzip tools disagree on which one they keep; pack each file once"
                .to_owned(),
        );
    }
    if let Err(e) = archive.validate_header_consistency() {
        return Some(format!(
            "has local headers that disagree with its central directory ({e}), so that unzip tools reading one or the other would unpack different files; pack it again with a zip tool"
        ));
    }
    let out = |name: &[u8]| {
        Some(format!(
            "holds `{}`, a path out of the function's folder (absolute, or through `..`), which unzip tools strip, resolve or refuse each their own way; pack paths relative to the code's root",
            shown(name)
        ))
    };
    let mut entries: Vec<ZipEntry> = Vec::with_capacity(archive.len());
    let mut paths: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    let mut read_as: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let file = match archive.by_index_raw(index) {
            Ok(file) => file,
            Err(e) => {
                return Some(format!(
                    "has an entry that cannot be read ({e}); pack it again"
                ));
            }
        };
        let name = file.name_raw().to_vec();
        let unicode = file
            .extra_data_fields()
            .any(|field| matches!(field, zip::ExtraField::UnicodePath(_)));
        let header = unicode
            .then(|| header_name(zip, file.central_header_start()))
            .flatten()
            .filter(|header| *header != name.as_slice())
            .map(<[u8]>::to_vec);
        if file.encrypted() {
            return Some(format!(
                "holds `{}` encrypted; Lambda cannot decrypt it: pack it without a password",
                shown(&name)
            ));
        }
        let method = file.compression();
        if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
            return Some(format!(
                "holds `{}` compressed with {method}, which hipaa-stack does not read; pack it stored or deflated, as zip tools do by default",
                shown(&name)
            ));
        }
        declared = declared.saturating_add(file.size());
        let dir_name = name.ends_with(b"/");
        let mode = unpacked_mode(file.system(), file.external_attributes(), dir_name);
        let dir = dir_name || mode.0 & 0o170_000 == 0o040_000;
        drop(file);
        let Some(parts) = unpacked_path(&name, false) else {
            return out(&name);
        };
        if let Some(header) = &header
            && unpacked_path(header, false).is_none()
        {
            return out(header);
        }
        let path = parts.join(&b'/');
        if !path.is_empty() {
            if let Some(&other) = paths.get(&path) {
                return Some(format!(
                    "holds `{}` and `{}`, which both unpack to `{}`; unzip tools disagree on which one Lambda would get: pack each file once",
                    shown(&entries[other].name),
                    shown(&name),
                    shown(&path)
                ));
            }
            paths.insert(path.clone(), index);
        }
        // Every path that an unzip tool may unpack it to: its name or its header's, with `\`
        // a character of the name or a separator between folders (as zips packed on Windows
        // write them, and tools that read them so).
        let mut readings: Vec<Vec<u8>> = Vec::with_capacity(4);
        for spelled in std::iter::once(&name).chain(header.as_ref()) {
            for backslash in [false, true] {
                let Some(parts) = unpacked_path(spelled, backslash) else {
                    return out(spelled);
                };
                let reading = parts.join(&b'/');
                if !reading.is_empty() && !readings.contains(&reading) {
                    readings.push(reading);
                }
            }
        }
        for reading in &readings {
            if let Some(&other) = read_as.get(reading)
                && other != index
            {
                return Some(format!(
                    "holds `{}` and `{}`, which unzip tools may both unpack to `{}` (reading `\\` as a separator between folders, as zips packed on Windows use it, or an Info-ZIP Unicode path in place of a name); unzip tools disagree on which one Lambda would get: pack each file once, with `/` between folders",
                    shown(&entries[other].name),
                    shown(&name),
                    shown(reading)
                ));
            }
            read_as.insert(reading.clone(), index);
        }
        entries.push(ZipEntry {
            name,
            header,
            mode,
            dir,
            path,
            readings,
        });
    }
    // A file or a link that is also a folder of another entry, as any unzip tool reads
    // their names: unzip tools fail, or write through the link.
    for (index, entry) in entries.iter().enumerate() {
        for reading in &entry.readings {
            for (at, _) in reading.iter().enumerate().filter(|(_, b)| **b == b'/') {
                let Some(&parent) = read_as.get(&reading[..at]) else {
                    continue;
                };
                if parent == index || entries[parent].dir {
                    continue;
                }
                return Some(format!(
                    "holds `{}` in `{}`, which it also holds as a file or a link; unzip tools fail on it or write through the link: pack real folders",
                    shown(&entry.name),
                    shown(&entries[parent].name)
                ));
            }
        }
    }
    let over = |unzipped: u64| {
        format!(
            "unpacks to {unzipped} bytes; Lambda unpacks at most {LAMBDA_UNZIPPED_MAX} bytes (250 MB) of a function's code"
        )
    };
    if declared > LAMBDA_UNZIPPED_MAX {
        return Some(over(declared));
    }
    // Every entry unpacked, its checksum checked, and its bytes counted, not its sizes read:
    // a zip whose sizes lie unpacks to what its compressed data holds.
    let mut unpacked: u64 = 0;
    for (index, entry) in entries.iter().enumerate() {
        let budget = LAMBDA_UNZIPPED_MAX - unpacked;
        let copied = archive
            .by_index(index)
            .map_err(std::io::Error::other)
            .and_then(|file| std::io::copy(&mut file.take(budget + 1), &mut std::io::sink()));
        match copied {
            Ok(bytes) => unpacked += bytes,
            Err(e) => {
                return Some(format!(
                    "holds `{}`, which cannot be unpacked ({e}): the zip is damaged; pack it again",
                    shown(&entry.name)
                ));
            }
        }
        if unpacked > LAMBDA_UNZIPPED_MAX {
            return Some(format!(
                "unpacks to more than {LAMBDA_UNZIPPED_MAX} bytes, though its central directory says {declared}; Lambda unpacks at most {LAMBDA_UNZIPPED_MAX} bytes (250 MB) of a function's code"
            ));
        }
    }
    // An entry that some unzip tools unpack as `bootstrap` and others as another name.
    for entry in &entries {
        let names = || std::iter::once(entry.name.as_slice()).chain(entry.header.as_deref());
        let certain = is_root_bootstrap(&entry.name, false);
        if (certain && entry.header.is_some())
            || (!certain && names().any(|name| is_root_bootstrap(name, true)))
        {
            let spelled: Vec<String> = names().map(|name| format!("`{}`", shown(name))).collect();
            return Some(format!(
                "holds {}, which unzip tools may or may not unpack as `bootstrap` (an Info-ZIP Unicode path that renames the entry, or `\\` between folders); pack the executable as `bootstrap`, with one name",
                spelled.join(" named ")
            ));
        }
    }
    if !paths.contains_key(b"bootstrap".as_slice()) {
        let near = entries.iter().find(|entry| {
            entry
                .path
                .rsplit(|&b| b == b'/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(b"bootstrap"))
        });
        let hint = near.map_or_else(String::new, |entry| {
            format!(
                " (it holds `{}`: the runtime starts `bootstrap` at the root, spelled exactly so)",
                shown(&entry.name)
            )
        });
        return Some(format!(
            "holds no file `bootstrap` at its root, which the `provided.al2023` runtime starts{hint}; pack the function's executable as `bootstrap`"
        ));
    }
    // `bootstrap`, through its links as Linux resolves them.
    let at = match resolve_bootstrap(&mut archive, &entries, &paths) {
        Ok(Resolved::Entry(at)) => at,
        Ok(Resolved::Folder(path)) => {
            return Some(format!(
                "holds `bootstrap` as a link to the folder `{}`, where the runtime starts `bootstrap`; pack the executable itself as a regular file",
                shown(&path)
            ));
        }
        Err(problem) => return Some(problem),
    };
    let entry = &entries[at];
    let name = shown(&entry.name);
    let (mode, recorded) = entry.mode;
    match mode & 0o170_000 {
        _ if entry.dir => Some(format!(
            "holds `{name}` as a folder, where the runtime starts `bootstrap`; pack the executable itself as a regular file"
        )),
        0 | 0o100_000 => {
            if mode & 0o005 != 0o005 {
                let unrecorded = if recorded {
                    ""
                } else {
                    " (packed on a system that records no Unix mode, such as Windows, so it unpacks without an execute permission)"
                };
                return Some(format!(
                    "holds `{name}` with the mode {:o}{unrecorded}, which does not let every user read and execute it; Lambda runs the function as a user who does not own its code and could not start it: pack it with mode 0755",
                    mode & 0o7777
                ));
            }
            match unpacked_head(&mut archive, at, 64) {
                Ok(head) => elf_problem(&head, arch),
                Err(e) => Some(format!(
                    "holds `{name}`, which cannot be unpacked ({e}); pack it again"
                )),
            }
        }
        _ => Some(format!(
            "holds `{name}` as a special file; pack the executable itself as a regular file"
        )),
    }
}

/// How many links Linux follows in resolving one path before it gives up (`ELOOP`).
const MAX_LINKS: usize = 40;

/// What `bootstrap` resolves to once unpacked.
enum Resolved {
    /// An entry that is not a link (a file, a folder, a special file), by index.
    Entry(usize),
    /// A folder that the zip holds no entry of, only entries in it: its path.
    Folder(Vec<u8>),
}

/// What `bootstrap` names in the unpacked code, its links followed as Linux follows them
/// (`path_resolution(7)`): part by part, a link met on the way (in a folder of the path or
/// as its last part) replaced by its target, read from where the link is; `..` after a link
/// leaves the folder the link led to. A link out of the code (an absolute target, or `..`
/// above its root), through a file as if it were a folder, to a path the zip does not hold,
/// or more than [`MAX_LINKS`] links in all (a loop among them) is refused, naming the link.
fn resolve_bootstrap(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    entries: &[ZipEntry],
    paths: &std::collections::HashMap<Vec<u8>, usize>,
) -> std::result::Result<Resolved, String> {
    use std::collections::VecDeque;
    // The folders that unzip tools make for the entries in them.
    let folders: std::collections::HashSet<&[u8]> = entries
        .iter()
        .flat_map(|entry| {
            entry
                .path
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'/')
                .map(|(at, _)| &entry.path[..at])
        })
        .collect();
    let is_link = |entry: &ZipEntry| !entry.dir && entry.mode.0 & 0o170_000 == 0o120_000;
    let mut pending: VecDeque<Vec<u8>> = VecDeque::from([b"bootstrap".to_vec()]);
    let mut at: Vec<Vec<u8>> = Vec::new();
    // The last link followed, and its target, which the messages name.
    let mut link: Option<(usize, Vec<u8>)> = None;
    let mut followed = 0;
    let named = |link: &Option<(usize, Vec<u8>)>| {
        link.as_ref().map_or_else(
            || "`bootstrap`".to_owned(),
            |(index, target)| {
                format!(
                    "`{}` as a link to `{}`",
                    shown(&entries[*index].name),
                    shown(target)
                )
            },
        )
    };
    while let Some(part) = pending.pop_front() {
        match part.as_slice() {
            b"" | b"." => continue,
            b".." => {
                if at.pop().is_none() {
                    return Err(format!(
                        "holds {}, a link out of the function's code (through `..` above its root); pack the executable itself",
                        named(&link)
                    ));
                }
                continue;
            }
            _ => at.push(part),
        }
        let path = at.join(&b'/');
        match paths.get(&path).map(|&index| (index, &entries[index])) {
            Some((index, entry)) if is_link(entry) => {
                followed += 1;
                if followed > MAX_LINKS {
                    return Err(format!(
                        "holds `bootstrap` as a chain of more than {MAX_LINKS} links (a loop among them, through `{}`), which Linux does not follow; pack the executable itself",
                        shown(&entry.name)
                    ));
                }
                let target = unpacked_head(archive, index, 4096).map_err(|e| {
                    format!(
                        "holds `{}`, which cannot be unpacked ({e}); pack it again",
                        shown(&entry.name)
                    )
                })?;
                if target.starts_with(b"/") {
                    return Err(format!(
                        "holds `{}` as a link out of the function's code (an absolute path or one through `..`) to `{}`; pack the executable itself",
                        shown(&entry.name),
                        shown(&target)
                    ));
                }
                at.pop();
                for part in target.split(|&b| b == b'/').rev() {
                    pending.push_front(part.to_vec());
                }
                link = Some((index, target));
            }
            // A file (or a special file) with more of the path after it.
            Some((_, entry)) if !entry.dir && !pending.is_empty() => {
                return Err(format!(
                    "holds {}, which goes through `{}`, a file and not a folder; pack the executable itself",
                    named(&link),
                    shown(&entry.name)
                ));
            }
            Some(_) => {}
            None if folders.contains(path.as_slice()) => {}
            None => {
                return Err(format!(
                    "holds {}, which the zip does not hold (it has no `{}`); pack the executable itself",
                    named(&link),
                    shown(&path)
                ));
            }
        }
    }
    let path = at.join(&b'/');
    match paths.get(&path) {
        Some(&index) => Ok(Resolved::Entry(index)),
        // The code's root itself, or a folder made for the entries in it.
        None if path.is_empty() => Ok(Resolved::Folder(b".".to_vec())),
        None => Ok(Resolved::Folder(path)),
    }
}

/// The CRC-32 (IEEE) of `data`, as zip files carry it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A zip holding `binary` as `bootstrap` (stored, mode 0755, dated 1980-01-01 00:00): the
/// same binary always gives the same bytes.
pub(crate) fn zip_bootstrap(binary: &[u8]) -> Vec<u8> {
    zip_one(b"bootstrap", 0o100_755, binary)
}

/// A zip holding `binary` as the file `NAME` of the Unix mode `mode`, stored and dated
/// 1980-01-01 00:00.
fn zip_one(name: &[u8], mode: u32, binary: &[u8]) -> Vec<u8> {
    // 1980-01-01 00:00:00 in MS-DOS time and date.
    const TIME: u16 = 0;
    const DATE: u16 = (1 << 5) | 1;
    let crc = crc32(binary);
    // A binary over 4 GiB would need ZIP64; Lambda takes at most 250 MB unzipped.
    let size = u32::try_from(binary.len()).unwrap_or(u32::MAX);
    let name_len = u16::try_from(name.len()).unwrap_or(0);
    let mut out = Vec::with_capacity(binary.len() + 200);
    // Local file header.
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // version needed
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&0u16.to_le_bytes()); // stored
    out.extend_from_slice(&TIME.to_le_bytes());
    out.extend_from_slice(&DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra
    out.extend_from_slice(name);
    out.extend_from_slice(binary);
    let central = u32::try_from(out.len()).unwrap_or(u32::MAX);
    // Central directory entry, made on Unix (3) so that the mode is read.
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // version made by
    out.extend_from_slice(&20u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&TIME.to_le_bytes());
    out.extend_from_slice(&DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out.extend_from_slice(&0u16.to_le_bytes()); // disk
    out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
    out.extend_from_slice(&(mode << 16).to_le_bytes()); // e.g. 0o100755: a regular file, rwxr-xr-x
    out.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    out.extend_from_slice(name);
    let central_len = u32::try_from(out.len()).unwrap_or(u32::MAX) - central;
    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_ieee_checksum() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn the_zip_holds_bootstrap_executable_and_depends_only_on_the_binary() {
        let zip = zip_bootstrap(b"#!/bin/sh\necho hi\n");
        assert_eq!(zip, zip_bootstrap(b"#!/bin/sh\necho hi\n"));
        assert_ne!(zip, zip_bootstrap(b"#!/bin/sh\necho ho\n"));
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(&zip[30..39], b"bootstrap");
        // The central directory says: made on Unix, mode 0755.
        let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        assert_eq!(zip[central + 5], 3);
        let mode = u32::from_le_bytes(zip[central + 38..central + 42].try_into().unwrap());
        assert_eq!(mode >> 16, 0o100_755);
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
    }

    /// The first bytes of a 64-bit little-endian ELF executable of the machine `machine`.
    fn elf(machine: u16) -> Vec<u8> {
        let mut head = vec![0u8; 64];
        head[..4].copy_from_slice(b"\x7fELF");
        head[4] = 2;
        head[5] = 1;
        head[18..20].copy_from_slice(&machine.to_le_bytes());
        head
    }

    #[test]
    fn a_zip_lambda_cannot_start_is_refused_and_one_it_can_passes() {
        let x86 = Architecture::X86_64;
        assert_eq!(zip_problem(&zip_bootstrap(&elf(62)), x86), None);
        assert_eq!(
            zip_problem(&zip_bootstrap(b"#!/bin/sh\n"), Architecture::Arm64),
            None
        );
        // A link to the executable inside the package passes.
        let linked = written(&[
            ("bootstrap", Kind::Link(b"bin/app"), &[]),
            ("bin/app", Kind::File(0o755, STORED), &elf(62)),
        ]);
        assert_eq!(zip_problem(&linked, x86), None);
        for (zip, arch, needle) in [
            (zip_bootstrap(&elf(183)), x86, "built for arm64"),
            (
                zip_bootstrap(&elf(62)),
                Architecture::Arm64,
                "built for x86-64",
            ),
            (
                zip_one(b"worker", 0o100_755, b"x"),
                x86,
                "holds no file `bootstrap`",
            ),
            (
                zip_one(b"app/bootstrap", 0o100_755, b"x"),
                x86,
                "holds no file `bootstrap`",
            ),
            (zip_one(b"bootstrap", 0o100_644, b"x"), x86, "mode 644"),
            (
                zip_one(b"bootstrap", 0o120_777, b"/etc/passwd"),
                x86,
                "a link",
            ),
        ] {
            let problem = zip_problem(&zip, arch).unwrap_or_default();
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
        // Central and local headers that both say the content unpacks to more than 250 MB.
        let mut big = zip_bootstrap(b"x");
        let over = u32::try_from(LAMBDA_UNZIPPED_MAX + 1).unwrap();
        big[22..26].copy_from_slice(&over.to_le_bytes());
        let central = big.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        big[central + 24..central + 28].copy_from_slice(&over.to_le_bytes());
        let problem = zip_problem(&big, x86).unwrap_or_default();
        assert!(problem.contains("unpacks to 262144001 bytes"), "{problem}");
        // A central directory cut short is not a zip.
        let mut cut = zip_bootstrap(b"x");
        let end = cut.len() - 22;
        cut[end + 16..end + 20].copy_from_slice(&3u32.to_le_bytes());
        assert!(zip_problem(&cut, x86).is_some());
    }

    const STORED: zip::CompressionMethod = zip::CompressionMethod::Stored;
    const DEFLATED: zip::CompressionMethod = zip::CompressionMethod::Deflated;

    /// What an entry of [`written`] is.
    enum Kind<'a> {
        /// A file of this Unix mode, compressed so.
        File(u32, zip::CompressionMethod),
        /// A link to this target.
        Link(&'a [u8]),
        /// A folder.
        Folder,
    }

    /// A zip written by the `zip` crate: a reader's test of zips that tools write.
    fn written(entries: &[(&str, Kind<'_>, &[u8])]) -> Vec<u8> {
        written_with(entries, false)
    }

    /// [`written`], each entry with ZIP64 extra fields when `zip64`.
    fn written_with(entries: &[(&str, Kind<'_>, &[u8])], zip64: bool) -> Vec<u8> {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, kind, bytes) in entries {
            let options = SimpleFileOptions::default().large_file(zip64);
            match kind {
                Kind::File(mode, method) => {
                    zip.start_file(
                        *name,
                        options.unix_permissions(*mode).compression_method(*method),
                    )
                    .unwrap();
                    zip.write_all(bytes).unwrap();
                }
                Kind::Link(target) => {
                    zip.add_symlink(*name, String::from_utf8_lossy(target), options)
                        .unwrap();
                }
                Kind::Folder => zip.add_directory(*name, options).unwrap(),
            }
        }
        zip.finish().unwrap().into_inner()
    }

    /// One entry of a zip built byte by byte, for the spellings that zip tools do not write.
    struct Raw<'a> {
        name: &'a [u8],
        /// The local header's name, when it differs from the central one.
        local_name: Option<&'a [u8]>,
        /// `version made by`: the system in the upper byte.
        made_by: u16,
        external: u32,
        flags: u16,
        method: u16,
        /// The (compressed) bytes, and the size that they unpack to.
        data: &'a [u8],
        size: u32,
        crc: u32,
        /// The local header's compressed size, when it differs from the central one.
        local_size: Option<u32>,
        /// Extra fields, in both headers.
        extra: Vec<u8>,
    }

    impl<'a> Raw<'a> {
        /// A stored file `name` of the Unix mode `mode`, holding `data`.
        fn file(name: &'a [u8], mode: u32, data: &'a [u8]) -> Self {
            Raw {
                name,
                local_name: None,
                made_by: (3 << 8) | 20,
                external: mode << 16,
                flags: 0,
                method: 0,
                data,
                size: u32::try_from(data.len()).unwrap(),
                crc: crc32(data),
                local_size: None,
                extra: Vec::new(),
            }
        }
    }

    /// A zip of `entries`, as their fields say.
    fn raw_zip(entries: &[Raw<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        let u16s = |v: usize| u16::try_from(v).unwrap().to_le_bytes();
        for e in entries {
            let offset = u32::try_from(out.len()).unwrap();
            let compressed = u32::try_from(e.data.len()).unwrap();
            let local_name = e.local_name.unwrap_or(e.name);
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&e.flags.to_le_bytes());
            out.extend_from_slice(&e.method.to_le_bytes());
            out.extend_from_slice(&[0, 0, 0x21, 0]);
            out.extend_from_slice(&e.crc.to_le_bytes());
            out.extend_from_slice(&e.local_size.unwrap_or(compressed).to_le_bytes());
            out.extend_from_slice(&e.size.to_le_bytes());
            out.extend_from_slice(&u16s(local_name.len()));
            out.extend_from_slice(&u16s(e.extra.len()));
            out.extend_from_slice(local_name);
            out.extend_from_slice(&e.extra);
            out.extend_from_slice(e.data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&e.made_by.to_le_bytes());
            central.extend_from_slice(&20u16.to_le_bytes());
            central.extend_from_slice(&e.flags.to_le_bytes());
            central.extend_from_slice(&e.method.to_le_bytes());
            central.extend_from_slice(&[0, 0, 0x21, 0]);
            central.extend_from_slice(&e.crc.to_le_bytes());
            central.extend_from_slice(&compressed.to_le_bytes());
            central.extend_from_slice(&e.size.to_le_bytes());
            central.extend_from_slice(&u16s(e.name.len()));
            central.extend_from_slice(&u16s(e.extra.len()));
            central.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
            central.extend_from_slice(&e.external.to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(e.name);
            central.extend_from_slice(&e.extra);
        }
        let start = u32::try_from(out.len()).unwrap();
        let length = u32::try_from(central.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&u16s(entries.len()));
        out.extend_from_slice(&u16s(entries.len()));
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// An Info-ZIP Unicode path extra field (0x7075) naming `unicode` in place of `header`.
    fn unicode_path(header: &[u8], unicode: &[u8]) -> Vec<u8> {
        let mut field = 0x7075u16.to_le_bytes().to_vec();
        field.extend_from_slice(&u16::try_from(5 + unicode.len()).unwrap().to_le_bytes());
        field.push(1);
        field.extend_from_slice(&crc32(header).to_le_bytes());
        field.extend_from_slice(unicode);
        field
    }

    /// What is wrong with `zip` for an x86-64 function, `""` when nothing is.
    fn problem(zip: &[u8]) -> String {
        zip_problem(zip, Architecture::X86_64).unwrap_or_default()
    }

    #[test]
    fn a_file_that_is_not_a_zip_is_refused() {
        for bytes in [&b"PK-one"[..], b"", b"\x7fELF not a zip", b"PK\x03\x04"] {
            let problem = problem(bytes);
            assert!(
                problem.starts_with("is not a zip that Lambda could unpack ("),
                "{problem}"
            );
            assert!(problem.ends_with("pack the function's code with a zip tool (`zip -r`)"));
        }
    }

    #[test]
    fn zip64_archives_pass_and_are_checked_like_others() {
        let zip = written_with(&[("bootstrap", Kind::File(0o755, STORED), &elf(62))], true);
        assert!(
            zip.windows(4)
                .any(|w| w == [0x01, 0x00, 0x10, 0x00] || w == [0x01, 0x00, 0x08, 0x00]),
            "the entry carries a ZIP64 extra field"
        );
        assert_eq!(problem(&zip), "");
        let zip = written_with(
            &[("bootstrap", Kind::File(0o755, DEFLATED), &elf(183))],
            true,
        );
        assert!(problem(&zip).contains("built for arm64"));
    }

    #[test]
    fn a_deflated_bootstraps_architecture_is_read() {
        let mut body = elf(62);
        body.extend(std::iter::repeat_n(0u8, 4096));
        let zip = written(&[("bootstrap", Kind::File(0o755, DEFLATED), &body)]);
        assert!(zip.len() < body.len(), "deflated");
        assert_eq!(problem(&zip), "");
        let problem_ = zip_problem(&zip, Architecture::Arm64).unwrap_or_default();
        assert!(
            problem_.contains("is built for x86-64, and the function runs on arm64"),
            "{problem_}"
        );
        let script = written(&[(
            "bootstrap",
            Kind::File(0o755, DEFLATED),
            b"#!/bin/sh\nexec ./app\n",
        )]);
        assert_eq!(problem(&script), "");
    }

    #[test]
    fn names_compare_as_they_unpack() {
        // Flag bit 11 (UTF-8 names) changes nothing of an ASCII name.
        let mut utf8 = Raw::file(b"bootstrap", 0o100_755, b"#!/bin/sh\n");
        utf8.flags = 0x0800;
        assert_eq!(problem(&raw_zip(&[utf8])), "");
        // Unicode names of other files pass, the writer's (bit 11) and a Unicode path field's.
        let zip = written(&[
            ("bootstrap", Kind::File(0o755, STORED), b"#!/bin/sh\n"),
            ("données/résumé.txt", Kind::File(0o644, DEFLATED), b"x"),
        ]);
        assert_eq!(problem(&zip), "");
        let mut cafe = Raw::file(b"caf\x82.txt", 0o100_644, b"x");
        cafe.extra = unicode_path(b"caf\x82.txt", "café.txt".as_bytes());
        let zip = raw_zip(&[Raw::file(b"bootstrap", 0o100_755, b"#!/bin/sh\n"), cafe]);
        assert_eq!(problem(&zip), "");
        // `./bootstrap` and `bootstrap\0…` unpack as `bootstrap`.
        assert_eq!(
            problem(&zip_one(b"./bootstrap", 0o100_755, b"#!/bin/sh\n")),
            ""
        );
        assert_eq!(
            problem(&zip_one(b"bootstrap\0.txt", 0o100_755, b"#!/bin/sh\n")),
            ""
        );
        // Case counts, and the message says so.
        let problem_ = problem(&zip_one(b"Bootstrap", 0o100_755, b"#!/bin/sh\n"));
        assert!(
            problem_.contains("holds no file `bootstrap` at its root")
                && problem_.contains("(it holds `Bootstrap`: the runtime starts `bootstrap` at the root, spelled exactly so)"),
            "{problem_}"
        );
        // A Unicode path field that renames an entry from or to `bootstrap`: the `zip` crate
        // refuses another name, and hipaa-stack another spelling of one.
        let script = b"#!/bin/sh\n".as_slice();
        for (header, unicode, needle) in [
            (
                &b"bootstrap"[..],
                &b"other"[..],
                "changes file name path components",
            ),
            (b"helper", b"bootstrap", "changes file name path components"),
            (
                b"BOOTSTRAP",
                b"bootstrap",
                "which unzip tools may or may not unpack as `bootstrap`",
            ),
            (
                b"bootstrap",
                b"Bootstrap",
                "which unzip tools may or may not unpack as `bootstrap`",
            ),
        ] {
            let mut renamed = Raw::file(header, 0o100_755, script);
            renamed.extra = unicode_path(header, unicode);
            let problem = problem(&raw_zip(&[renamed]));
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
        // `\` between folders: Windows' separator or a character of a Linux name.
        let problem_ = problem(&zip_one(b".\\bootstrap", 0o100_755, b"#!/bin/sh\n"));
        assert!(
            problem_.contains("may or may not unpack as `bootstrap`"),
            "{problem_}"
        );
        // Out of the function's folder.
        for name in [
            &b"/bootstrap"[..],
            b"../bootstrap",
            b"lib/../../x",
            b"a/../bootstrap",
        ] {
            let zip = raw_zip(&[
                Raw::file(b"bootstrap", 0o100_755, b"#!/bin/sh\n"),
                Raw::file(name, 0o100_644, b"x"),
            ]);
            let problem = problem(&zip);
            assert!(
                problem.contains("a path out of the function's folder"),
                "{problem}"
            );
        }
    }

    #[test]
    fn two_entries_that_unpack_to_one_path_are_refused() {
        let script = b"#!/bin/sh\n".as_slice();
        let twice = raw_zip(&[
            Raw::file(b"bootstrap", 0o100_755, script),
            Raw::file(b"bootstrap", 0o100_644, script),
        ]);
        let problem_ = problem(&twice);
        assert!(
            problem_.contains("holds two entries of the same name"),
            "{problem_}"
        );
        for (second, needle) in [
            (&b"./bootstrap"[..], "which both unpack to `bootstrap`"),
            (b"bootstrap/", "which both unpack to `bootstrap`"),
            (b"bootstrap\0x", "which both unpack to `bootstrap`"),
            (
                b"bootstrap/x",
                "in `bootstrap`, which it also holds as a file or a link",
            ),
        ] {
            let zip = raw_zip(&[
                Raw::file(b"bootstrap", 0o100_755, script),
                Raw::file(second, 0o100_644, b"x"),
            ]);
            let problem = problem(&zip);
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
        // Files through a link to a folder.
        let zip = written(&[
            ("bootstrap", Kind::File(0o755, STORED), script),
            ("lib", Kind::Link(b"/etc"), &[]),
            ("lib/cron.d", Kind::File(0o644, STORED), b"x"),
        ]);
        assert!(problem(&zip).contains("which it also holds as a file or a link"));
        // A folder and the files in it pass.
        let zip = written(&[
            ("bin/", Kind::Folder, &[]),
            ("bin/app", Kind::File(0o755, DEFLATED), &elf(62)),
            ("bootstrap", Kind::Link(b"bin/app"), &[]),
        ]);
        assert_eq!(problem(&zip), "");
    }

    #[test]
    fn bootstrap_must_be_an_executable_file_or_a_link_to_one_in_the_package() {
        let script = b"#!/bin/sh\n".as_slice();
        // A folder, by its name or by its mode.
        let zip = written(&[("bootstrap/", Kind::Folder, &[])]);
        assert!(problem(&zip).contains("holds `bootstrap/` as a folder"));
        let zip = zip_one(b"bootstrap", 0o040_755, script);
        assert!(problem(&zip).contains("holds `bootstrap` as a folder"));
        // Executable by its owner only: Lambda's user is not.
        assert!(problem(&zip_one(b"bootstrap", 0o100_700, script)).contains("mode 700"));
        // A mode with no file type is a regular file's, as unzip makes it.
        assert_eq!(problem(&zip_one(b"bootstrap", 0o755, script)), "");
        // Packed on MS-DOS or Windows: no Unix mode, no execute permission.
        let mut dos = Raw::file(b"bootstrap", 0, script);
        dos.made_by = 20;
        dos.external = 0x20;
        let problem_ = problem(&raw_zip(&[dos]));
        assert!(problem_.contains("records no Unix mode"), "{problem_}");
        // PKZIP for Unix: MS-DOS's system, and a Unix mode that agrees with its attributes.
        let mut pkzip = Raw::file(b"bootstrap", 0, script);
        pkzip.made_by = 20;
        // Info-ZIP keeps that mode only when its owner may read and write and not execute,
        // as MS-DOS's attributes say: an executable unpacks as 666.
        pkzip.external = (0o100_755 << 16) | 0x20;
        assert!(problem(&raw_zip(&[pkzip])).contains("mode 666 (packed on a system"));
        let mut pkzip = Raw::file(b"bootstrap", 0, script);
        pkzip.made_by = 20;
        pkzip.external = (0o100_644 << 16) | 0x20;
        let problem_ = problem(&raw_zip(&[pkzip]));
        assert!(problem_.contains("with the mode 644, which"), "{problem_}");
        let mut pklink = Raw::file(b"bootstrap", 0, b"/etc/passwd");
        pklink.made_by = 20;
        pklink.external = (0o120_644 << 16) | 0x20;
        assert!(problem(&raw_zip(&[pklink])).contains("as a link out of the function's code"));
        // Links are followed: the target's mode and architecture are checked.
        for (target, mode, body, needle) in [
            (
                "bin/app",
                0o644,
                elf(62),
                "holds `bin/app` with the mode 644",
            ),
            ("bin/app", 0o755, elf(183), "built for arm64"),
            (
                "bin/other",
                0o755,
                elf(62),
                "a link to `bin/app`, which the zip does not hold",
            ),
        ] {
            let zip = written(&[
                ("bootstrap", Kind::Link(b"bin/app"), &[]),
                (target, Kind::File(mode, DEFLATED), &body),
            ]);
            let problem = problem(&zip);
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
        // A link through `..` that stays in the package passes; one that leaves it does not.
        let zip = written(&[
            ("bin/", Kind::Folder, &[]),
            ("bootstrap", Kind::Link(b"bin/../app"), &[]),
            ("app", Kind::File(0o755, STORED), &elf(62)),
        ]);
        assert_eq!(problem(&zip), "");
        let zip = written(&[
            ("bin/", Kind::Folder, &[]),
            ("bootstrap", Kind::Link(b"bin/../../etc/passwd"), &[]),
        ]);
        assert!(problem(&zip).contains("a link out of the function's code"));
        // Through a folder the zip does not hold, Linux finds nothing (hostile review 23).
        let zip = written(&[
            ("bootstrap", Kind::Link(b"bin/../app"), &[]),
            ("app", Kind::File(0o755, STORED), &elf(62)),
        ]);
        let problem_ = problem(&zip);
        assert!(
            problem_.contains("which the zip does not hold (it has no `bin`)"),
            "{problem_}"
        );
        // A loop of links.
        let zip = written(&[
            ("bootstrap", Kind::Link(b"a"), &[]),
            ("a", Kind::Link(b"bootstrap"), &[]),
        ]);
        assert!(problem(&zip).contains("a chain of more than 40 links"));
    }

    /// Hostile review 23: links are followed as Linux follows them, through links to
    /// folders and links to links, at most 40 in all.
    #[test]
    fn links_resolve_as_linux_resolves_them() {
        // A link to a link to the executable passes, as does one through a link to a folder,
        // and `..` after that link leaves the folder it led to, not the link's.
        for entries in [
            vec![
                ("bootstrap", Kind::Link(b"current"), &[][..]),
                ("current", Kind::Link(b"bin/app"), &[]),
                ("bin/app", Kind::File(0o755, DEFLATED), &elf(62)[..]),
            ],
            vec![
                ("bootstrap", Kind::Link(b"current/app"), &[][..]),
                ("current", Kind::Link(b"releases/v2"), &[]),
                ("releases/v2/app", Kind::File(0o755, STORED), &elf(62)[..]),
            ],
            vec![
                ("bootstrap", Kind::Link(b"current/../app"), &[][..]),
                ("current", Kind::Link(b"releases/v2/"), &[]),
                ("releases/v2/lib", Kind::File(0o644, STORED), b"x"),
                ("releases/app", Kind::File(0o755, STORED), &elf(62)[..]),
                ("app", Kind::File(0o755, STORED), &elf(183)[..]),
            ],
            vec![
                ("bootstrap", Kind::Link(b"./bin//./run"), &[][..]),
                ("bin/run", Kind::Link(b"../lib/app"), &[]),
                ("lib/app", Kind::File(0o755, STORED), &elf(62)[..]),
            ],
        ] {
            let zip = written(&entries);
            assert_eq!(
                problem(&zip),
                "",
                "{:?}",
                entries.iter().map(|e| e.0).collect::<Vec<_>>()
            );
        }
        // The target's own checks apply at the end of the chain.
        let zip = written(&[
            ("bootstrap", Kind::Link(b"current/app"), &[]),
            ("current", Kind::Link(b"releases/v2"), &[]),
            ("releases/v2/app", Kind::File(0o755, STORED), &elf(183)),
        ]);
        assert!(problem(&zip).contains("built for arm64"));
        // 40 links in all pass; 41 do not.
        let chain = |links: usize| {
            let names: Vec<String> = (0..links).map(|i| format!("l{i}")).collect();
            let mut entries: Vec<(&str, Kind<'_>, &[u8])> = Vec::new();
            for (i, name) in names.iter().enumerate() {
                let target = names.get(i + 1).map_or(&b"app"[..], |next| next.as_bytes());
                let name = if i == 0 { "bootstrap" } else { name.as_str() };
                entries.push((name, Kind::Link(target), &[]));
            }
            let body = elf(62);
            entries.push(("app", Kind::File(0o755, STORED), &body));
            written(&entries)
        };
        assert_eq!(problem(&chain(40)), "");
        assert!(problem(&chain(41)).contains("a chain of more than 40 links"));
        for (entries, needle) in [
            // A loop through a folder.
            (
                vec![
                    ("bootstrap", Kind::Link(b"a/app"), &[][..]),
                    ("a", Kind::Link(b"b"), &[]),
                    ("b", Kind::Link(b"a"), &[]),
                ],
                "a chain of more than 40 links (a loop among them",
            ),
            // Out of the code through `..` after a link.
            (
                vec![
                    ("bootstrap", Kind::Link(b"up/../../etc/passwd"), &[][..]),
                    ("up", Kind::Link(b"."), &[]),
                ],
                "a link out of the function's code",
            ),
            (
                vec![
                    ("bootstrap", Kind::Link(b"etc/passwd"), &[][..]),
                    ("etc", Kind::Link(b"/etc"), &[]),
                ],
                "holds `etc` as a link out of the function's code",
            ),
            // Through a file as if it were a folder.
            (
                vec![
                    ("bootstrap", Kind::Link(b"app/x"), &[][..]),
                    ("app", Kind::File(0o755, STORED), &elf(62)[..]),
                ],
                "which goes through `app`, a file and not a folder",
            ),
            (
                vec![
                    ("bootstrap", Kind::Link(b"app/"), &[][..]),
                    ("app", Kind::File(0o755, STORED), &elf(62)[..]),
                ],
                "which goes through `app`, a file and not a folder",
            ),
            // To a folder: one the zip holds, one it makes for the files in it, or the root.
            (
                vec![
                    ("bootstrap", Kind::Link(b"."), &[][..]),
                    ("app", Kind::File(0o755, STORED), &elf(62)[..]),
                ],
                "as a link to the folder `.`",
            ),
            (
                vec![
                    ("bootstrap", Kind::Link(b"bin"), &[][..]),
                    ("bin/", Kind::Folder, &[]),
                ],
                "holds `bin/` as a folder",
            ),
            (
                vec![
                    ("bootstrap", Kind::Link(b"current"), &[][..]),
                    ("current", Kind::Link(b"bin"), &[]),
                    ("bin/app", Kind::File(0o755, STORED), &elf(62)[..]),
                ],
                "as a link to the folder `bin`",
            ),
            // To what the zip lacks, named by the last link.
            (
                vec![
                    ("bootstrap", Kind::Link(b"current/app"), &[][..]),
                    ("current", Kind::Link(b"releases/v3"), &[]),
                    ("releases/v2/app", Kind::File(0o755, STORED), &elf(62)[..]),
                ],
                "holds `current` as a link to `releases/v3`, which the zip does not hold (it has no `releases/v3`)",
            ),
        ] {
            let problem = problem(&written(&entries));
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
    }

    /// Hostile review 23: two entries that unzip tools may unpack to one path, whichever
    /// the entries (not only `bootstrap`), are refused naming both.
    #[test]
    fn any_two_entries_that_may_unpack_to_one_path_are_refused() {
        let script = b"#!/bin/sh\n".as_slice();
        for (first, second, needle) in [
            (
                &b"lib/x"[..],
                &b"lib//x"[..],
                "which both unpack to `lib/x`",
            ),
            (b"a", b"./a", "which both unpack to `a`"),
            (b"a/b", b"a/./b", "which both unpack to `a/b`"),
            (b"lib/x", b"lib/x\0.so", "which both unpack to `lib/x`"),
            (
                b"lib\\x",
                b"lib/x",
                "holds `lib\\\\x` and `lib/x`, which unzip tools may both unpack to `lib/x`",
            ),
            (
                b"lib/x",
                b"lib\\x",
                "holds `lib/x` and `lib\\\\x`, which unzip tools may both unpack to `lib/x`",
            ),
            (
                b"lib\\x",
                b".\\lib//x",
                "which unzip tools may both unpack to `lib/x`",
            ),
            // A file, and an entry in it as a folder.
            (
                b"lib",
                b"lib\\x",
                "holds `lib\\\\x` in `lib`, which it also holds as a file or a link",
            ),
            (
                b"lib\\x",
                b"lib\\x/y",
                "which it also holds as a file or a link",
            ),
            // Out of the folder when `\\` separates folders.
            (b"lib/x", b"..\\x", "a path out of the function's folder"),
            (
                b"lib/x",
                b"lib\\..\\..\\x",
                "a path out of the function's folder",
            ),
        ] {
            let zip = raw_zip(&[
                Raw::file(b"bootstrap", 0o100_755, script),
                Raw::file(first, 0o100_644, b"x"),
                Raw::file(second, 0o100_644, b"y"),
            ]);
            let problem = problem(&zip);
            assert!(problem.contains(needle), "{needle}: {problem}");
        }
        // An Info-ZIP Unicode path renames an entry, and tools that do not read it unpack it
        // as the header's name, which another entry holds.
        let mut renamed = Raw::file(b"lib/caf\x82", 0o100_644, b"x");
        renamed.extra = unicode_path(b"lib/caf\x82", "lib/café".as_bytes());
        let zip = raw_zip(&[
            Raw::file(b"bootstrap", 0o100_755, script),
            renamed,
            Raw::file(b"lib/caf\x82", 0o100_644, b"y"),
        ]);
        let problem_ = problem(&zip);
        assert!(
            problem_.contains("which unzip tools may both unpack to `lib/caf\u{fffd}`"),
            "{problem_}"
        );
        // Names with `\\` in them that no other entry may meet pass, as do folders of them.
        let zip = raw_zip(&[
            Raw::file(b"bootstrap", 0o100_755, script),
            Raw::file(b"docs\\readme.txt", 0o100_644, b"x"),
            Raw::file(b"docs/guide.txt", 0o100_644, b"y"),
            Raw::file(b"lib/x", 0o100_644, b"z"),
        ]);
        assert_eq!(problem(&zip), "");
    }

    /// `zip` (one [`raw_zip`] wrote) with a ZIP64 end record carrying `extensible` bytes,
    /// its locator pointing at it, and a ZIP32 record that counts `count32` entries and
    /// leaves the directory's size and offset to the ZIP64 record (`0xFFFFFFFF`).
    fn with_zip64_end(zip: &[u8], extensible: &[u8], count32: u16) -> Vec<u8> {
        let record = zip.len() - 22;
        let field = |at: usize, n: usize| {
            let mut bytes = [0u8; 8];
            bytes[..n].copy_from_slice(&zip[record + at..record + at + n]);
            u64::from_le_bytes(bytes)
        };
        let (count, size, start) = (field(10, 2), field(12, 4), field(16, 4));
        let mut out = zip[..record].to_vec();
        let at = u64::try_from(out.len()).unwrap();
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&(44 + u64::try_from(extensible.len()).unwrap()).to_le_bytes());
        out.extend_from_slice(&[45, 3, 45, 0]); // made by (Unix), needed
        out.extend_from_slice(&[0; 8]); // this disk, the directory's disk
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(extensible);
        out.extend_from_slice(b"PK\x06\x07\0\0\0\0");
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count32.to_le_bytes());
        out.extend_from_slice(&count32.to_le_bytes());
        out.extend_from_slice(&u32::MAX.to_le_bytes());
        out.extend_from_slice(&u32::MAX.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// Hostile review 24: a ZIP64 end record is read where its locator points (APPNOTE.TXT
    /// 4.3.15), also when extensible data (4.3.14) stands between it and the locator, and
    /// checked like any zip; a locator that points at no record, or a record whose size does
    /// not reach its locator, is refused. A ZIP32 record that counts 0xFFFF entries with no
    /// ZIP64 record counts them.
    #[test]
    fn zip64_end_records_are_read_where_their_locator_points() {
        let extensible: &[u8] = &[0x99, 0x99, 2, 0, 0, 0, 1, 2];
        let zip = raw_zip(&[Raw::file(b"bootstrap", 0o100_755, &elf(62))]);
        for (data, count32) in [(&[][..], 0xFFFF), (extensible, 0xFFFF), (extensible, 1)] {
            let zip64 = with_zip64_end(&zip, data, count32);
            assert_eq!(problem(&zip64), "", "{data:?} {count32}");
            let arm = with_zip64_end(
                &raw_zip(&[Raw::file(b"bootstrap", 0o100_755, &elf(183))]),
                data,
                count32,
            );
            assert!(problem(&arm).contains("built for arm64"), "{data:?}");
        }
        let record_and_locator = 22 + 20 + 56 + extensible.len();
        let mut astray = with_zip64_end(&zip, extensible, 0xFFFF);
        let locator = astray.len() - 42;
        let pointed = u64::from_le_bytes(astray[locator + 8..locator + 16].try_into().unwrap());
        astray[locator + 8..locator + 16].copy_from_slice(&(pointed + 2).to_le_bytes());
        assert_ne!(problem(&astray), "");
        let mut short = with_zip64_end(&zip, extensible, 0xFFFF);
        let record = short.len() - record_and_locator;
        short[record + 4..record + 12].copy_from_slice(&44u64.to_le_bytes());
        assert_ne!(problem(&short), "");
        let mut counted = zip.clone();
        let record = counted.len() - 22;
        counted[record + 8..record + 12].copy_from_slice(&[0xFF; 4]);
        assert_ne!(problem(&counted), "");
    }

    /// Hostile review 23: a zip whose end-of-central-directory record that unzip tools
    /// read (the last one) is not the one the `zip` crate reads is refused.
    #[test]
    fn a_zip_whose_readers_pick_other_end_records_is_refused() {
        let good = zip_bootstrap(&elf(62));
        let record = good.len() - 22;
        // Two zips end to end, the last record's comment cut short: the `zip` crate skips
        // that record and reads the first zip's (an x86-64 `bootstrap`), where unzip tools
        // read the last one's (arm64).
        let mut hidden = good.clone();
        hidden.extend_from_slice(&zip_bootstrap(&elf(183)));
        let last = hidden.len() - 22;
        hidden[last + 20..last + 22].copy_from_slice(&100u16.to_le_bytes());
        let problem_ = problem(&hidden);
        assert!(
            problem_.contains(
                "has 2 end-of-central-directory record(s), and unzip tools read the last one"
            ) && problem_.contains(&format!("at byte {last},")),
            "{problem_}"
        );
        // A record hidden in the comment of the last record: unzip tools read the last
        // signature, which the crate finds inconsistent and skips.
        let mut commented = good.clone();
        let comment = b"PK\x05\x06 not a record";
        commented[record + 20..record + 22]
            .copy_from_slice(&u16::try_from(comment.len()).unwrap().to_le_bytes());
        commented.extend_from_slice(comment);
        let problem_ = problem(&commented);
        assert!(
            problem_.contains("end-of-central-directory record"),
            "{problem_}"
        );
        // More than 64 KiB after the record: unzip tools do not find it.
        let mut trailing = good.clone();
        trailing.extend(std::iter::repeat_n(0u8, 70_000));
        let problem_ = problem(&trailing);
        assert!(
            problem_.contains("has no end-of-central-directory record in its last 65557 bytes")
                || problem_.contains("Could not find EOCD"),
            "{problem_}"
        );
        // A zip stored in the zip (a signature in its data, before the last record) and a
        // comment pass.
        let inner = zip_bootstrap(b"#!/bin/sh\n");
        let zip = raw_zip(&[
            Raw::file(b"bootstrap", 0o100_755, &elf(62)),
            Raw::file(b"inner.zip", 0o100_644, &inner),
        ]);
        assert_eq!(problem(&zip), "");
        let mut with_comment = good.clone();
        with_comment[record + 20..record + 22].copy_from_slice(&5u16.to_le_bytes());
        with_comment.extend_from_slice(b"hello");
        assert_eq!(problem(&with_comment), "");
    }

    #[test]
    fn entries_that_unzip_tools_would_read_differently_are_refused() {
        let script = b"#!/bin/sh\n".as_slice();
        // Encrypted (traditional PKWARE encryption's flag).
        let mut secret = Raw::file(b"bootstrap", 0o100_755, script);
        secret.flags = 1;
        assert!(problem(&raw_zip(&[secret])).contains("holds `bootstrap` encrypted"));
        // Compressed in a way that is neither stored nor deflated (bzip2).
        let mut bzip2 = Raw::file(b"bootstrap", 0o100_755, script);
        bzip2.method = 12;
        assert!(problem(&raw_zip(&[bzip2])).contains("which hipaa-stack does not read"));
        // A local header of another name or another size than the central directory's.
        let mut renamed = Raw::file(b"bootstrap", 0o100_755, script);
        renamed.local_name = Some(b"bootstrax");
        let mut resized = Raw::file(b"bootstrap", 0o100_755, script);
        resized.local_size = Some(3);
        for zip in [raw_zip(&[renamed]), raw_zip(&[resized])] {
            let problem = problem(&zip);
            assert!(
                problem.starts_with("has local headers that disagree with its central directory"),
                "{problem}"
            );
        }
        // Sizes that lie in both headers: the bytes are unpacked and checked.
        let mut body = elf(62);
        body.extend(std::iter::repeat_n(7u8, 100_000));
        let mut zip = written(&[("bootstrap", Kind::File(0o755, DEFLATED), &body)]);
        zip[22..26].copy_from_slice(&100u32.to_le_bytes());
        let central = zip.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        zip[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
        let problem_ = problem(&zip);
        assert!(problem_.contains("which cannot be unpacked"), "{problem_}");
        // Two zips end to end: the last central directory lists the second's `bootstrap`,
        // and a reader of local headers from the start meets the first's.
        let mut both = zip_bootstrap(&elf(183));
        both.extend(zip_bootstrap(&elf(62)));
        let problem_ = problem(&both);
        assert!(
            problem_.starts_with("has local headers that disagree with its central directory"),
            "{problem_}"
        );
        // A damaged checksum.
        let mut damaged = Raw::file(b"bootstrap", 0o100_755, script);
        damaged.crc ^= 1;
        assert!(problem(&raw_zip(&[damaged])).contains("the zip is damaged"));
    }

    #[test]
    fn a_streamed_zip_with_data_descriptors_passes() {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new_stream(&mut out);
            zip.start_file(
                "bootstrap",
                SimpleFileOptions::default()
                    .unix_permissions(0o755)
                    .compression_method(DEFLATED),
            )
            .unwrap();
            zip.write_all(&elf(62)).unwrap();
            zip.finish().unwrap();
        }
        assert_eq!(out[6] & 0x08, 0x08, "a data descriptor follows the data");
        assert_eq!(problem(&out), "");
    }

    #[test]
    fn a_built_binary_of_another_architecture_or_over_the_limit_is_refused() {
        assert_eq!(binary_problem(&elf(62), Architecture::X86_64), None);
        assert_eq!(binary_problem(&elf(183), Architecture::Arm64), None);
        let problem = binary_problem(&elf(183), Architecture::X86_64).unwrap_or_default();
        assert!(problem.contains("runs on x86_64"), "{problem}");
        let mut elf32 = elf(3);
        elf32[4] = 1;
        assert!(binary_problem(&elf32, Architecture::X86_64).is_some());
        assert_eq!(oversize(LAMBDA_UNZIPPED_MAX), None);
        let problem = oversize(LAMBDA_UNZIPPED_MAX + 1).unwrap_or_default();
        assert!(problem.contains("at most 262144000 bytes"), "{problem}");
    }

    #[test]
    fn a_zip_without_bootstrap_is_refused_naming_the_function() {
        let dir = tempfile::tempdir().unwrap();
        let code = dir.path().join("worker.zip");
        std::fs::write(&code, zip_one(b"handler", 0o100_755, b"x")).unwrap();
        let err = {
            use crate::prelude::*;
            use crate::{Code, Function};
            let app = App::new("t");
            let stack = app.stack("t").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            stack
                .add(
                    Function::new("Worker", Code::zip(&code))
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            app.build_assets().unwrap_err().to_string()
        };
        assert!(
            err.starts_with("t/Worker: its code could not be built: the zip"),
            "{err}"
        );
        assert!(err.contains("holds no file `bootstrap`"), "{err}");
    }

    /// An app whose function runs the zip `code`, with its asset built.
    fn app_with(code: &Path) -> crate::Assembly {
        use crate::prelude::*;
        use crate::{Code, Function};
        let app = App::new("t");
        let stack = app.stack("t").unwrap();
        let key = stack.add(KmsKey::new("PhiKey")).unwrap();
        let net = stack
            .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
            .unwrap();
        stack
            .add(
                Function::new("Worker", Code::zip(code))
                    .encryption(&key)
                    .network(&net),
            )
            .unwrap();
        let assets = app.build_assets().unwrap();
        app.synth().unwrap().with_assets(assets)
    }

    #[test]
    fn the_out_folder_holds_the_current_zips_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let code = dir.path().join("worker.zip");
        let (one, two) = (
            zip_bootstrap(b"#!/bin/sh\n# one\n"),
            zip_bootstrap(b"#!/bin/sh\n# two\n"),
        );
        std::fs::write(&code, &one).unwrap();
        let first = app_with(&code);
        first.write(&out).unwrap();
        let old = out.join(first.assets()[0].file_name());
        assert_eq!(std::fs::read(&old).unwrap(), one);
        std::fs::write(&code, &two).unwrap();
        let second = app_with(&code);
        second.write(&out).unwrap();
        assert!(!old.exists(), "the previous zip is removed");
        let new = out.join(second.assets()[0].file_name());
        assert_eq!(std::fs::read(&new).unwrap(), two);
        let template = second.stack("t").unwrap().template_json();
        assert!(template.contains(&second.assets()[0].key()));
    }

    #[test]
    fn a_missing_zip_names_the_function() {
        let err = {
            use crate::prelude::*;
            use crate::{Code, Function};
            let app = App::new("t");
            let stack = app.stack("t").unwrap();
            let key = stack.add(KmsKey::new("PhiKey")).unwrap();
            let net = stack
                .add(SecureVpc::new("Net", cidr!("10.20.0.0/16")).encryption(&key))
                .unwrap();
            stack
                .add(
                    Function::new("Worker", Code::zip("/nonexistent/worker.zip"))
                        .encryption(&key)
                        .network(&net),
                )
                .unwrap();
            app.build_assets().unwrap_err().to_string()
        };
        assert!(
            err.starts_with("t/Worker: its code could not be built: cannot read the zip `/nonexistent/worker.zip`"),
            "{err}"
        );
    }
}
