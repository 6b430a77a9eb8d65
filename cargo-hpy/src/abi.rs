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

/// The oldest CPython the `hpy` crate's CPython ABI supports.
pub const CPYTHON_ABI_MINIMUM: (u32, u32) = (3, 11);

/// The name of the interpreter's implementation (`cpython`, `pypy`).
pub fn implementation(python: &Path) -> Result<String> {
    Ok(
        python_output(python, "import sys; print(sys.implementation.name)")?
            .trim()
            .to_owned(),
    )
}

/// What `python -c code` prints; an error naming the interpreter (and its stderr) when it cannot
/// be run or fails.
fn python_output(python: &Path, code: &str) -> Result<String> {
    let out = Command::new(python)
        .args(["-c", code])
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The ABI a module is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Abi {
    /// HPy's universal ABI: `<module>.hpy0.so`, loaded by HPy on CPython and PyPy.
    Universal,
    /// An ordinary CPython extension for one CPython version: `<module>.cpython-3XY-<platform>.so`.
    Cpython,
    /// HPy's hybrid ABI: a universal module that also uses the C API of the one interpreter it
    /// is built for (CPython or PyPy), `<module>.hpy0-<tag>.so` (`cp311`, `pypy311-pp73`) plus
    /// its loader; `cargo hpy build` only (not packaged as a wheel yet).
    Hybrid,
}

/// The interpreter a CPython-ABI module is built for.
#[derive(Clone, Debug)]
pub struct Interpreter {
    /// The interpreter's path, as given.
    pub python: PathBuf,
    /// Its `major.minor` version.
    pub version: (u32, u32),
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

    /// The interpreters of `--python`, followed by every CPython [`discover`] finds when
    /// `find` is set (one per Python and ABI tag: an interpreter named with `--python` wins over
    /// a discovered one of the same version). Fails when that leaves none.
    pub fn select(pythons: &[PathBuf], find: Option<Discovery<'_>>) -> Result<Vec<Self>> {
        let Some(discovery) = find else {
            return Self::find_all(pythons);
        };
        let mut chosen: Vec<Self> = pythons
            .iter()
            .map(|p| Self::find(Some(p)))
            .collect::<Result<_>>()?;
        for found in discover(&discovery) {
            if !chosen
                .iter()
                .any(|c| c.python_tag == found.python_tag && c.abi_tag == found.abi_tag)
            {
                chosen.push(found);
            }
        }
        if chosen.is_empty() {
            bail!(
                "--find-interpreter found no CPython {}on PATH, in pyenv's versions or in the \
                 folders of {}",
                discovery
                    .requires_python
                    .map(|r| format!("matching requires-python `{r}` "))
                    .unwrap_or_default(),
                discovery
                    .target_directories
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
        }
        chosen.sort_by_key(|i| i.version);
        Ok(chosen)
    }

    /// The Cargo target directory of builds for this interpreter:
    /// `<target dir>/hpy-abi/<cache tag>`.
    pub fn target_dir(&self, target_directory: &Path) -> PathBuf {
        target_directory.join("hpy-abi").join(&self.cache_tag)
    }

    /// Asks `python` (or `PYO3_PYTHON`, else `python3`) for its extension suffix; refuses an
    /// interpreter that is not CPython.
    pub fn find(python: Option<&Path>) -> Result<Self> {
        let (implementation, found) = Self::query(python)?;
        if implementation != "cpython" {
            bail!(
                "{} is {implementation}, not CPython: CPython extensions (--abi cpython, or a \
                 crate built on PyO3 or pyo3-ffi) are built for CPython; other interpreters load \
                 the universal build",
                found.python.display()
            );
        }
        Ok(found)
    }

    /// The interpreters of a hybrid build (`--python`, else `PYO3_PYTHON`, else `python3`):
    /// CPython or PyPy, whose C API (`cpyext` on PyPy) the module's legacy half uses.
    pub fn find_all_hybrid(pythons: &[PathBuf]) -> Result<Vec<Self>> {
        let one = |p: Option<&Path>| -> Result<Self> {
            let (implementation, found) = Self::query(p)?;
            if implementation != "cpython" && implementation != "pypy" {
                bail!(
                    "{} is {implementation}: the hybrid ABI is built for CPython or PyPy",
                    found.python.display()
                );
            }
            Ok(found)
        };
        if pythons.is_empty() {
            return Ok(vec![one(None)?]);
        }
        pythons.iter().map(|p| one(Some(p))).collect()
    }

    /// The file name suffix of a hybrid-ABI module for this interpreter, as HPy 0.9.0's
    /// `hpy.devel` names it: `.hpy0-<tag>.<ext>`, the tag being the interpreter part of
    /// `EXT_SUFFIX` (`.cpython-311-x86_64-linux-gnu.so` gives `.hpy0-cp311.so`,
    /// `.pypy311-pp73-x86_64-linux-gnu.so` gives `.hpy0-pypy311-pp73.so`).
    pub fn hybrid_suffix(&self) -> String {
        hybrid_suffix(&self.ext_suffix)
    }

    /// The interpreter's implementation name and what it says about itself.
    fn query(python: Option<&Path>) -> Result<(String, Self)> {
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
        let text = python_output(
            &python,
            "import sys, sysconfig; print(sys.implementation.name); \
                 print(sysconfig.get_config_var('EXT_SUFFIX')); print(sys.implementation.cache_tag); \
                 print('%d.%d' % sys.version_info[:2]); \
                 tag = 'cp%d%d' % sys.version_info[:2]; print(tag); \
                 print(tag + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else '') \
                 + ('d' if hasattr(sys, 'gettotalrefcount') else ''))",
        )?;
        let lines: Vec<&str> = text.lines().collect();
        let [implementation, ext_suffix, cache_tag, version, python_tag, abi_tag] =
            lines.as_slice()
        else {
            bail!("unexpected answer from {}: {text}", python.display());
        };
        let version = version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .with_context(|| format!("unexpected version from {}: {version}", python.display()))?;
        Ok((
            implementation.to_string(),
            Interpreter {
                python,
                version,
                ext_suffix: ext_suffix.to_string(),
                cache_tag: cache_tag.to_string(),
                python_tag: python_tag.to_string(),
                abi_tag: abi_tag.to_string(),
            },
        ))
    }
}

/// `.hpy0-<tag>.<ext>` for an interpreter's `EXT_SUFFIX` (see [`Interpreter::hybrid_suffix`]):
/// the tag keeps the parts of the suffix's middle that name the interpreter (two for CPython's
/// `cpython-311` and PyPy's `pypy311-pp73`, one for Windows' `cp311`), with `cpython-` written
/// `cp`, as `hpy.devel.abitag` does.
pub fn hybrid_suffix(ext_suffix: &str) -> String {
    let mut parts = ext_suffix.trim_start_matches('.').split('.');
    let soabi = parts.next().unwrap_or_default();
    let ext = parts.next_back().unwrap_or(std::env::consts::DLL_EXTENSION);
    let pieces: Vec<&str> = soabi.split('-').collect();
    let n = if pieces[0].starts_with("cpython") || pieces[0].starts_with("pypy") {
        2
    } else if pieces[0].starts_with("graalpy") {
        3
    } else if pieces[0].starts_with("cp") {
        1
    } else {
        pieces.len()
    };
    let tag = pieces[..n.min(pieces.len())]
        .join("-")
        .replace("cpython-", "cp");
    format!(".hpy0-{tag}.{ext}")
}

/// Where `--find-interpreter` looks, and which interpreters it keeps.
pub struct Discovery<'a> {
    /// The Cargo target directory and the workspace's `target` folder: their folders'
    /// `bin/python3.N` are the project's provisioned interpreters.
    pub target_directories: Vec<PathBuf>,
    /// The project's `requires-python`, if any: interpreters outside it are left out.
    pub requires_python: Option<&'a pep440_rs::VersionSpecifiers>,
    /// The oldest CPython the build supports (the CPython ABI of the `hpy` crate: 3.11).
    pub minimum: Option<(u32, u32)>,
}

/// The file names `--find-interpreter` tries in a folder: `python3.N` for N up to 30, then
/// `python3`.
fn candidate_names() -> impl Iterator<Item = String> {
    (0..=30)
        .map(|n| format!("python3.{n}"))
        .chain(std::iter::once("python3".to_owned()))
}

/// Every CPython found on `PATH`, among pyenv's versions (`$PYENV_ROOT/versions`, default
/// `~/.pyenv/versions`) and in the folders of the target directories (`<target>/*/bin`, where a
/// project keeps the interpreters it provisions), one per Python and ABI tag (the first found),
/// sorted by version. Left out: other implementations, free-threaded and debug builds (their ABI
/// tags end in `t` or `d`), versions below `minimum` or outside `requires_python`, and
/// candidates that fail to run (pyenv's shims of versions not selected, for one); each is
/// reported on stderr.
pub fn discover(discovery: &Discovery<'_>) -> Vec<Interpreter> {
    discover_in(&search_dirs(discovery), discovery)
}

/// The folders `--find-interpreter` searches, in order: `PATH`'s, then the `bin` folders of
/// pyenv's versions and of the target directories' folders.
fn search_dirs(discovery: &Discovery<'_>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pyenv")));
    for parent in pyenv_root
        .map(|r| r.join("versions"))
        .into_iter()
        .chain(discovery.target_directories.iter().cloned())
    {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&parent)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

/// The CPythons of [`discover`] among the interpreters in `dirs`.
fn discover_in(dirs: &[PathBuf], discovery: &Discovery<'_>) -> Vec<Interpreter> {
    let mut seen_files = Vec::new();
    let mut found: Vec<Interpreter> = Vec::new();
    let mut considered: Vec<(String, String)> = Vec::new();
    for dir in dirs {
        for name in candidate_names() {
            let path = dir.join(&name);
            if !path.is_file() {
                continue;
            }
            // The same interpreter reached twice (a symlink, a folder listed twice).
            let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen_files.contains(&(real.clone(), dir.clone())) {
                continue;
            }
            seen_files.push((real, dir.clone()));
            let interpreter = match Interpreter::find(Some(&path)) {
                Ok(i) => i,
                Err(_) => continue, // not CPython, or does not run
            };
            let tags = (interpreter.python_tag.clone(), interpreter.abi_tag.clone());
            if considered.contains(&tags) {
                continue;
            }
            considered.push(tags);
            let (major, minor) = interpreter.version;
            let outside_requires_python = discovery.requires_python.filter(|r| {
                !r.contains(&pep440_rs::Version::new([
                    u64::from(major),
                    u64::from(minor),
                ]))
            });
            let why_not = if interpreter.abi_tag != interpreter.python_tag {
                Some(format!(
                    "its ABI is {} (free-threaded or debug build)",
                    interpreter.abi_tag
                ))
            } else if let Some((a, b)) = discovery.minimum.filter(|m| interpreter.version < *m) {
                Some(format!("the CPython ABI needs CPython {a}.{b} or later"))
            } else {
                outside_requires_python.map(|r| format!("the project's requires-python is `{r}`"))
            };
            match why_not {
                Some(why) => eprintln!(
                    "    Skipped {} (CPython {}.{}): {why}",
                    path.display(),
                    interpreter.version.0,
                    interpreter.version.1
                ),
                None => {
                    eprintln!(
                        "    Found CPython {}.{} at {}",
                        interpreter.version.0,
                        interpreter.version.1,
                        path.display()
                    );
                    found.push(interpreter);
                }
            }
        }
    }
    found.sort_by_key(|i| i.version);
    found
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn hybrid_suffix_follows_hpy_devel() {
        for (ext_suffix, want) in [
            (".cpython-311-x86_64-linux-gnu.so", ".hpy0-cp311.so"),
            (".cpython-315-x86_64-linux-gnu.so", ".hpy0-cp315.so"),
            (".cpython-313t-x86_64-linux-gnu.so", ".hpy0-cp313t.so"),
            (".pypy311-pp73-x86_64-linux-gnu.so", ".hpy0-pypy311-pp73.so"),
            (".cpython-312-darwin.so", ".hpy0-cp312.so"),
            (".cp311-win_amd64.pyd", ".hpy0-cp311.pyd"),
        ] {
            assert_eq!(hybrid_suffix(ext_suffix), want, "{ext_suffix}");
        }
    }

    /// A fake interpreter: a shell script answering `Interpreter::find`'s question.
    fn fake(dir: &Path, name: &str, implementation: &str, version: (u32, u32), abi: &str) {
        use std::os::unix::fs::PermissionsExt as _;
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let (a, b) = version;
        let script = format!(
            "#!/bin/sh\nprintf '%s\\n' {implementation} .cpython-{a}{b}-x86_64-linux-gnu.so \
             cpython-{a}{b} {a}.{b} cp{a}{b} {abi}\n"
        );
        let path = bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn discovery_keeps_one_cpython_per_version_within_the_limits() {
        let base = std::env::temp_dir().join(format!("cargo-hpy-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        fake(&base.join("a"), "python3.13", "cpython", (3, 13), "cp313");
        fake(&base.join("b"), "python3.13", "cpython", (3, 13), "cp313"); // the same version again
        fake(&base.join("b"), "python3.12", "cpython", (3, 12), "cp312");
        fake(&base.join("c"), "python3.10", "cpython", (3, 10), "cp310"); // below the minimum
        fake(&base.join("d"), "python3.14", "cpython", (3, 14), "cp314t"); // free-threaded
        fake(&base.join("e"), "python3.11", "pypy", (3, 11), "pp311"); // not CPython
        fake(&base.join("f"), "python3.15", "cpython", (3, 15), "cp315");
        let dirs: Vec<PathBuf> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|d| base.join(d).join("bin"))
            .collect();
        let discovery = |requires_python| Discovery {
            target_directories: Vec::new(),
            requires_python,
            minimum: Some(CPYTHON_ABI_MINIMUM),
        };
        let found = discover_in(&dirs, &discovery(None));
        let tags: Vec<&str> = found.iter().map(|i| i.python_tag.as_str()).collect();
        assert_eq!(tags, ["cp312", "cp313", "cp315"]);
        // The first 3.13 found wins.
        assert!(found[1].python.starts_with(base.join("a")), "{found:?}");
        let specifiers: pep440_rs::VersionSpecifiers = ">=3.12,<3.15".parse().unwrap();
        let found = discover_in(&dirs, &discovery(Some(&specifiers)));
        let tags: Vec<&str> = found.iter().map(|i| i.python_tag.as_str()).collect();
        assert_eq!(tags, ["cp312", "cp313"]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
