//! `--zig`: linking through Zig's C compiler driver (`zig cc`), which carries the C library's
//! symbol lists of every glibc version and so links a library against an older glibc than the
//! build machine's: `-target x86_64-linux-gnu.2.17` gives a library whose newest symbol version
//! is at most `GLIBC_2.17`, a `manylinux_2_17` wheel from any Linux machine.
//!
//! Zig comes from the Python package `ziglang` (the Zig distribution as a wheel), installed on
//! first use with pip into `<target dir>/hpy-zig/ziglang-<version>` (`CARGO_HPY_ZIG_DIR` names
//! another folder; `CARGO_HPY_ZIG` names a `zig` executable to use instead). Cargo is pointed at
//! a small shell script there that runs `zig cc -target <arch>-linux-gnu.<glibc>` with the
//! linker's arguments (`CARGO_TARGET_<triple>_LINKER`), and each glibc target builds in a target
//! directory of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::platform::Compatibility;

/// The `ziglang` release installed on demand.
pub const ZIGLANG_VERSION: &str = "0.17.1";

/// A linker script for one glibc target.
pub struct Linker {
    /// The script, for `CARGO_TARGET_<triple>_LINKER`.
    pub script: PathBuf,
    /// The environment variable that names it for the host target.
    pub variable: String,
    /// The glibc the library is linked against.
    pub compatibility: Compatibility,
}

/// The host's Linux target: (Rust target triple, Zig's architecture name).
fn host_target() -> Result<(String, &'static str)> {
    if std::env::consts::OS != "linux" {
        bail!("--zig builds manylinux wheels on Linux only");
    }
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        "powerpc64" => "powerpc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => bail!("--zig: no Zig target known for {other}"),
    };
    let triple = match arch {
        "riscv64" => "riscv64gc-unknown-linux-gnu".to_owned(),
        "powerpc64le" => "powerpc64le-unknown-linux-gnu".to_owned(),
        a => format!("{a}-unknown-linux-gnu"),
    };
    Ok((triple, arch))
}

/// The folder holding the installed Zig and the linker scripts.
fn zig_dir(target_directory: &Path) -> PathBuf {
    std::env::var_os("CARGO_HPY_ZIG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_directory.join("hpy-zig"))
}

/// The first of `pythons` that has pip.
fn python_with_pip(pythons: &[PathBuf]) -> Result<&Path> {
    for python in pythons {
        let has_pip = Command::new(python)
            .args(["-m", "pip", "--version"])
            .output()
            .is_ok_and(|o| o.status.success());
        if has_pip {
            return Ok(python);
        }
    }
    let names: Vec<String> = pythons.iter().map(|p| p.display().to_string()).collect();
    bail!(
        "--zig needs Zig, which is installed with pip, but none of {} has pip: install ziglang \
         yourself (`pip install ziglang=={ZIGLANG_VERSION}`) and set CARGO_HPY_ZIG to its `zig` \
         executable (`python -m ziglang env` shows where it is)",
        names.join(", ")
    )
}

/// The `zig` executable: `CARGO_HPY_ZIG`, else the `ziglang` package installed into the Zig
/// folder with `python -m pip` of the first of `pythons` that has pip (installed now if it is not
/// there yet).
fn zig(dir: &Path, pythons: &[PathBuf]) -> Result<PathBuf> {
    if let Some(explicit) = std::env::var_os("CARGO_HPY_ZIG") {
        return Ok(PathBuf::from(explicit));
    }
    let home = dir.join(format!("ziglang-{ZIGLANG_VERSION}"));
    let zig = home.join("ziglang").join("zig");
    if zig.is_file() {
        return Ok(zig);
    }
    let python = python_with_pip(pythons)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // A folder of this process's own, renamed into place when complete: another `cargo hpy`
    // installing at the same time does not see a half-installed Zig.
    let partial = dir.join(format!(
        ".ziglang-{ZIGLANG_VERSION}.partial-{}",
        std::process::id()
    ));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("removing {}", partial.display()))?;
    }
    eprintln!(
        "    Installing ziglang {ZIGLANG_VERSION} (Zig, for --zig) into {} with {} -m pip",
        home.display(),
        python.display()
    );
    let status = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--target",
        ])
        .arg(&partial)
        .arg(format!("ziglang=={ZIGLANG_VERSION}"))
        .status()
        .with_context(|| format!("running {} -m pip", python.display()))?;
    if !status.success() || !partial.join("ziglang").join("zig").is_file() {
        bail!(
            "--zig needs Zig: installing the package ziglang=={ZIGLANG_VERSION} with `{} -m pip` \
             failed (see above). Install it yourself (`pip install ziglang`) and set CARGO_HPY_ZIG \
             to its `zig` executable (`python -m ziglang env` shows where it is)",
            python.display()
        );
    }
    if let Err(e) = std::fs::rename(&partial, &home) {
        // Another process finished first: use its copy.
        if let Err(cleanup) = std::fs::remove_dir_all(&partial) {
            eprintln!("warning: could not remove {}: {cleanup}", partial.display());
        }
        if !zig.is_file() {
            return Err(e)
                .with_context(|| format!("moving the installed ziglang to {}", home.display()));
        }
    }
    Ok(zig)
}

/// Single-quotes `s` for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Linker {
    /// Installs Zig if needed (with the pip of the first of `pythons` that has one) and writes
    /// the linker script for `compatibility`'s glibc.
    pub fn prepare(
        target_directory: &Path,
        pythons: &[PathBuf],
        compatibility: Compatibility,
    ) -> Result<Linker> {
        let (triple, arch) = host_target()?;
        let dir = zig_dir(target_directory);
        let zig = zig(&dir, pythons)?;
        let zig =
            std::path::absolute(&zig).with_context(|| format!("resolving {}", zig.display()))?;
        let Compatibility(major, minor) = compatibility;
        let target = format!("{arch}-linux-gnu.{major}.{minor}");
        let script = dir.join(format!("cc-{target}"));
        let cache = std::path::absolute(dir.join("cache"))?;
        let text = format!(
            "#!/bin/sh\n# Written by cargo hpy --zig: links with Zig against glibc {major}.{minor}.\n\
             if [ -z \"$ZIG_GLOBAL_CACHE_DIR\" ]; then\n    \
             ZIG_GLOBAL_CACHE_DIR={cache}\n    export ZIG_GLOBAL_CACHE_DIR\nfi\n\
             exec {zig} cc -target {target} \"$@\"\n",
            cache = sh_quote(&cache.display().to_string()),
            zig = sh_quote(&zig.display().to_string()),
        );
        if std::fs::read_to_string(&script).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&script, &text)
                .with_context(|| format!("writing {}", script.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
            }
        }
        let variable = format!(
            "CARGO_TARGET_{}_LINKER",
            triple.to_uppercase().replace('-', "_")
        );
        Ok(Linker {
            script: std::path::absolute(script)?,
            variable,
            compatibility,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting_for_sh() {
        assert_eq!(super::sh_quote("/a b/zig"), "'/a b/zig'");
        assert_eq!(super::sh_quote("it's"), r"'it'\''s'");
    }
}
