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
                CodeSource::Zip(file) => std::fs::read(file).map_err(|e| Error::AssetBuild {
                    function: path.clone(),
                    reason: format!("cannot read the zip `{}`: {e}", file.display()),
                })?,
                CodeSource::CargoBin(name) => {
                    let binary = build_binary(name, arch).map_err(|reason| Error::AssetBuild {
                        function: path.clone(),
                        reason,
                    })?;
                    let bytes = std::fs::read(&binary).map_err(|e| Error::AssetBuild {
                        function: path.clone(),
                        reason: format!("cannot read the built binary `{}`: {e}", binary.display()),
                    })?;
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
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
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
    const NAME: &[u8] = b"bootstrap";
    // 1980-01-01 00:00:00 in MS-DOS time and date.
    const TIME: u16 = 0;
    const DATE: u16 = (1 << 5) | 1;
    let crc = crc32(binary);
    // A binary over 4 GiB would need ZIP64; Lambda takes at most 250 MB unzipped.
    let size = u32::try_from(binary.len()).unwrap_or(u32::MAX);
    let name_len = u16::try_from(NAME.len()).unwrap_or(0);
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
    out.extend_from_slice(NAME);
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
    out.extend_from_slice(&((0o100_755u32) << 16).to_le_bytes()); // regular file, rwxr-xr-x
    out.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    out.extend_from_slice(NAME);
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
