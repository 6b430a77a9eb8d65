//! `cargo hpy`: builds HPy extension crates into `<module>.hpy0.so` plus the Python stub that
//! loads it, packages them as wheels and sdists, installs them for development, and starts new
//! projects. Crates that are CPython extensions of their own (a cdylib on PyO3 or `pyo3-ffi`
//! exporting `PyInit_<module>`, such as the runtime `hpy-rs-runtime`) are packaged too, as one
//! `cp3XY-cp3XY-<platform>` wheel per CPython.

mod abi;
mod artifact;
mod develop;
mod layout;
mod loader;
mod metadata;
mod new;
mod platform;
mod pyi;
mod sdist;
mod wheel;
mod zig;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _, Result};
use cargo_metadata::{Message, Metadata, MetadataCommand, Package};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(bin_name = "cargo", version, about)]
enum Cargo {
    /// Build and package HPy extension modules.
    Hpy(Hpy),
}

#[derive(Args)]
struct Hpy {
    #[command(subcommand)]
    command: HpyCommand,
}

#[derive(Subcommand)]
enum HpyCommand {
    /// Build the extension crates and write `<module>.hpy0.so` and `<module>.py` for each.
    Build(BuildArgs),
    /// Build one crate into wheels; prints the path of each, one a line. An HPy crate gives one
    /// universal wheel (`py3-none-<platform>`), or with `--abi cpython` one
    /// `cp3XY-cp3XY-<platform>` wheel per interpreter; a CPython extension crate (PyO3 or
    /// pyo3-ffi) one `cp3XY-cp3XY-<platform>` wheel per interpreter. `--release-set` writes all
    /// of a release's files.
    Wheel(WheelArgs),
    /// Build one extension crate into a source distribution (`.tar.gz`); prints its path last.
    Sdist(SdistArgs),
    /// Build and install one extension crate into the active virtual environment, editable:
    /// running `cargo hpy develop` again replaces the module in place.
    Develop(DevelopArgs),
    /// Create a new HPy extension project (Cargo.toml, src/lib.rs, pyproject.toml, a test).
    New(new::NewArgs),
}

/// Options shared by every command that builds.
#[derive(Args, Clone)]
pub struct BuildArgs {
    /// The crate(s) to build (default: the crate of the manifest, or every workspace member
    /// that builds a cdylib on `hpy`).
    #[arg(short = 'p', long = "package")]
    packages: Vec<String>,
    /// Build with the release profile.
    #[arg(long)]
    release: bool,
    /// Where to write the output (default: `<target dir>/hpy/<profile>`, for wheels and sdists
    /// `<target dir>/wheels`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Path to Cargo.toml.
    #[arg(long)]
    manifest_path: Option<PathBuf>,
    /// Features to enable, passed to `cargo build` (e.g. `hpy/bindgen`).
    #[arg(short = 'F', long)]
    features: Vec<String>,
    /// The ABI to build an HPy crate for: `universal` (HPy's, `<module>.hpy0.so`, one wheel for
    /// every interpreter), `cpython` (an ordinary CPython extension for each interpreter
    /// `--python` names, `<module>.cpython-3XY-<platform>.so`) or `hybrid` (HPy's hybrid ABI:
    /// HPy plus the C API of each interpreter `--python` names, CPython or PyPy,
    /// `<module>.hpy0-<tag>.so` and its loader; `build` only). Default: `abi` of
    /// `[tool.hpy-rs]` in the crate's `pyproject.toml` for `wheel` and `develop`, else
    /// `universal`.
    #[arg(long, value_enum)]
    abi: Option<abi::Abi>,
    /// The CPython to build for, with `--abi cpython` and for crates that are CPython extensions
    /// (PyO3, pyo3-ffi); repeat it to build for several (default: `PYO3_PYTHON`, else
    /// `python3`). A universal build serves every interpreter and ignores it.
    #[arg(long, short = 'i', visible_alias = "interpreter")]
    python: Vec<PathBuf>,
    /// Build for every CPython found (besides those of `--python`): on PATH, in pyenv's
    /// versions, and in the folders of the target directory (`<target dir>/*/bin/python3.N`),
    /// those the project's `requires-python` allows, one per version.
    #[arg(long)]
    find_interpreter: bool,
    /// Link through Zig (`zig cc`) against an older glibc than the build machine's, for a
    /// wheel of the policy `--compatibility` names (default `manylinux_2_17`). Zig comes from
    /// the Python package `ziglang`, installed with pip into `<target dir>/hpy-zig` on first use.
    #[arg(long)]
    zig: bool,
    /// The manylinux policy the wheels must meet, `manylinux_2_X` (or `manylinux2014`): they are
    /// tagged with it, and a library that needs a newer glibc or links a library outside the
    /// policy is refused. Default: with `--zig` `manylinux_2_17`, else the oldest policy the
    /// library meets, read from its symbol versions.
    #[arg(long, value_name = "manylinux_2_X")]
    compatibility: Option<platform::Compatibility>,
}

