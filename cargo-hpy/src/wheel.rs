//! `cargo hpy wheel`: the wheels of one crate, and writing a wheel (PEP 427 / the binary
//! distribution format): the files, then the dist-info folder with `METADATA`, `WHEEL` and
//! `RECORD` last, each entry hashed as it is written.
//!
//! An HPy crate gives one universal wheel, tagged `py3-none-<platform>`: one `.hpy0.so` loads on
//! every interpreter with HPy 0.9 (CPython with an HPy runtime, `hpy-rs-runtime` or the `hpy`
//! package; PyPy built in). The module is a package folder, `<module>/__init__.py` (the loader,
//! which replaces itself in `sys.modules` by the extension module) beside
//! `<module>/<module>.hpy0.so`, so that the wheel has one top-level entry and its stub
//! `<module>/__init__.pyi` and `py.typed` follow PEP 561.
//!
//! With `--abi cpython` (or `abi = "cpython"` in `[tool.hpy-rs]`) it gives instead one wheel per
//! CPython, tagged `cp3XY-cp3XY-<platform>`, with the same files, the library being
//! `<module>/<module>.cpython-3XY-<platform>.so` (built with the `hpy` crate's `cpython-abi`
//! feature) and `__init__.py` importing it; its metadata is the universal wheel's less the HPy
//! runtime requirement. Installers prefer such a wheel to the `py3-none` one on its CPython, so
//! a release ships both (`--release-set`).
//!
//! A CPython extension crate (on PyO3 or `pyo3-ffi`, exporting `PyInit_<module>`; the runtime
//! `hpy-rs-runtime` is one) gives one wheel per CPython it is built for, tagged
//! `cp3XY-cp3XY-<platform>` and holding `<module>.cpython-3XY-<platform>.so` at the top level,
//! where CPython imports it directly.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use cargo_metadata::{Metadata, Package};
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::abi::{Abi, Discovery, Interpreter};
use crate::library::Library;
use crate::metadata::Project;
use crate::workspace::{Build, Kind};
use crate::{artifact, layout, loader, platform, pyi, zig, BuildArgs};

/// Builds the wheels of one crate and returns their paths and the project's metadata: for an
/// HPy crate one universal wheel, or with the CPython ABI one per interpreter; for a CPython
/// extension crate one per interpreter. The ABI is `--abi`'s, else `[tool.hpy-rs] abi`, else
/// universal; a CPython ABI that comes from `pyproject.toml` gives way to the universal one
/// when the interpreters named are not CPython (`pip install .` on PyPy). An editable wheel
/// (PEP 660) holds a `.pth` naming the folder where the module is built
/// (`<target dir>/hpy/editable/<name>`, or the project's Python package) instead of the module.
pub fn build(args: &BuildArgs, editable: bool) -> Result<(Vec<PathBuf>, Project)> {
    let meta = crate::workspace::metadata(args.manifest_path.as_deref())?;
    let package =
        crate::workspace::one_package(&meta, &args.packages, args.manifest_path.as_deref())?;
    let kind = crate::workspace::kind(package).unwrap_or(Kind::Hpy);
    let project = Project::read(package, kind)?;
    let abi = match (kind, args.abi) {
        (Kind::Cpython, _) => Abi::Cpython,
        (Kind::Hpy, Some(abi)) => abi,
        (Kind::Hpy, None) => match layout::abi_setting(&project.crate_dir)? {
            Some(Abi::Cpython) if !args.python.is_empty() && !args.find_interpreter => {
                let mut others = Vec::new();
                for python in &args.python {
                    let name = crate::abi::implementation(python)?;
                    if name != "cpython" {
                        others.push(format!("{} is {name}", python.display()));
                    }
                }
                if others.len() == args.python.len() {
                    eprintln!(
                        "note: pyproject.toml asks for the CPython ABI, but {}: building the \
                         universal wheel, which it loads",
                        others.join(", ")
                    );
                    Abi::Universal
                } else {
                    Abi::Cpython
                }
            }
            Some(abi) => abi,
            None => Abi::Universal,
        },
    };
    let wheel = Wheel::new(args, &meta, package, &project, editable)?;
    let wheels = match abi {
        Abi::Universal => vec![wheel.universal(wheel.linker(&[])?.as_ref())?],
        Abi::Hybrid => anyhow::bail!(
            "--abi hybrid builds modules (`cargo hpy build --abi hybrid`) but does not package \
             them as wheels yet: a hybrid module is tied to one interpreter"
        ),
        Abi::Cpython => {
            let interpreters = wheel.interpreters(args.find_interpreter)?;
            let linker = wheel.linker(&interpreters)?;
            interpreters
                .iter()
                .map(|i| wheel.cpython(i, linker.as_ref()))
                .collect::<Result<_>>()?
        }
    };
    Ok((wheels, project))
}

