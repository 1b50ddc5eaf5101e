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

/// A little-endian `u16` at `at` of `b`.
fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// A little-endian `u32` at `at` of `b`.
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// What is wrong with the zip of a function of `arch` (`provided.al2023`, whose runtime
/// starts the file `bootstrap` at the root of the code): read from its central directory,
/// a zip that unpacks to more than Lambda takes, that holds no `bootstrap` file, whose
/// `bootstrap` was packed on Unix without an execute permission, as a folder or as a link
/// out of the package (`/etc/passwd`, `../x`), or, when it is stored
/// uncompressed, is an ELF file of another instruction set. A file that has no central
/// directory is not read here (Lambda refuses it when the function is created); a ZIP64
/// archive is refused as unreadable.
fn zip_problem(zip: &[u8], arch: Architecture) -> Option<String> {
    const END: &[u8] = b"PK\x05\x06";
    // The end of the central directory: 22 bytes and a comment of up to 65,535.
    let from = zip.len().saturating_sub(22 + 0xFFFF);
    let end = from + zip.get(from..)?.windows(4).rposition(|w| w == END)?;
    let unreadable = || {
        Some("is not a zip that hipaa-stack can read (its central directory is cut short, or it is ZIP64); pack it again without ZIP64".to_owned())
    };
    let (Some(entries), Some(start)) = (le16(zip, end + 10), le32(zip, end + 16)) else {
        return unreadable();
    };
    if entries == 0xFFFF || start == u32::MAX {
        return unreadable();
    }
    let mut at = start as usize;
    let mut unzipped: u64 = 0;
    let mut bootstrap = None;
    for _ in 0..entries {
        if zip.get(at..at + 4) != Some(b"PK\x01\x02".as_slice()) {
            return unreadable();
        }
        let (Some(made_by), Some(method), Some(size), Some(name_len), Some(extra), Some(comment)) = (
            le16(zip, at + 4),
            le16(zip, at + 10),
            le32(zip, at + 24),
            le16(zip, at + 28),
            le16(zip, at + 30),
            le16(zip, at + 32),
        ) else {
            return unreadable();
        };
        let (Some(external), Some(local)) = (le32(zip, at + 38), le32(zip, at + 42)) else {
            return unreadable();
        };
        if size == u32::MAX || local == u32::MAX {
            return unreadable();
        }
        let Some(name) = zip.get(at + 46..at + 46 + usize::from(name_len)) else {
            return unreadable();
        };
        unzipped += u64::from(size);
        if name == b"bootstrap" {
            bootstrap = Some((made_by >> 8, external >> 16, method, size, local));
        }
        at += 46 + usize::from(name_len) + usize::from(extra) + usize::from(comment);
    }
    if unzipped > LAMBDA_UNZIPPED_MAX {
        return Some(format!(
            "unpacks to {unzipped} bytes; Lambda unpacks at most {LAMBDA_UNZIPPED_MAX} bytes (250 MB) of a function's code"
        ));
    }
    let Some((system, mode, method, size, local)) = bootstrap else {
        return Some(
            "holds no file `bootstrap` at its root, which the `provided.al2023` runtime starts; pack the function's executable as `bootstrap`"
                .to_owned(),
        );
    };
    // Stored: its bytes follow the local header as they are.
    let stored = if method == 0 {
        let local = local as usize;
        let (Some(name_len), Some(extra)) = (le16(zip, local + 26), le16(zip, local + 28)) else {
            return unreadable();
        };
        let data = local + 30 + usize::from(name_len) + usize::from(extra);
        let Some(bytes) = zip.get(data..data + size as usize) else {
            return unreadable();
        };
        Some(bytes)
    } else {
        None
    };
    // Made on Unix (3): the upper half of the external attributes is the file's mode.
    if system == 3 && mode != 0 {
        match mode & 0o170_000 {
            0o100_000 if mode & 0o111 == 0 => {
                return Some(format!(
                    "holds `bootstrap` with the mode {:o}, which no one may execute; Lambda could not start it: pack it with mode 0755",
                    mode & 0o7777
                ));
            }
            0o100_000 => {}
            // A link, which Lambda unpacks as one: within the package it may name the
            // executable; out of it (`/etc/passwd`, `../x`) it names no file of the function.
            0o120_000 => {
                let leaves = stored.is_some_and(|target| {
                    target.starts_with(b"/") || target.split(|&b| b == b'/').any(|p| p == b"..")
                });
                return leaves.then(|| {
                    "holds `bootstrap` as a link out of the function's code (an absolute path or one through `..`); pack the executable itself".to_owned()
                });
            }
            _ => {
                return Some(
                    "holds `bootstrap` as a folder or a special file; pack the executable itself as a regular file"
                        .to_owned(),
                );
            }
        }
    }
    stored.and_then(|bytes| elf_problem(&bytes[..bytes.len().min(64)], arch))
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
        // No central directory: not read here (the integration tests' stand-ins).
        assert_eq!(zip_problem(b"PK-one", x86), None);
        // A link to the executable inside the package passes.
        assert_eq!(
            zip_problem(&zip_one(b"bootstrap", 0o120_777, b"bin/app"), x86),
            None
        );
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
        // A central directory that says the content unpacks to more than 250 MB.
        let mut big = zip_bootstrap(b"x");
        let central = big.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        let over = u32::try_from(LAMBDA_UNZIPPED_MAX + 1).unwrap();
        big[central + 24..central + 28].copy_from_slice(&over.to_le_bytes());
        let problem = zip_problem(&big, x86).unwrap_or_default();
        assert!(problem.contains("unpacks to 262144001 bytes"), "{problem}");
        // ZIP64 and a cut central directory are unreadable, not passed.
        let mut zip64 = zip_bootstrap(b"x");
        let end = zip64.len() - 22;
        zip64[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            zip_problem(&zip64, x86)
                .unwrap_or_default()
                .contains("ZIP64")
        );
        let mut cut = zip_bootstrap(b"x");
        cut[end + 16..end + 20].copy_from_slice(&3u32.to_le_bytes());
        let problem = zip_problem(&cut, x86).unwrap_or_default();
        assert!(
            problem.contains("is not a zip that hipaa-stack can read"),
            "{problem}"
        );
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
        std::fs::write(&code, b"one").unwrap();
        let first = app_with(&code);
        first.write(&out).unwrap();
        let old = out.join(first.assets()[0].file_name());
        assert_eq!(std::fs::read(&old).unwrap(), b"one");
        std::fs::write(&code, b"two").unwrap();
        let second = app_with(&code);
        second.write(&out).unwrap();
        assert!(!old.exists(), "the previous zip is removed");
        let new = out.join(second.assets()[0].file_name());
        assert_eq!(std::fs::read(&new).unwrap(), b"two");
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
