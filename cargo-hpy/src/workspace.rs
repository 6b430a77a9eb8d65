//! The workspace as `cargo metadata` and `cargo build` see it: which crates are extensions and
//! of what kind ([`Kind`]), which ones a command works on, and building their libraries (for an
//! interpreter, an ABI, through Zig) with [`Build`].

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _, Result};
use cargo_metadata::{Message, Metadata, MetadataCommand, Package};

use crate::library::Library;
use crate::{abi, artifact, zig, BuildArgs};

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// What kind of Python extension a crate builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An HPy module: a cdylib depending on `hpy`, exporting `HPyInit_<module>`.
    Hpy,
    /// An ordinary CPython extension: a cdylib depending on `pyo3` or `pyo3-ffi` (and not on
    /// `hpy`), exporting `PyInit_<module>`; built per CPython version.
    Cpython,
}

/// The kind of extension `p` builds, if it builds one.
pub fn kind(p: &Package) -> Option<Kind> {
    let cdylib = p
        .targets
        .iter()
        .any(|t| t.crate_types.iter().any(|k| k.to_string() == "cdylib"));
    let depends = |name: &str| p.dependencies.iter().any(|d| d.name == name);
    if !cdylib {
        None
    } else if depends("hpy") {
        Some(Kind::Hpy)
    } else if depends("pyo3") || depends("pyo3-ffi") {
        Some(Kind::Cpython)
    } else {
        None
    }
}

/// Whether a package builds a cdylib and depends on `hpy`.
pub fn is_extension(p: &Package) -> bool {
    kind(p) == Some(Kind::Hpy)
}

pub fn metadata(manifest_path: Option<&Path>) -> Result<Metadata> {
    let mut meta_cmd = MetadataCommand::new();
    meta_cmd.no_deps();
    if let Some(m) = manifest_path {
        meta_cmd.manifest_path(m);
    }
    meta_cmd.exec().context("running `cargo metadata`")
}

/// The crate whose manifest was named with `--manifest-path`, or else the one whose folder holds
/// the current directory (the innermost), if any.
pub fn current_package<'m>(
    meta: &'m Metadata,
    manifest_path: Option<&Path>,
) -> Option<&'m Package> {
    let members = meta.workspace_packages();
    match manifest_path {
        Some(m) => {
            let m = std::fs::canonicalize(m).ok()?;
            members
                .into_iter()
                .find(|p| std::fs::canonicalize(&p.manifest_path).ok().as_ref() == Some(&m))
        }
        None => {
            let cwd = std::env::current_dir().ok()?;
            members
                .into_iter()
                .filter(|p| {
                    p.manifest_path
                        .parent()
                        .is_some_and(|d| cwd.starts_with(d.as_std_path()))
                })
                .max_by_key(|p| p.manifest_path.as_str().len())
        }
    }
}

/// The HPy crates a command works on: those requested, else the current one, else every member
/// that is one. With `cpython_crates`, CPython extension crates ([`Kind::Cpython`]) count too
/// (the packaging commands); `cargo hpy build` builds HPy crates only.
pub fn selected_packages<'m>(
    meta: &'m Metadata,
    requested: &[String],
    manifest_path: Option<&Path>,
    cpython_crates: bool,
) -> Result<Vec<&'m Package>> {
    let wanted = |p: &Package| match kind(p) {
        Some(Kind::Hpy) => true,
        Some(Kind::Cpython) => cpython_crates,
        None => false,
    };
    let members = meta.workspace_packages();
    if requested.is_empty() {
        // The crate whose manifest was named (or whose folder we are in) if it is one.
        if let Some(current) = current_package(meta, manifest_path).filter(|p| wanted(p)) {
            return Ok(vec![current]);
        }
        let found: Vec<&Package> = members.into_iter().filter(|p| is_extension(p)).collect();
        if found.is_empty() {
            bail!("no workspace member builds a cdylib that depends on `hpy`");
        }
        return Ok(found);
    }
    let mut found = Vec::new();
    for name in requested {
        let Some(p) = members.iter().find(|p| p.name.as_str() == name.as_str()) else {
            bail!("package `{name}` is not a member of this workspace");
        };
        if !wanted(p) {
            if kind(p) == Some(Kind::Cpython) {
                bail!(
                    "package `{name}` is a CPython extension (PyO3 or pyo3-ffi), not an HPy \
                     extension: package it with `cargo hpy wheel -p {name} --python PYTHON`"
                );
            }
            bail!(
                "package `{name}` is not an HPy extension: it needs `crate-type = [\"cdylib\"]` \
                 and a dependency on `hpy`{}",
                if cpython_crates {
                    " (or, for a CPython extension, on `pyo3` or `pyo3-ffi`)"
                } else {
                    ""
                }
            );
        }
        found.push(*p);
    }
    Ok(found)
}

/// The one crate a packaging command works on: an HPy crate or a CPython extension crate.
pub fn one_package<'m>(
    meta: &'m Metadata,
    requested: &[String],
    manifest_path: Option<&Path>,
) -> Result<&'m Package> {
    match selected_packages(meta, requested, manifest_path, true)?.as_slice() {
        [one] => Ok(one),
        many => {
            let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
            bail!(
                "several extension crates ({}): choose one with -p",
                names.join(", ")
            )
        }
    }
}

/// How one `cargo build` differs from a plain one: for a CPython (the interpreter,
/// `PYO3_PYTHON`; whether to turn on the `hpy` crate's `cpython-abi` feature, for HPy crates),
/// linked through Zig, in a target directory of its own.
#[derive(Default)]
pub struct Build<'a> {
    /// The interpreter built for.
    pub interpreter: Option<&'a abi::Interpreter>,
    /// The Cargo target directory of these builds, when not the default one.
    pub target_dir: Option<PathBuf>,
    /// Whether to build with `hpy/cpython-abi`.
    pub hpy_feature: bool,
    /// Whether to build with `hpy/hybrid` (HPy's hybrid ABI).
    pub hybrid: bool,
    /// The linker, with `--zig`.
    pub linker: Option<&'a zig::Linker>,
}

