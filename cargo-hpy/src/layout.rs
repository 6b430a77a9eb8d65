//! Where the module goes in a wheel: alone (`<module>/__init__.py` beside the library), or inside
//! a Python package of the project's own (`[tool.hpy-rs]` in `pyproject.toml`):
//!
//! ```toml
//! [tool.hpy-rs]
//! python-source = "python"          # holds mypkg/__init__.py, ...
//! module-name = "mypkg._native"     # the extension module, #[hpy_module(name = "_native")]
//! ```
//!
//! The same table's `abi = "universal" | "cpython"` chooses what `cargo hpy wheel` and
//! `cargo hpy develop` (and so `pip install .`) build when `--abi` is not given.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

/// A project's Python package, when it has one.
pub struct PythonSource {
    /// The folder that holds the package folders (`python` above), absolute.
    pub root: PathBuf,
    /// The package the extension module is placed in, as a path (`mypkg`).
    pub package: String,
}

/// Reads `[tool.hpy-rs]` from the crate's `pyproject.toml`; `module` is the name the library
/// exports (`HPyInit_<module>`, or `PyInit_<module>` for a CPython extension crate), which must
/// be the last part of `module-name`.
pub fn python_source(crate_dir: &Path, module: &str) -> Result<Option<PythonSource>> {
    let Some(tool) = tool_table(crate_dir)? else {
        return Ok(None);
    };
    let source = tool.get("python-source").and_then(toml::Value::as_str);
    let name = tool.get("module-name").and_then(toml::Value::as_str);
    let (source, name) = match (source, name) {
        (Some(source), Some(name)) => (source, name),
        (None, None) => return Ok(None),
        _ => bail!("pyproject.toml: [tool.hpy-rs] needs both `python-source` and `module-name`"),
    };
    let Some((package, last)) = name.rsplit_once('.') else {
        bail!(
            "pyproject.toml: `module-name` names the module inside the package (`mypkg._native`)"
        );
    };
    if last != module {
        bail!(
            "pyproject.toml: `module-name` ends in `{last}`, but the library defines the module \
             `{module}`: write #[hpy_module(name = \"{last}\")]"
        );
    }
    let root = std::fs::canonicalize(crate_dir.join(source))
        .with_context(|| format!("resolving python-source `{source}`"))?;
    let package = package.replace('.', "/");
    if !root.join(&package).join("__init__.py").is_file() {
        bail!(
            "python-source: {} has no {package}/__init__.py",
            root.display()
        );
    }
    Ok(Some(PythonSource { root, package }))
}

/// `[tool.hpy-rs]` of the crate's `pyproject.toml`, if it has one.
fn tool_table(crate_dir: &Path) -> Result<Option<toml::Table>> {
    let path = crate_dir.join("pyproject.toml");
    if !path.is_file() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    Ok(match table.remove("tool") {
        Some(toml::Value::Table(mut tool)) => match tool.remove("hpy-rs") {
            Some(toml::Value::Table(t)) => Some(t),
            _ => None,
        },
        _ => None,
    })
}

/// `abi` of `[tool.hpy-rs]`: the ABI the project's wheels are built for by default.
pub fn abi_setting(crate_dir: &Path) -> Result<Option<crate::abi::Abi>> {
    let Some(tool) = tool_table(crate_dir)? else {
        return Ok(None);
    };
    match tool.get("abi") {
        None => Ok(None),
        Some(toml::Value::String(s)) if s == "universal" => Ok(Some(crate::abi::Abi::Universal)),
        Some(toml::Value::String(s)) if s == "cpython" => Ok(Some(crate::abi::Abi::Cpython)),
        Some(other) => bail!(
            "pyproject.toml: [tool.hpy-rs] abi must be \"universal\" or \"cpython\", not {other}"
        ),
    }
}

impl PythonSource {
    /// The files under the source folder (path in the wheel, path on disk), sorted, without
    /// bytecode caches and without the module's own build output (left there by `develop`: the
    /// loader, the type stub, and any library `<module>.*.so`, universal or for a CPython).
    pub fn files(&self, module: &str) -> Result<Vec<(String, PathBuf)>> {
        let own: Vec<String> = ["py", "pyi"]
            .iter()
            .map(|ext| format!("{}/{module}.{ext}", self.package))
            .collect();
        let library_prefix = format!("{}/{module}.", self.package);
        let library_suffix = format!(".{}", std::env::consts::DLL_EXTENSION);
        let is_library = |rel: &str| {
            rel.strip_prefix(&library_prefix)
                .is_some_and(|rest| rest.ends_with(&library_suffix))
        };
        let mut out = Vec::new();
        let mut dirs = vec![self.root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in
                std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let path = entry?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name == "__pycache__" || name.ends_with(".pyc") || name.starts_with('.') {
                    continue;
                }
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&self.root)
                    .expect("below the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                if !own.contains(&rel) && !is_library(&rel) {
                    out.push((rel, path));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