/// The wheels of `cargo hpy wheel --release-set`: for an HPy crate the universal wheel and a
/// CPython-ABI wheel per CPython, for a CPython extension crate a wheel per CPython; the
/// CPythons are those of `--python`, else (or with `--find-interpreter`, besides them) every
/// one found.
pub fn release_set(args: &BuildArgs) -> Result<Vec<PathBuf>> {
    let meta = crate::workspace::metadata(args.manifest_path.as_deref())?;
    let package =
        crate::workspace::one_package(&meta, &args.packages, args.manifest_path.as_deref())?;
    let kind = crate::workspace::kind(package).unwrap_or(Kind::Hpy);
    let project = Project::read(package, kind)?;
    let wheel = Wheel::new(args, &meta, package, &project, false)?;
    let interpreters = wheel.interpreters(args.find_interpreter || args.python.is_empty())?;
    let linker = wheel.linker(&interpreters)?;
    let mut wheels = Vec::new();
    if kind == Kind::Hpy {
        wheels.push(wheel.universal(linker.as_ref())?);
    }
    for interpreter in &interpreters {
        wheels.push(wheel.cpython(interpreter, linker.as_ref())?);
    }
    Ok(wheels)
}

/// What every wheel of one `cargo hpy wheel` shares.
struct Wheel<'a> {
    args: &'a BuildArgs,
    meta: &'a Metadata,
    package: &'a Package,
    project: &'a Project,
    kind: Kind,
    out_dir: PathBuf,
    editable: bool,
}

/// The one library `cargo build` made for a crate.
fn one_library(libraries: Vec<Library>, package: &Package) -> Result<Library> {
    match <[Library; 1]>::try_from(libraries) {
        Ok([lib]) => Ok(lib),
        Err(_) => bail!(
            "`cargo build` produced more than one library for {}",
            package.name
        ),
    }
}

impl<'a> Wheel<'a> {
    fn new(
        args: &'a BuildArgs,
        meta: &'a Metadata,
        package: &'a Package,
        project: &'a Project,
        editable: bool,
    ) -> Result<Self> {
        let out_dir = args
            .out
            .clone()
            .unwrap_or_else(|| meta.target_directory.join("wheels").into_std_path_buf());
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        Ok(Wheel {
            args,
            meta,
            package,
            project,
            kind: crate::workspace::kind(package).unwrap_or(Kind::Hpy),
            out_dir,
            editable,
        })
    }

    fn target_directory(&self) -> &Path {
        self.meta.target_directory.as_std_path()
    }

    /// The policy the wheels must meet: `--compatibility`, else with `--zig` manylinux_2_17.
    fn compatibility(&self) -> Option<platform::Compatibility> {
        self.args
            .compatibility
            .or(self.args.zig.then(|| self.args.zig_compatibility()))
    }

    /// The platform tag of a built library (see [`platform`]), warning when it cannot be a
    /// manylinux one.
    fn platform_tag(&self, lib: &Library) -> Result<String> {
        let (tag, warning) = lib
            .needs()?
            .tag(self.compatibility())
            .with_context(|| format!("{}", lib.path.display()))?;
        if let Some(w) = warning {
            eprintln!("warning: {}: {w}", lib.path.display());
        }
        Ok(tag)
    }

