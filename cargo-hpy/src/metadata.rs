//! The Python distribution's core metadata (METADATA / PKG-INFO, version 2.4), taken from the
//! crate's `Cargo.toml` and, where present, the `[project]` table of its `pyproject.toml`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context as _, Result};
use cargo_metadata::Package;
use pep440_rs::Version;
use pep508_rs::{PackageName, Requirement};
use pyproject_toml::{License, PyProjectToml, ReadMe};

use crate::workspace::Kind;

/// The requirement every universal wheel carries: an HPy runtime on CPython, this project's
/// `hpy-rs-runtime` (a wheel per CPython version, so no C compiler is needed). PyPy has HPy built
/// in, and the marker keeps pip and uv on PyPy from looking for a runtime.
pub const HPY_RUNTIME: &str = "hpy-rs-runtime; platform_python_implementation == 'CPython'";

/// The distributions that provide an HPy runtime on CPython: a static `[project]`
/// `dependencies` naming either one satisfies the check of [`Project::read`] (`hpy`, the
/// `hpy==0.9.0` package, is the older choice, and the loader stub still uses it when
/// `hpy-rs-runtime` is not installed).
const RUNTIME_DISTRIBUTIONS: [&str; 2] = ["hpy-rs-runtime", "hpy"];

/// What the metadata files say about one distribution.
#[derive(Clone, Debug)]
pub struct Project {
    /// The distribution name as written by the user.
    pub name: String,
    /// The version, PEP 440.
    pub version: Version,
    summary: Option<String>,
    requires_python: Option<String>,
    requires_dist: Vec<Requirement>,
    license: Option<String>,
    urls: Vec<(String, String)>,
    readme: Option<(String, String)>,
    /// The crate's directory.
    pub crate_dir: PathBuf,
    /// Whether the crate has its own `pyproject.toml`.
    pub has_pyproject: bool,
}

fn read_pyproject(dir: &Path) -> Result<Option<PyProjectToml>> {
    let path = dir.join("pyproject.toml");
    if !path.is_file() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let parsed =
        PyProjectToml::new(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(Some(parsed))
}

fn content_type(file: &str) -> &'static str {
    if file.ends_with(".md") {
        "text/markdown"
    } else if file.ends_with(".rst") {
        "text/x-rst"
    } else {
        "text/plain"
    }
}

