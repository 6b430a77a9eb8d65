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

use crate::abi::Interpreter;
use crate::metadata::Project;
use crate::{artifact, layout, loader, platform, pyi, BuildArgs, CpythonBuild, Kind};

/// Builds the wheels of one crate and returns their paths and the project's metadata: one
/// universal wheel for an HPy crate, one wheel per interpreter of `--python` for a CPython
/// extension crate. An editable wheel (PEP 660) holds a `.pth` naming the folder where the
/// module is built (`<target dir>/hpy/editable/<name>`, or the project's Python package) instead
/// of the module.
///
/// Only the universal wheel of an HPy crate is built, not a CPython-ABI one (`cargo hpy build
/// --abi cpython` builds that module, but no command packages it yet).
pub fn build(args: &BuildArgs, editable: bool) -> Result<(Vec<PathBuf>, Project)> {
    let meta = crate::metadata(args.manifest_path.as_deref())?;
    let package = crate::one_package(&meta, &args.packages, args.manifest_path.as_deref())?;
    let kind = crate::kind(package).unwrap_or(Kind::Hpy);
    let project = Project::read(package, kind)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| meta.target_directory.join("wheels").into_std_path_buf());
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let wheel = Wheel {
        args,
        meta: &meta,
        package,
        project: &project,
        out_dir: &out_dir,
        editable,
    };
    let wheels = match kind {
        Kind::Hpy => vec![wheel.universal()?],
        Kind::Cpython => Interpreter::find_all(&args.python)?
            .iter()
            .map(|i| wheel.cpython(i))
            .collect::<Result<_>>()?,
    };
    Ok((wheels, project))
}

/// What every wheel of one `cargo hpy wheel` shares.
struct Wheel<'a> {
    args: &'a BuildArgs,
    meta: &'a Metadata,
    package: &'a Package,
    project: &'a Project,
    out_dir: &'a Path,
    editable: bool,
}

/// The one library `cargo build` made for a crate.
fn one_library(libraries: Vec<PathBuf>, package: &Package) -> Result<PathBuf> {
    match <[PathBuf; 1]>::try_from(libraries) {
        Ok([lib]) => Ok(lib),
        Err(_) => bail!(
            "`cargo build` produced more than one library for {}",
            package.name
        ),
    }
}

impl Wheel<'_> {
    /// The platform tag of a built library, warning when it cannot be a manylinux one.
    fn platform_tag(lib: &Path) -> Result<String> {
        let (tag, warning) = platform::needs(lib)?.tag();
        if let Some(w) = warning {
            eprintln!("warning: {}: {w}", lib.display());
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
                crate::create_out_dir(&dir)?;
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

    /// The universal wheel of an HPy crate.
    fn universal(&self) -> Result<PathBuf> {
        let lib = one_library(
            crate::build_libraries(self.args, &[self.package])?,
            self.package,
        )?;
        let module = artifact::module_name(&lib)?;
        let tag = format!("py3-none-{}", Self::platform_tag(&lib)?);
        let mut writer = WheelWriter::create(self.out_dir, self.project, &tag)?;
        let source = layout::python_source(&self.project.crate_dir, &module)?;
        if self.editable {
            // The module is built where the import finds it, which a `.pth` names.
            let (dir, path_entry) = self.editable_dirs(source.as_ref())?;
            artifact::install(&lib, &module, &dir)?;
            Self::add_pth(&mut writer, &module, &path_entry)?;
        } else {
            let so_name = artifact::so_name(&module);
            let data = std::fs::read(&lib).with_context(|| format!("reading {}", lib.display()))?;
            let stub = pyi::read(&lib, &module)?;
            if stub.is_none() {
                eprintln!(
                    "warning: {} carries no type-stub description (built by an older hpy-macros): \
                     the wheel has no .pyi",
                    lib.display()
                );
            }
            let loader = loader::stub(&module, &so_name);
            match &source {
                // Inside the project's package: `<package>/<module>.py` and its library.
                Some(s) => {
                    s.add_files(&mut writer, &module)?;
                    let package = &s.package;
                    writer.add(&format!("{package}/{so_name}"), &data, true)?;
                    writer.add(&format!("{package}/{module}.py"), loader.as_bytes(), false)?;
                    if let Some(stub) = &stub {
                        writer.add(&format!("{package}/{module}.pyi"), stub.as_bytes(), false)?;
                    }
                }
                // Alone: a package of its own, so that the stub and `py.typed` follow PEP 561.
                None => {
                    writer.add(&format!("{module}/{so_name}"), &data, true)?;
                    writer.add(&format!("{module}/__init__.py"), loader.as_bytes(), false)?;
                    if let Some(stub) = &stub {
                        writer.add(&format!("{module}/__init__.pyi"), stub.as_bytes(), false)?;
                        writer.add(&format!("{module}/py.typed"), b"", false)?;
                    }
                }
            }
        }
        let path = writer.finish(self.project, &tag)?;
        eprintln!("    Wrote {}", path.display());
        Ok(path)
    }

    /// The wheel of a CPython extension crate for `interpreter`: built in that interpreter's own
    /// target directory, tagged `cp3XY-cp3XY-<platform>`, the library under the interpreter's
    /// extension file name (at the top level, or in the project's Python package).
    fn cpython(&self, interpreter: &Interpreter) -> Result<PathBuf> {
        let target_dir = interpreter.target_dir(self.meta.target_directory.as_std_path());
        let build = CpythonBuild {
            interpreter,
            target_dir: &target_dir,
            hpy_feature: false,
        };
        let lib = one_library(
            crate::build_libraries_for(self.args, &[self.package], Some(build))?,
            self.package,
        )?;
        let module = artifact::module_name_with(&lib, "PyInit_")?;
        if artifact::module_name(&lib).is_ok() {
            bail!(
                "{} exports both `PyInit_{module}` and an `HPyInit_` function: a CPython \
                 extension crate must not define an HPy module",
                lib.display()
            );
        }
        let tag = format!(
            "{}-{}-{}",
            interpreter.python_tag,
            interpreter.abi_tag,
            Self::platform_tag(&lib)?
        );
        let mut writer = WheelWriter::create(self.out_dir, self.project, &tag)?;
        let source = layout::python_source(&self.project.crate_dir, &module)?;
        if self.editable {
            let (dir, path_entry) = self.editable_dirs(source.as_ref())?;
            artifact::install_cpython(&lib, &module, &interpreter.ext_suffix, &dir)?;
            Self::add_pth(&mut writer, &module, &path_entry)?;
        } else {
            let data = std::fs::read(&lib).with_context(|| format!("reading {}", lib.display()))?;
            let stub = pyi::read(&lib, &module)?;
            let prefix = match &source {
                Some(s) => {
                    s.add_files(&mut writer, &module)?;
                    format!("{}/", s.package)
                }
                None => String::new(),
            };
            let so_name = format!("{prefix}{module}{}", interpreter.ext_suffix);
            writer.add(&so_name, &data, true)?;
            if let Some(stub) = &stub {
                writer.add(&format!("{prefix}{module}.pyi"), stub.as_bytes(), false)?;
            }
        }
        let path = writer.finish(self.project, &tag)?;
        eprintln!("    Wrote {}", path.display());
        Ok(path)
    }
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