    /// For an editable wheel: the folder the module is built into, and the folder the `.pth`
    /// names (the project's Python source folder, or a folder of its own in the target
    /// directory).
    fn editable_dirs(&self, source: Option<&layout::PythonSource>) -> Result<(PathBuf, PathBuf)> {
        Ok(match source {
            Some(s) => (s.root.join(&s.package), s.root.clone()),
            None => {
                let dir = self
                    .meta
                    .target_directory
                    .join("hpy")
                    .join("editable")
                    .join(self.project.escaped_name())
                    .into_std_path_buf();
                crate::workspace::create_out_dir(&dir)?;
                let abs = std::fs::canonicalize(&dir)?;
                (abs.clone(), abs)
            }
        })
    }

    /// Adds the `.pth` of an editable wheel, naming `path_entry`.
    fn add_pth(writer: &mut WheelWriter, module: &str, path_entry: &Path) -> Result<()> {
        let line = format!("{}\n", path_entry.display());
        writer.add(
            &format!("_{module}_hpy_editable.pth"),
            line.as_bytes(),
            false,
        )
    }

    /// With `--zig`, the linker (see [`BuildArgs::linker`]).
    fn linker(&self, interpreters: &[Interpreter]) -> Result<Option<zig::Linker>> {
        self.args.linker(self.target_directory(), interpreters)
    }

    /// The universal wheel of an HPy crate.
    fn universal(&self, linker: Option<&zig::Linker>) -> Result<PathBuf> {
        let build = Build::universal(self.target_directory(), linker);
        let lib = one_library(
            crate::workspace::build_libraries_for(self.args, &[self.package], &build)?,
            self.package,
        )?;
        let module = artifact::module_name(&lib)?;
        let tag = format!("py3-none-{}", self.platform_tag(&lib)?);
        let mut writer = WheelWriter::create(&self.out_dir, self.project, &tag)?;
        let source = layout::python_source(&self.project.crate_dir, &module)?;
        if self.editable {
            // The module is built where the import finds it, which a `.pth` names; a CPython-ABI
            // build left there by an earlier install would be imported first.
            let (dir, path_entry) = self.editable_dirs(source.as_ref())?;
            remove_libraries(&dir, &module, |rest| rest.starts_with("cpython-"))?;
            artifact::install(&lib, &module, &dir)?;
            Self::add_pth(&mut writer, &module, &path_entry)?;
        } else {
            let so_name = artifact::so_name(&module);
            let loader = loader::loader_source(&module, &so_name);
            self.add_module(
                &mut writer,
                source.as_ref(),
                &lib,
                &module,
                &so_name,
                &loader,
            )?;
        }
        let path = writer.finish(self.project, &tag)?;
        eprintln!("    Wrote {}", path.display());
        Ok(path)
    }

    /// Adds an HPy crate's module: the library `so_name` with its loader and type stub, in the
    /// project's package or in a package of its own.
    fn add_module(
        &self,
        writer: &mut WheelWriter,
        source: Option<&layout::PythonSource>,
        lib: &Library,
        module: &str,
        so_name: &str,
        loader: &str,
    ) -> Result<()> {
        let data = lib.data();
        let stub = pyi::read(lib, module)?;
        if stub.is_none() {
            eprintln!(
                "warning: {} carries no type-stub description (built by an older hpy-macros): \
                 the wheel has no .pyi",
                lib.path.display()
            );
        }
        match source {
            // Inside the project's package: `<package>/<module>.py` and its library (a
            // CPython-ABI library is imported directly, without a loader).
            Some(s) => {
                s.add_files(writer, module)?;
                let package = &s.package;
                writer.add(&format!("{package}/{so_name}"), data, true)?;
                if !so_name.contains(".cpython-") {
                    writer.add(&format!("{package}/{module}.py"), loader.as_bytes(), false)?;
                }
                if let Some(stub) = &stub {
                    writer.add(&format!("{package}/{module}.pyi"), stub.as_bytes(), false)?;
                }
            }
            // Alone: a package of its own, so that the stub and `py.typed` follow PEP 561.
            None => {
                writer.add(&format!("{module}/{so_name}"), data, true)?;
                writer.add(&format!("{module}/__init__.py"), loader.as_bytes(), false)?;
                if let Some(stub) = &stub {
                    writer.add(&format!("{module}/__init__.pyi"), stub.as_bytes(), false)?;
                    writer.add(&format!("{module}/py.typed"), b"", false)?;
                }
            }
        }
        Ok(())
    }

