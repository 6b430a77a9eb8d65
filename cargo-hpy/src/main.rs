//! `cargo hpy`: builds HPy extension crates into `<module>.hpy0.so` plus the Python stub that
//! loads it, packages them as wheels and sdists, installs them for development, and starts new
//! projects. Crates that are CPython extensions of their own (a cdylib on PyO3 or `pyo3-ffi`
//! exporting `PyInit_<module>`, such as the runtime `hpy-rs-runtime`) are packaged too, as one
//! `cp3XY-cp3XY-<platform>` wheel per CPython.

mod abi;
mod artifact;
mod build;
mod develop;
mod layout;
mod library;
mod loader;
mod metadata;
mod new;
mod platform;
mod pyi;
mod sdist;
mod wheel;
mod workspace;
mod zig;

use std::path::{Path, PathBuf};

use anyhow::Result;
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
        HpyCommand::Build(args) => build::build(args),
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