impl Project {
    /// Reads the metadata of `package`; `[project]` values win over `Cargo.toml`'s. An HPy crate
    /// ([`Kind::Hpy`]) requires an HPy runtime on CPython ([`HPY_RUNTIME`]); a CPython extension
    /// crate only what its `pyproject.toml` lists.
    pub fn read(package: &Package, kind: Kind) -> Result<Project> {
        let crate_dir = package
            .manifest_path
            .parent()
            .expect("a manifest has a directory")
            .as_std_path()
            .to_path_buf();
        let pyproject = read_pyproject(&crate_dir)?;
        let project = pyproject.as_ref().and_then(|p| p.project.as_ref());
        let name = project.map_or_else(|| package.name.to_string(), |p| p.name.clone());
        PackageName::from_str(&name)
            .with_context(|| format!("`{name}` is not a valid Python distribution name"))?;
        let version = match project.and_then(|p| p.version.clone()) {
            Some(v) => v,
            None => Version::from_str(&package.version.to_string()).with_context(|| {
                format!(
                    "the crate version {} is not a PEP 440 version: set `version` in \
                     pyproject.toml's [project]",
                    package.version
                )
            })?,
        };
        let summary = project
            .and_then(|p| p.description.clone())
            .or_else(|| package.description.clone())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
        let requires_python = project
            .and_then(|p| p.requires_python.as_ref())
            .map(ToString::to_string);
        let mut requires_dist: Vec<Requirement> = project
            .and_then(|p| p.dependencies.clone())
            .unwrap_or_default();
        let runtimes =
            RUNTIME_DISTRIBUTIONS.map(|n| PackageName::from_str(n).expect("a valid name"));
        if kind == Kind::Hpy && !requires_dist.iter().any(|r| runtimes.contains(&r.name)) {
            // PEP 621: a `[project]` whose dependencies are not `dynamic` lists them all, and
            // installers (uv) read them from pyproject.toml without asking the backend.
            let dynamic = project.is_none_or(|p| {
                p.dynamic
                    .as_ref()
                    .is_some_and(|d| d.iter().any(|f| f == "dependencies"))
            });
            if !dynamic {
                bail!(
                    "pyproject.toml: [project] dependencies must include the HPy runtime, \
                     \"{HPY_RUNTIME}\" (or name \"dependencies\" in `dynamic` to have it added)"
                );
            }
            requires_dist.push(Requirement::from_str(HPY_RUNTIME).expect("a valid requirement"));
        }
        let license = match project.and_then(|p| p.license.as_ref()) {
            Some(License::Spdx(expr)) => Some(expr.clone()),
            Some(_) => bail!("pyproject.toml: give `license` as an SPDX expression (PEP 639)"),
            None => package.license.clone(),
        };
        let mut urls: Vec<(String, String)> = project
            .and_then(|p| p.urls.as_ref())
            .map(|u| u.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        if urls.is_empty() {
            for (label, url) in [
                ("Homepage", &package.homepage),
                ("Repository", &package.repository),
            ] {
                if let Some(url) = url {
                    urls.push((label.to_owned(), url.clone()));
                }
            }
        }
        let readme = match project.and_then(|p| p.readme.as_ref()) {
            Some(ReadMe::RelativePath(file)) => Some((
                std::fs::read_to_string(crate_dir.join(file))
                    .with_context(|| format!("reading the readme {file}"))?,
                content_type(file).to_owned(),
            )),
            Some(ReadMe::Table {
                file,
                text,
                content_type: ct,
            }) => {
                let body = match (file, text) {
                    (Some(f), _) => std::fs::read_to_string(crate_dir.join(f))
                        .with_context(|| format!("reading the readme {f}"))?,
                    (None, Some(t)) => t.clone(),
                    (None, None) => bail!("pyproject.toml: `readme` needs `file` or `text`"),
                };
                let ct = ct
                    .clone()
                    .unwrap_or_else(|| content_type(file.as_deref().unwrap_or("")).to_owned());
                Some((body, ct))
            }
            // Cargo's `readme`, else the summary: indexes show a description either way.
            None => match package.readme() {
                Some(file) => Some((
                    std::fs::read_to_string(&file)
                        .with_context(|| format!("reading the readme {file}"))?,
                    content_type(file.as_str()).to_owned(),
                )),
                None => summary.clone().map(|s| (s, "text/plain".to_owned())),
            },
        };
        Ok(Project {
            name,
            version,
            summary,
            requires_python,
            requires_dist,
            license,
            urls,
            readme,
            crate_dir,
            has_pyproject: pyproject.is_some(),
        })
    }

    /// The metadata of a CPython-ABI wheel of an HPy crate: the same, less the requirement on an
    /// HPy runtime (such a module is an ordinary CPython extension, which needs none).
    pub fn without_runtime(&self) -> Project {
        let runtimes =
            RUNTIME_DISTRIBUTIONS.map(|n| PackageName::from_str(n).expect("a valid name"));
        let mut project = self.clone();
        project
            .requires_dist
            .retain(|r| !runtimes.contains(&r.name));
        project
    }

    /// `Requires-Python` as version specifiers, if the project sets it.
    pub fn requires_python(&self) -> Result<Option<pep440_rs::VersionSpecifiers>> {
        self.requires_python
            .as_deref()
            .map(|r| {
                pep440_rs::VersionSpecifiers::from_str(r)
                    .with_context(|| format!("requires-python `{r}`"))
            })
            .transpose()
    }

    /// The name as it appears in file names: runs of `-_.` become `_`, lower case.
    pub fn escaped_name(&self) -> String {
        escape(&self.name)
    }

    /// `<escaped name>-<version>`: the stem of the wheel, the sdist and the dist-info folder.
    pub fn stem(&self) -> String {
        format!("{}-{}", self.escaped_name(), self.version)
    }

    /// The text of `METADATA` (and of an sdist's `PKG-INFO`).
    pub fn metadata_file(&self) -> String {
        let mut s = String::new();
        let mut line = |k: &str, v: &str| writeln!(s, "{k}: {v}").expect("writing to a String");
        line("Metadata-Version", "2.4");
        line("Name", &self.name);
        line("Version", &self.version.to_string());
        if let Some(summary) = &self.summary {
            line("Summary", summary);
        }
        if let Some(license) = &self.license {
            line("License-Expression", license);
        }
        for (label, url) in &self.urls {
            line("Project-URL", &format!("{label}, {url}"));
        }
        if let Some(rp) = &self.requires_python {
            line("Requires-Python", rp);
        }
        for req in &self.requires_dist {
            line("Requires-Dist", &req.to_string());
        }
        if let Some((_, ct)) = &self.readme {
            line("Description-Content-Type", ct);
        }
        if let Some((body, _)) = &self.readme {
            s.push('\n');
            s.push_str(body);
        }
        s
    }
}

/// Escapes a distribution name for file names (the wheel and sdist specifications): normalized,
/// with `-` written `_`.
pub fn escape(name: &str) -> String {
    PackageName::from_str(name).map_or_else(
        |_| name.replace(['-', '.'], "_").to_lowercase(),
        |n| n.as_dist_info_name().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_for_file_names() {
        assert_eq!(escape("My-Pkg.._x"), "my_pkg_x");
        assert_eq!(escape("ujson_hpy"), "ujson_hpy");
    }

    #[test]
    fn the_runtime_requirement_parses_with_its_marker() {
        let r: Requirement = Requirement::from_str(HPY_RUNTIME).unwrap();
        assert_eq!(
            r.to_string(),
            "hpy-rs-runtime ; platform_python_implementation == 'CPython'"
        );
    }
}
