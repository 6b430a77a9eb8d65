//! `cargo hpy new NAME`: a project that builds, installs with pip and passes its test.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::Args;

/// Arguments of `cargo hpy new`.
#[derive(Args)]
pub struct NewArgs {
    /// The project's name: the crate, the Python module and the distribution (a Python
    /// identifier).
    name: String,
    /// Where to create it (default: `./NAME`).
    #[arg(long)]
    path: Option<PathBuf>,
    /// Depend on the SDK through a local checkout (the `hpy` crate's folder) instead of git.
    #[arg(long)]
    hpy_path: Option<PathBuf>,
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn files(name: &str, hpy_dep: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "Cargo.toml",
            format!(
                r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "An HPy extension module written in Rust"

[lib]
crate-type = ["cdylib"]

[dependencies]
hpy = {hpy_dep}

[features]
# The CPython-ABI backend, which `cargo hpy build --abi cpython` turns on; declared here so that
# Cargo.lock records its dependencies (pyo3-ffi) like the others.
cpython-abi = ["hpy/cpython-abi"]

[profile.release]
lto = "thin"
codegen-units = 1
"#
            ),
        ),
        (
            "pyproject.toml",
            format!(
                r#"[build-system]
requires = ["hpy-rs-build"]
build-backend = "hpy_rs_build"

[project]
name = "{name}"
version = "0.1.0"
description = "An HPy extension module written in Rust"
requires-python = ">=3.11"
# The HPy runtime: CPython needs hpy-rs-runtime (a wheel per CPython version), PyPy has HPy built
# in.
dependencies = ["{runtime}"]

[tool.hpy-rs]
# What `pip install .`, `cargo hpy wheel` and `cargo hpy develop` build: "universal" (one wheel
# for every interpreter: PyPy, and CPython through the runtime) or "cpython" (an ordinary CPython
# extension for each CPython, `cp3XY` wheels, no runtime; PyPy still gets the universal one).
abi = "universal"
"#,
                runtime = crate::metadata::HPY_RUNTIME
            ),
        ),
        (
            "src/lib.rs",
            format!(
                r#"/// The {name} extension module.
#[hpy::hpy_module]
mod {name} {{
    use hpy::prelude::*;

    /// Return the sum of two integers.
    #[hpy_method]
    fn add(a: i64, b: i64) -> HPyResult<i64> {{
        a.checked_add(b)
            .ok_or_else(|| HPyErr::overflow_error("result does not fit in 64 bits"))
    }}

    /// Return a greeting for `name`.
    #[hpy_method]
    fn greet(name: &str) -> String {{
        format!("Hello, {{name}}!")
    }}
}}
"#
            ),
        ),
        (
            "tests/test_module.py",
            format!(
                r#"import {name}


def test_add():
    assert {name}.add(1, 2) == 3


def test_greet():
    assert {name}.greet("world") == "Hello, world!"
"#
            ),
        ),
        (".gitignore", "/target\n/.venv\n__pycache__/\n".to_owned()),
        (
            "README.md",
            format!(
                r#"# {name}

An HPy extension module in Rust: one `{name}.hpy0.so` for CPython 3.11+ (with the runtime
`hpy-rs-runtime`, which pip installs with the wheel) and PyPy 3.11.

```sh
python -m venv .venv && source .venv/bin/activate
pip install . pytest       # builds the wheel with cargo hpy (needs the hpy-rs-build backend)
pytest tests
cargo hpy develop          # editable install; run again after changing src/lib.rs
```
"#
            ),
        ),
    ]
}

/// Creates the project.
pub fn new(args: &NewArgs) -> Result<()> {
    if !is_identifier(&args.name) {
        bail!(
            "`{}` cannot be a Python module name: use letters, digits and `_`, not starting with \
             a digit",
            args.name
        );
    }
    let dir = args
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    let hpy_dep = match &args.hpy_path {
        Some(p) => {
            let abs = std::fs::canonicalize(p)
                .with_context(|| format!("resolving --hpy-path {}", p.display()))?;
            if !abs.join("Cargo.toml").is_file() {
                bail!(
                    "{} holds no Cargo.toml (name the `hpy` crate's folder)",
                    abs.display()
                );
            }
            format!("{{ path = {:?} }}", abs.display().to_string())
        }
        None => "{ git = \"https://github.com/hpy-rs/hpy-rs\" }".to_owned(),
    };
    for (file, text) in files(&args.name, &hpy_dep) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    eprintln!("    Created {} in {}", args.name, dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_must_be_python_identifiers() {
        assert!(super::is_identifier("my_mod2"));
        assert!(!super::is_identifier("2mod"));
        assert!(!super::is_identifier("my-mod"));
    }
}
