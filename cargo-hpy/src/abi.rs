//! `--abi cpython`: building a module as an ordinary CPython extension (the `hpy` crate's
//! `cpython-abi` feature) for one interpreter, named by `--python` (default: `PYO3_PYTHON`, else
//! `python3`). Crates that are CPython extensions of their own (built on PyO3 or `pyo3-ffi`,
//! such as the runtime `hpy-rs-runtime`) are built the same way, per interpreter, by
//! `cargo hpy wheel`.
//!
//! The build is per CPython version (`<module>.cpython-3XY-<platform>.so`, the file name the
//! interpreter's `EXT_SUFFIX` gives), not abi3: the backend uses CPython's non-limited API
//! (inline reference counting, direct list and tuple access), and the interpreter's version
//! selects the declarations `pyo3-ffi` provides. Each interpreter gets its own Cargo target
//! directory (`<target dir>/hpy-abi/<cache tag>`), so that switching between interpreters does
//! not rebuild everything that depends on `pyo3-ffi`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

/// The ABI a module is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Abi {
    /// HPy's universal ABI: `<module>.hpy0.so`, loaded by HPy on CPython and PyPy.
    Universal,
    /// An ordinary CPython extension for one CPython version: `<module>.cpython-3XY-<platform>.so`.
    Cpython,
}

/// The interpreter a CPython-ABI module is built for.
#[derive(Clone, Debug)]
pub struct Interpreter {
    /// The interpreter's path, as given.
    pub python: PathBuf,
    /// `sysconfig.get_config_var("EXT_SUFFIX")`, e.g. `.cpython-311-x86_64-linux-gnu.so`.
    pub ext_suffix: String,
    /// `sys.implementation.cache_tag`, e.g. `cpython-311`.
    pub cache_tag: String,
    /// The wheel's Python tag, e.g. `cp311`.
    pub python_tag: String,
    /// The wheel's ABI tag: the Python tag, with `t` for a free-threaded build and `d` for a
    /// debug build (`cp313t`), as `packaging.tags` computes it.
    pub abi_tag: String,
}

impl Interpreter {
    /// The interpreters `--python` names, in order, or the default one (`PYO3_PYTHON`, else
    /// `python3`) when it names none.
    pub fn find_all(pythons: &[PathBuf]) -> Result<Vec<Self>> {
        if pythons.is_empty() {
            return Ok(vec![Self::find(None)?]);
        }
        pythons.iter().map(|p| Self::find(Some(p))).collect()
    }

    /// The Cargo target directory of builds for this interpreter:
    /// `<target dir>/hpy-abi/<cache tag>`.
    pub fn target_dir(&self, target_directory: &Path) -> PathBuf {
        target_directory.join("hpy-abi").join(&self.cache_tag)
    }

    /// Asks `python` (or `PYO3_PYTHON`, else `python3`) for its extension suffix; refuses an
    /// interpreter that is not CPython.
    pub fn find(python: Option<&Path>) -> Result<Self> {
        let python = match python {
            Some(p) => p.to_path_buf(),
            None => std::env::var_os("PYO3_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("python3")),
        };
        // Absolute, for `pyo3-ffi`'s build script, which runs in another directory.
        let python = if python.components().count() > 1 {
            std::path::absolute(&python)
                .with_context(|| format!("resolving {}", python.display()))?
        } else {
            python
        };
        let out = Command::new(&python)
            .args([
                "-c",
                "import sys, sysconfig; print(sys.implementation.name); \
                 print(sysconfig.get_config_var('EXT_SUFFIX')); print(sys.implementation.cache_tag); \
                 tag = 'cp%d%d' % sys.version_info[:2]; print(tag); \
                 print(tag + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else '') \
                 + ('d' if hasattr(sys, 'gettotalrefcount') else ''))",
            ])
            .output()
            .with_context(|| format!("running {}", python.display()))?;
        if !out.status.success() {
            bail!(
                "{} failed: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        let [implementation, ext_suffix, cache_tag, python_tag, abi_tag] = lines.as_slice() else {
            bail!("unexpected answer from {}: {text}", python.display());
        };
        if *implementation != "cpython" {
            bail!(
                "{} is {implementation}, not CPython: CPython extensions (--abi cpython, or a \
                 crate built on PyO3 or pyo3-ffi) are built for CPython; other interpreters load \
                 the universal build",
                python.display()
            );
        }
        Ok(Interpreter {
            python,
            ext_suffix: ext_suffix.to_string(),
            cache_tag: cache_tag.to_string(),
            python_tag: python_tag.to_string(),
            abi_tag: abi_tag.to_string(),
        })
    }
}