impl BuildArgs {
    /// The ABI named on the command line, else universal (`cargo hpy build`; `wheel` and
    /// `develop` also read `pyproject.toml`).
    fn abi_or_universal(&self) -> abi::Abi {
        self.abi.unwrap_or(abi::Abi::Universal)
    }

    /// The glibc `--zig` links against: `--compatibility`'s, else manylinux_2_17.
    fn zig_compatibility(&self) -> platform::Compatibility {
        self.compatibility.unwrap_or(platform::OLDEST)
    }

    /// With `--zig`, the linker script (Zig installed on first use with the pip of the first
    /// that has one of `interpreters`, `--python`'s, `PYO3_PYTHON` and `python3`).
    fn linker(
        &self,
        target_directory: &Path,
        interpreters: &[abi::Interpreter],
    ) -> Result<Option<zig::Linker>> {
        if !self.zig {
            return Ok(None);
        }
        let mut pythons: Vec<PathBuf> = interpreters.iter().map(|i| i.python.clone()).collect();
        pythons.extend(self.python.iter().cloned());
        pythons.extend(std::env::var_os("PYO3_PYTHON").map(PathBuf::from));
        pythons.push(PathBuf::from("python3"));
        zig::Linker::prepare(target_directory, &pythons, self.zig_compatibility()).map(Some)
    }
}

#[derive(Args)]
struct WheelArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// An editable wheel (PEP 660): a `.pth` naming `<target dir>/hpy/editable/<name>`, where
    /// the module is built, instead of the module itself.
    #[arg(long)]
    editable: bool,
    /// Everything a release uploads, into `--out`: for an HPy crate the universal wheel (PyPy,
    /// and CPython through the runtime) and a CPython-ABI wheel per CPython (those of
    /// `--python`, else every one `--find-interpreter` finds), for a CPython extension crate its
    /// wheel per CPython; then the sdist. Installers pick the CPython-ABI wheel on CPython and
    /// the universal one elsewhere. Add `--release` for the release profile.
    #[arg(long, conflicts_with_all = ["editable", "abi"])]
    release_set: bool,
}

#[derive(Args)]
struct SdistArgs {
    /// The crate to package.
    #[arg(short = 'p', long = "package")]
    package: Option<String>,
    /// Where to write the `.tar.gz` (default: `<target dir>/wheels`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Path to Cargo.toml.
    #[arg(long)]
    manifest_path: Option<PathBuf>,
}

#[derive(Args)]
struct DevelopArgs {
    #[command(flatten)]
    build: BuildArgs,
}