    /// The interpreters of `--python`, and with `find` every CPython found (3.11 or later for
    /// an HPy crate's CPython ABI, within the project's `requires-python`).
    fn interpreters(&self, find: bool) -> Result<Vec<Interpreter>> {
        let requires_python = self.project.requires_python()?;
        Interpreter::select(
            &self.args.python,
            find.then(|| Discovery {
                target_directories: crate::workspace::target_directories(self.meta),
                requires_python: requires_python.as_ref(),
                minimum: (self.kind == Kind::Hpy).then_some(crate::abi::CPYTHON_ABI_MINIMUM),
            }),
        )
    }

    /// The wheel for `interpreter`: built in that interpreter's own target directory, tagged
    /// `cp3XY-cp3XY-<platform>`, the library under the interpreter's extension file name. For an
    /// HPy crate built with `hpy/cpython-abi` and laid out as its universal wheel; for a
    /// CPython extension crate at the top level, or in the project's Python package.
    fn cpython(&self, interpreter: &Interpreter, linker: Option<&zig::Linker>) -> Result<PathBuf> {
        let hpy = self.kind == Kind::Hpy;
        let build = Build::cpython(interpreter, self.target_directory(), hpy, linker);
        let lib = one_library(
            crate::workspace::build_libraries_for(self.args, &[self.package], &build)?,
            self.package,
        )?;
        let module = artifact::module_name_with(&lib, "PyInit_")?;
        if !hpy && artifact::module_name(&lib).is_ok() {
            bail!(
                "{} exports both `PyInit_{module}` and an `HPyInit_` function: a CPython \
                 extension crate must not define an HPy module",
                lib.path.display()
            );
        }
        let tag = format!(
            "{}-{}-{}",
            interpreter.python_tag,
            interpreter.abi_tag,
            self.platform_tag(&lib)?
        );
        let project = if hpy {
            self.project.without_runtime()
        } else {
            self.project.clone()
        };
        let mut writer = WheelWriter::create(&self.out_dir, &project, &tag)?;
        let source = layout::python_source(&self.project.crate_dir, &module)?;
        let so_name = format!("{module}{}", interpreter.ext_suffix);
        if self.editable {
            let (dir, path_entry) = self.editable_dirs(source.as_ref())?;
            // A universal build left there by an earlier install: its loader would be imported
            // instead of nothing, and the library of another CPython is harmless but stale.
            remove_libraries(&dir, &module, |rest| rest.starts_with("hpy0."))?;
            let py = dir.join(format!("{module}.py"));
            if py.is_file() {
                std::fs::remove_file(&py).with_context(|| format!("removing {}", py.display()))?;
            }
            artifact::install_cpython(&lib, &module, &interpreter.ext_suffix, &dir)?;
            Self::add_pth(&mut writer, &module, &path_entry)?;
        } else if hpy {
            let loader = loader::cpython_loader_source(&module, &so_name);
            self.add_module(
                &mut writer,
                source.as_ref(),
                &lib,
                &module,
                &so_name,
                &loader,
            )?;
        } else {
            let data = lib.data();
            let stub = pyi::read(&lib, &module)?;
            let prefix = match &source {
                Some(s) => {
                    s.add_files(&mut writer, &module)?;
                    format!("{}/", s.package)
                }
                None => String::new(),
            };
            writer.add(&format!("{prefix}{so_name}"), data, true)?;
            if let Some(stub) = &stub {
                writer.add(&format!("{prefix}{module}.pyi"), stub.as_bytes(), false)?;
            }
        }
        let path = writer.finish(&project, &tag)?;
        eprintln!("    Wrote {}", path.display());
        Ok(path)
    }
}

