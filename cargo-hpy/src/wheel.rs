//! `cargo hpy wheel`: the wheel of one extension crate, and writing a wheel (PEP 427 / the
//! binary distribution format): the files, then the dist-info folder with `METADATA`, `WHEEL`
//! and `RECORD` last, each entry hashed as it is written.
//!
//! The universal wheel is tagged `py3-none-<platform>`: one `.hpy0.so` loads on every
//! interpreter with HPy 0.9 (CPython with the `hpy` package, PyPy built in). The module is a
//! package folder, `<module>/__init__.py` (the loader, which replaces itself in `sys.modules` by
//! the extension module) beside `<module>/<module>.hpy0.so`, so that the wheel has one top-level
//! entry and its stub `<module>/__init__.pyi` and `py.typed` follow PEP 561.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::metadata::Project;
use crate::{artifact, layout, loader, platform, pyi, BuildArgs};

/// Builds the wheel of one crate and returns its path and the project's metadata. An editable
/// wheel (PEP 660) holds a `.pth` naming `<target dir>/hpy/editable/<name>`, where the module
/// is built, instead of the module.
///
/// Only the universal wheel is built. The CPython-ABI wheel (`cp3XY-cp3XY` or `cp3XY-abi3`,
/// which pip prefers on CPython) needs the CPython-ABI backend of the `hpy` crate, which does not
/// exist yet: when it does, this builds the crate a second time with that backend and writes a
/// second wheel beside this one, with the same metadata and a CPython tag.
pub fn build(args: &BuildArgs, editable: bool) -> Result<(PathBuf, Project)> {
    let meta = crate::metadata(args.manifest_path.as_deref())?;
    let package = crate::one_package(&meta, &args.packages, args.manifest_path.as_deref())?;
    let project = Project::read(package)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| meta.target_directory.join("wheels").into_std_path_buf());
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let lib = match <[PathBuf; 1]>::try_from(crate::build_libraries(args, &[package])?) {
        Ok([lib]) => lib,
        Err(_) => bail!(
            "`cargo build` produced more than one library for {}",
            package.name
        ),
    };
    let module = artifact::module_name(&lib)?;
    let needs = platform::needs(&lib)?;
    let (platform_tag, warning) = needs.tag();
    if let Some(w) = warning {
        eprintln!("warning: {}: {w}", lib.display());
    }
    let tag = format!("py3-none-{platform_tag}");
    let mut writer = WheelWriter::create(&out_dir, &project, &tag)?;
    let source = layout::python_source(&project.crate_dir, &module)?;
    if editable {
        // The module is built where the import finds it, which a `.pth` names: the project's
        // Python package, or a folder of its own in the target directory.
        let (dir, path_entry) = match &source {
            Some(s) => (s.root.join(&s.package), s.root.clone()),
            None => {
                let dir = meta
                    .target_directory
                    .join("hpy")
                    .join("editable")
                    .join(project.escaped_name())
                    .into_std_path_buf();
                crate::create_out_dir(&dir)?;
                let abs = std::fs::canonicalize(&dir)?;
                (abs.clone(), abs)
            }
        };
        artifact::install(&lib, &module, &dir)?;
        let line = format!("{}\n", path_entry.display());
        writer.add(
            &format!("_{module}_hpy_editable.pth"),
            line.as_bytes(),
            false,
        )?;
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
                for (name, file) in s.files(&module)? {
                    let data = std::fs::read(&file)
                        .with_context(|| format!("reading {}", file.display()))?;
                    writer.add(&name, &data, false)?;
                }
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
    let path = writer.finish(&project, &tag)?;
    eprintln!("    Wrote {}", path.display());
    Ok((path, project))
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