impl<'a> Build<'a> {
    /// A build for `interpreter`, in its own target directory under `target_directory`
    /// (`hpy-abi/<cache tag>`, with `-manylinux_2_X` for a Zig link).
    pub fn cpython(
        interpreter: &'a abi::Interpreter,
        target_directory: &Path,
        hpy_feature: bool,
        linker: Option<&'a zig::Linker>,
    ) -> Self {
        let mut target_dir = interpreter.target_dir(target_directory);
        if let Some(l) = linker {
            target_dir
                .as_mut_os_string()
                .push(format!("-{}", l.compatibility));
        }
        Build {
            interpreter: Some(interpreter),
            target_dir: Some(target_dir),
            hpy_feature,
            hybrid: false,
            linker,
        }
    }

    /// A universal build; linked through Zig, in `hpy-zig/build-manylinux_2_X` under
    /// `target_directory`.
    pub fn universal(target_directory: &Path, linker: Option<&'a zig::Linker>) -> Self {
        Build {
            target_dir: linker.map(|l| {
                target_directory
                    .join("hpy-zig")
                    .join(format!("build-{}", l.compatibility))
            }),
            linker,
            ..Build::default()
        }
    }
}

/// Refuses, for a universal build, a feature that turns on the `hpy` crate's CPython ABI
/// (`hpy/cpython-abi`, or a crate's own `cpython-abi`, as `cargo hpy new` writes it): the library
/// would be an ordinary CPython extension, which no universal module or wheel can be made of.
pub fn refuse_cpython_abi_feature(features: &[String]) -> Result<()> {
    let named = features
        .iter()
        .flat_map(|f| f.split([',', ' ']))
        .find(|f| *f == "cpython-abi" || f.ends_with("/cpython-abi"));
    if let Some(f) = named {
        anyhow::bail!(
            "`-F {f}` builds the module for the CPython ABI, which a universal build cannot use: \
             use `--abi cpython` instead of the feature (it turns the feature on itself and builds \
             for each interpreter `--python` names)"
        );
    }
    Ok(())
}

/// `cargo build` of the packages' libraries, as `build` says; each built library read once.
pub fn build_libraries_for(
    args: &BuildArgs,
    packages: &[&Package],
    build: &Build<'_>,
) -> Result<Vec<Library>> {
    if build.interpreter.is_none() || build.hybrid {
        refuse_cpython_abi_feature(&args.features)?;
    }
    let mut cmd = cargo();
    cmd.args(["build", "--lib", "--message-format=json-render-diagnostics"]);
    if build.hpy_feature {
        cmd.args(["--features", "hpy/cpython-abi"]);
    }
    if build.hybrid {
        cmd.args(["--features", "hpy/hybrid"]);
    }
    if let Some(dir) = &build.target_dir {
        cmd.arg("--target-dir").arg(dir);
    }
    if let Some(interpreter) = build.interpreter {
        cmd.env("PYO3_PYTHON", &interpreter.python);
    }
    if let Some(linker) = build.linker {
        cmd.env(&linker.variable, &linker.script);
    }
    if args.release {
        cmd.arg("--release");
    }
    if let Some(m) = &args.manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    for p in packages {
        cmd.args(["-p", p.name.as_str()]);
    }
    for f in &args.features {
        cmd.args(["--features", f.as_str()]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .context("running `cargo build`")?;
    let stdout = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut libraries = Vec::new();
    for message in Message::parse_stream(stdout) {
        if let Message::CompilerArtifact(a) = message.context("reading cargo's output")? {
            let wanted = packages.iter().any(|p| p.id == a.package_id);
            let is_cdylib = a
                .target
                .crate_types
                .iter()
                .any(|k| k.to_string() == "cdylib");
            if wanted && is_cdylib {
                libraries.extend(
                    a.filenames
                        .into_iter()
                        .filter(|f| f.extension() == Some(std::env::consts::DLL_EXTENSION))
                        .map(|f| f.into_std_path_buf()),
                );
            }
        }
    }
    let status = child.wait().context("waiting for `cargo build`")?;
    if !status.success() {
        bail!("`cargo build` failed");
    }
    if libraries.is_empty() {
        let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
        bail!("`cargo build` produced no cdylib for {}", names.join(", "));
    }
    libraries.iter().map(|path| Library::read(path)).collect()
}

/// Where `--find-interpreter` looks for a project's provisioned interpreters: the Cargo target
/// directory and, when that is elsewhere, the workspace's `target` folder.
pub fn target_directories(meta: &Metadata) -> Vec<PathBuf> {
    let mut dirs = vec![meta.target_directory.clone().into_std_path_buf()];
    let own = meta.workspace_root.join("target").into_std_path_buf();
    if !dirs.contains(&own) {
        dirs.push(own);
    }
    dirs
}

pub fn create_out_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    artifact::check_out_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_universal_build_refuses_the_cpython_abi_feature() {
        for features in [
            &["cpython-abi"][..],
            &["hpy/cpython-abi"],
            &["a,cpython-abi"],
        ] {
            let features: Vec<String> = features.iter().map(|f| f.to_string()).collect();
            let err = refuse_cpython_abi_feature(&features)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("use `--abi cpython` instead of the feature"),
                "{err}"
            );
        }
        let ok = ["hpy/bindgen".to_owned(), "cpython-abi-extra".to_owned()];
        assert!(refuse_cpython_abi_feature(&ok).is_ok());
    }
}