/// Removes the libraries `<module>.<rest>` in `dir` whose `rest` `matches` (a build of the other
/// ABI left in an editable install's folder).
fn remove_libraries(dir: &Path, module: &str, matches: impl Fn(&str) -> bool) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let prefix = format!("{module}.");
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name
            .strip_prefix(&prefix)
            .is_some_and(|rest| matches(rest) && rest.ends_with(std::env::consts::DLL_EXTENSION))
        {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A wheel being written; [`WheelWriter::finish`] adds the dist-info folder.
pub struct WheelWriter {
    zip: ZipWriter<File>,
    record: Vec<(String, String, usize)>,
    dist_info: String,
    path: PathBuf,
}

/// `sha256=<urlsafe base64, no padding>`, RECORD's hash form.
pub fn record_hash(data: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(data))
    )
}

impl WheelWriter {
    /// Creates `<out>/<name>-<version>-<tag>.whl`.
    pub fn create(out: &Path, project: &Project, tag: &str) -> Result<WheelWriter> {
        let path = out.join(format!("{}-{tag}.whl", project.stem()));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(WheelWriter {
            zip: ZipWriter::new(file),
            record: Vec::new(),
            dist_info: format!("{}.dist-info", project.stem()),
            path,
        })
    }

    /// Adds a file; `executable` sets mode 755 (a shared library), else 644. Entries carry a fixed
    /// date (1980-01-01), so the same inputs give the same wheel.
    pub fn add(&mut self, name: &str, data: &[u8], executable: bool) -> Result<()> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .unix_permissions(if executable { 0o755 } else { 0o644 });
        self.zip
            .start_file(name, options)
            .with_context(|| format!("adding {name} to the wheel"))?;
        self.zip.write_all(data)?;
        self.record
            .push((name.to_owned(), record_hash(data), data.len()));
        Ok(())
    }

    /// Writes `METADATA`, `WHEEL` and `RECORD` and closes the archive; returns its path.
    pub fn finish(mut self, project: &Project, tag: &str) -> Result<PathBuf> {
        let wheel = format!(
            "Wheel-Version: 1.0\nGenerator: cargo-hpy {}\nRoot-Is-Purelib: false\nTag: {tag}\n",
            env!("CARGO_PKG_VERSION")
        );
        let dist_info = self.dist_info.clone();
        self.add(
            &format!("{dist_info}/METADATA"),
            project.metadata_file().as_bytes(),
            false,
        )?;
        self.add(&format!("{dist_info}/WHEEL"), wheel.as_bytes(), false)?;
        let mut record = String::new();
        for (name, hash, len) in &self.record {
            record.push_str(&format!("{name},{hash},{len}\n"));
        }
        record.push_str(&format!("{dist_info}/RECORD,,\n"));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        self.zip
            .start_file(format!("{dist_info}/RECORD"), options)?;
        self.zip.write_all(record.as_bytes())?;
        self.zip.finish().context("finishing the wheel")?;
        Ok(self.path)
    }
}

impl layout::PythonSource {
    /// Adds the files under the source folder to a wheel (see [`layout::PythonSource::files`]).
    pub fn add_files(&self, writer: &mut WheelWriter, module: &str) -> Result<()> {
        for (name, file) in self.files(module)? {
            let data =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            writer.add(&name, &data, false)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn record_hashes_are_urlsafe_base64_without_padding() {
        // sha256 of the empty string.
        assert_eq!(
            super::record_hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }
}