fn main() {
    let Cargo::Hpy(hpy) = Cargo::parse();
    let result = match hpy.command {
        HpyCommand::Build(args) => build(args),
        HpyCommand::Wheel(args) if args.release_set => release_set(&args.build),
        HpyCommand::Wheel(args) => wheel::build(&args.build, args.editable).map(|(wheels, _)| {
            for w in wheels {
                println!("{}", w.display());
            }
        }),
        HpyCommand::Sdist(args) => sdist::sdist(&args).map(|s| println!("{}", s.display())),
        HpyCommand::Develop(args) => develop::develop(&args.build),
        HpyCommand::New(args) => new::new(&args),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// `cargo hpy wheel --release-set`: the wheels, then the sdist; prints each path.
fn release_set(args: &BuildArgs) -> Result<()> {
    let wheels = wheel::release_set(args)?;
    let sdist = sdist::sdist(&SdistArgs {
        package: args.packages.first().cloned(),
        out: args.out.clone(),
        manifest_path: args.manifest_path.clone(),
    })?;
    for file in wheels.iter().chain([&sdist]) {
        println!("{}", file.display());
    }
    Ok(())
}

fn cargo() -> Command {
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
fn kind(p: &Package) -> Option<Kind> {
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
fn is_extension(p: &Package) -> bool {
    kind(p) == Some(Kind::Hpy)
}

fn metadata(manifest_path: Option<&Path>) -> Result<Metadata> {
    let mut meta_cmd = MetadataCommand::new();
    meta_cmd.no_deps();
    if let Some(m) = manifest_path {
        meta_cmd.manifest_path(m);
    }
    meta_cmd.exec().context("running `cargo metadata`")
}

/// The crate whose manifest was named with `--manifest-path`, or else the one whose folder holds
/// the current directory (the innermost), if any.
fn current_package<'m>(meta: &'m Metadata, manifest_path: Option<&Path>) -> Option<&'m Package> {
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
fn selected_packages<'m>(
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
fn one_package<'m>(
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
fn refuse_cpython_abi_feature(features: &[String]) -> Result<()> {
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

/// `cargo build` of the packages' libraries, as `build` says.
fn build_libraries_for(
    args: &BuildArgs,
    packages: &[&Package],
    build: &Build<'_>,
) -> Result<Vec<PathBuf>> {
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
    Ok(libraries)
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

fn create_out_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    artifact::check_out_dir(dir)
}

fn build(args: BuildArgs) -> Result<()> {
    let meta = metadata(args.manifest_path.as_deref())?;
    let packages = selected_packages(&meta, &args.packages, args.manifest_path.as_deref(), false)?;
    let profile = if args.release { "release" } else { "debug" };
    let out_dir = args.out.clone().unwrap_or_else(|| {
        meta.target_directory
            .join("hpy")
            .join(profile)
            .into_std_path_buf()
    });
    let target_directory = meta.target_directory.as_std_path();
    if args.abi_or_universal() == abi::Abi::Cpython {
        let out_dir = args.out.clone().unwrap_or_else(|| {
            meta.target_directory
                .join("hpy")
                .join("cpython-abi")
                .join(profile)
                .into_std_path_buf()
        });
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        let interpreters = abi::Interpreter::select(
            &args.python,
            args.find_interpreter.then(|| abi::Discovery {
                target_directories: target_directories(&meta),
                requires_python: None,
                minimum: Some(abi::CPYTHON_ABI_MINIMUM),
            }),
        )?;
        let linker = args.linker(target_directory, &interpreters)?;
        for interpreter in &interpreters {
            let cpython = Build::cpython(interpreter, target_directory, true, linker.as_ref());
            for lib in build_libraries_for(&args, &packages, &cpython)? {
                let module = artifact::module_name_with(&lib, "PyInit_")?;
                let installed =
                    artifact::install_cpython(&lib, &module, &interpreter.ext_suffix, &out_dir)?;
                eprintln!("    Wrote {}", wrote(&installed));
            }
        }
        return Ok(());
    }
    if args.abi_or_universal() == abi::Abi::Hybrid {
        return build_hybrid(&args, &meta, &packages, profile);
    }
    create_out_dir(&out_dir)?;
    let linker = args.linker(target_directory, &[])?;
    let universal = Build::universal(target_directory, linker.as_ref());
    for lib in build_libraries_for(&args, &packages, &universal)? {
        let module = artifact::module_name(&lib)?;
        let installed = artifact::install(&lib, &module, &out_dir)?;
        eprintln!("    Wrote {}", wrote(&installed));
    }
    Ok(())
}

/// `cargo hpy build --abi hybrid`: for each interpreter (`--python`, else `PYO3_PYTHON`, else
/// `python3`; CPython or PyPy), a build with `hpy/hybrid` against its C API, in a target
/// directory of its own (`<target dir>/hpy-hybrid/<cache tag>`), installed as
/// `<module>.hpy0-<tag>.so` plus the loader stub `<module>.py` in
/// `<target dir>/hpy/hybrid/<profile>` (or `--out`).
fn build_hybrid(
    args: &BuildArgs,
    meta: &Metadata,
    packages: &[&Package],
    profile: &str,
) -> Result<()> {
    if args.zig {
        bail!("--zig is not supported with --abi hybrid yet");
    }
    let out_dir = args.out.clone().unwrap_or_else(|| {
        meta.target_directory
            .join("hpy")
            .join("hybrid")
            .join(profile)
            .into_std_path_buf()
    });
    create_out_dir(&out_dir)?;
    let target_directory = meta.target_directory.as_std_path();
    for interpreter in &abi::Interpreter::find_all_hybrid(&args.python)? {
        let build = Build {
            interpreter: Some(interpreter),
            target_dir: Some(
                target_directory
                    .join("hpy-hybrid")
                    .join(&interpreter.cache_tag),
            ),
            hybrid: true,
            ..Build::default()
        };
        for lib in build_libraries_for(args, packages, &build)? {
            let module = artifact::module_name(&lib)?;
            let so_name = format!("{module}{}", interpreter.hybrid_suffix());
            let installed = artifact::install_named(&lib, &module, &so_name, &out_dir)?;
            eprintln!("    Wrote {}", wrote(&installed));
        }
    }
    Ok(())
}

/// The files an install wrote, for the build's report: `a`, `a and b`, `a, b and c`.
fn wrote(installed: &artifact::Installed) -> String {
    let files: Vec<String> = [
        Some(&installed.so),
        installed.py.as_ref(),
        installed.pyi.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|p| p.display().to_string())
    .collect();
    match files.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => files.join(""),
    }
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
