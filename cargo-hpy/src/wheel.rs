//! Writing a wheel (PEP 427 / the binary distribution format): the files, then the dist-info
//! folder with `METADATA`, `WHEEL` and `RECORD` last, each entry hashed as it is written.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::metadata::Project;

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
        let options =
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
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
