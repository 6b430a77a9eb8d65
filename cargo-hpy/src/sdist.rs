//! `cargo hpy sdist`: a source distribution (`<name>-<version>.tar.gz`) that pip can build on a
//! machine with Rust and the build backend.
//!
//! Layout: the crate's files (as `cargo package --list` selects them) at the top, with
//! `PKG-INFO` and a `pyproject.toml` (the crate's own, or one naming the backend), and every
//! crate it reaches through `path` dependencies (normal and build; the SDK's `hpy`, `hpy-sys`
//! and `hpy-macros` when it uses them by path) under `path-deps/<crate>/`. Each `Cargo.toml` is
//! rewritten to stand alone: values inherited from a workspace are filled in, `path`s point
//! into the archive, dev-dependencies are dropped (an sdist builds the library, not its tests),
//! and the top crate becomes its own workspace with the original workspace's profiles and
//! `Cargo.lock`. Git and registry dependencies stay as they are, so the build needs the network
//! (or cargo's cache) for those.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use toml::{Table, Value};

use crate::metadata::Project;
use crate::SdistArgs;

/// The folder of the archive that holds the crates reached by path.
const PATH_DEPS: &str = "path-deps";

/// The `pyproject.toml` written for a crate that has none: the backend only; the metadata is in
/// `PKG-INFO`.
const DEFAULT_PYPROJECT: &str =
    "[build-system]\nrequires = [\"hpy-rs-build\"]\nbuild-backend = \"hpy_rs_build\"\n";

fn read_manifest(dir: &Path) -> Result<Table> {
    let path = dir.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.parse::<Table>()
        .with_context(|| format!("parsing {}", path.display()))
}

/// The workspace root above `dir` (or `dir` itself), with its manifest.
fn workspace_of(dir: &Path) -> Result<Option<(PathBuf, Table)>> {
    for d in dir.ancestors() {
        if d.join("Cargo.toml").is_file() {
            let m = read_manifest(d)?;
            if m.contains_key("workspace") {
                return Ok(Some((d.to_path_buf(), m)));
            }
        }
    }
    Ok(None)
}

/// The files `cargo package` would ship for the crate in `dir`, relative to it, without the
/// files it generates.
fn package_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let out = crate::workspace::cargo()
        .args(["package", "--list", "--allow-dirty", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .context("running `cargo package --list`")?;
    if !out.status.success() {
        bail!(
            "`cargo package --list` failed for {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            !matches!(
                *l,
                "Cargo.toml" | "Cargo.toml.orig" | "Cargo.lock" | ".cargo_vcs_info.json"
            )
        })
        .map(PathBuf::from)
        .collect())
}

/// Crates reached by path: their directory on disk and their folder in the archive.
struct Vendored {
    dirs: BTreeMap<PathBuf, String>,
    queue: Vec<PathBuf>,
}

impl Vendored {
    /// The archive folder (relative to the archive's top) of the crate in `dir`.
    fn place(&mut self, dir: &Path) -> Result<String> {
        if let Some(p) = self.dirs.get(dir) {
            return Ok(p.clone());
        }
        let manifest = read_manifest(dir)?;
        let name = manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .with_context(|| format!("{}/Cargo.toml has no package name", dir.display()))?;
        let place = format!("{PATH_DEPS}/{name}");
        if self.dirs.values().any(|p| *p == place) {
            bail!("two path dependencies are both named `{name}`");
        }
        self.dirs.insert(dir.to_path_buf(), place.clone());
        self.queue.push(dir.to_path_buf());
        Ok(place)
    }
}

/// Rewrites one dependency entry: fills in what it inherits and points a `path` into the
/// archive (relative to `here`, the crate's own folder there).
fn rewrite_dependency(
    name: &str,
    value: &Value,
    own_dir: &Path,
    workspace: Option<&(PathBuf, Table)>,
    here: &str,
    vendored: &mut Vendored,
) -> Result<Value> {
    let mut dep = match value {
        Value::Table(t) => t.clone(),
        other => return Ok(other.clone()),
    };
    let mut base_dir = own_dir.to_path_buf();
    if dep.get("workspace").and_then(Value::as_bool) == Some(true) {
        let (ws_dir, ws) = workspace.with_context(|| {
            format!("`{name}` is inherited from a workspace that was not found")
        })?;
        let inherited = ws
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(|d| d.get(name))
            .with_context(|| format!("the workspace defines no dependency `{name}`"))?;
        let mut merged = match inherited {
            Value::String(v) => {
                Table::from_iter([("version".to_owned(), Value::String(v.clone()))])
            }
            Value::Table(t) => t.clone(),
            other => bail!("workspace dependency `{name}` is {other}"),
        };
        dep.remove("workspace");
        for (k, v) in dep {
            match (k.as_str(), merged.get_mut("features"), &v) {
                ("features", Some(Value::Array(have)), Value::Array(more)) => {
                    have.extend(more.iter().cloned())
                }
                _ => {
                    merged.insert(k, v);
                }
            }
        }
        dep = merged;
        base_dir = ws_dir.clone();
    }
    if let Some(path) = dep.get("path").and_then(Value::as_str) {
        let dir = std::fs::canonicalize(base_dir.join(path))
            .with_context(|| format!("resolving the path of `{name}`"))?;
        let place = vendored.place(&dir)?;
        let depth = here.split('/').filter(|s| !s.is_empty()).count();
        let rel = format!("{}{place}", "../".repeat(depth));
        dep.insert("path".into(), Value::String(rel));
    }
    Ok(Value::Table(dep))
}

fn rewrite_dependency_tables(
    table: &mut Table,
    own_dir: &Path,
    workspace: Option<&(PathBuf, Table)>,
    here: &str,
    vendored: &mut Vendored,
) -> Result<()> {
    table.remove("dev-dependencies");
    table.remove("dev_dependencies");
    for key in ["dependencies", "build-dependencies", "build_dependencies"] {
        if let Some(Value::Table(deps)) = table.get(key).cloned() {
            let mut out = Table::new();
            for (name, v) in &deps {
                let rewritten = rewrite_dependency(name, v, own_dir, workspace, here, vendored)?;
                out.insert(name.clone(), rewritten);
            }
            table.insert(key.to_owned(), Value::Table(out));
        }
    }
    Ok(())
}

/// The stand-alone `Cargo.toml` of the crate in `dir`, placed at `here` in the archive.
fn rewrite_manifest(dir: &Path, here: &str, vendored: &mut Vendored) -> Result<String> {
    let mut manifest = read_manifest(dir)?;
    let workspace = workspace_of(dir)?;
    let ws_package = workspace
        .as_ref()
        .and_then(|(_, w)| w.get("workspace"))
        .and_then(|w| w.get("package"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Table(package)) = manifest.get_mut("package") {
        let keys: Vec<String> = package.keys().cloned().collect();
        for key in keys {
            let inherits = package
                .get(&key)
                .and_then(|v| v.get("workspace"))
                .and_then(Value::as_bool)
                == Some(true);
            if !inherits {
                continue;
            }
            // Files named relative to the workspace root are not shipped.
            match ws_package.get(&key) {
                Some(v) if !matches!(key.as_str(), "readme" | "license-file") => {
                    package.insert(key, v.clone());
                }
                _ => {
                    package.remove(&key);
                }
            }
        }
        package.remove("workspace");
    }
    if manifest
        .get("lints")
        .and_then(|l| l.get("workspace"))
        .is_some()
    {
        manifest.remove("lints");
    }
    rewrite_dependency_tables(&mut manifest, dir, workspace.as_ref(), here, vendored)?;
    if let Some(Value::Table(targets)) = manifest.get_mut("target") {
        for (_, spec) in targets.iter_mut() {
            if let Value::Table(t) = spec {
                rewrite_dependency_tables(t, dir, workspace.as_ref(), here, vendored)?;
            }
        }
    }
    manifest.remove("workspace");
    manifest.remove("patch");
    if here.is_empty() {
        // The top crate is its own workspace (the vendored crates below it become members),
        // with the profiles of the workspace it came from.
        manifest.insert("workspace".into(), Value::Table(Table::new()));
        if let Some(profile) = workspace.as_ref().and_then(|(_, w)| w.get("profile")) {
            manifest.entry("profile").or_insert_with(|| profile.clone());
        }
    } else {
        manifest.remove("profile");
    }
    Ok(toml::to_string(&manifest)?)
}

fn append(
    tar: &mut tar::Builder<GzEncoder<File>>,
    path: &str,
    data: &[u8],
    mode: u32,
) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(mode);
    // 1980-01-01, as in wheels: the same sources give the same archive.
    header.set_mtime(315_532_800);
    tar.append_data(&mut header, path, data)
        .with_context(|| format!("adding {path} to the sdist"))
}

fn mode_of(path: &Path) -> Result<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let executable = std::fs::metadata(path)?.permissions().mode() & 0o111 != 0;
        Ok(if executable { 0o755 } else { 0o644 })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(0o644)
    }
}

/// Writes the sdist and returns its path.
pub fn sdist(args: &SdistArgs) -> Result<PathBuf> {
    let meta = crate::workspace::metadata(args.manifest_path.as_deref())?;
    let requested: Vec<String> = args.package.iter().cloned().collect();
    let package = crate::workspace::one_package(&meta, &requested, args.manifest_path.as_deref())?;
    let project = Project::read(
        package,
        crate::workspace::kind(package).unwrap_or(crate::workspace::Kind::Hpy),
    )?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| meta.target_directory.join("wheels").into_std_path_buf());
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let stem = project.stem();
    let path = out_dir.join(format!("{stem}.tar.gz"));
    let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, Compression::default()));

    let crate_dir = std::fs::canonicalize(&project.crate_dir)?;
    let mut vendored = Vendored {
        dirs: BTreeMap::new(),
        queue: Vec::new(),
    };
    // The top crate, then each crate reached by path (found while rewriting manifests).
    let mut crates = vec![(crate_dir.clone(), String::new())];
    while let Some((dir, here)) = crates.pop() {
        let manifest = rewrite_manifest(&dir, &here, &mut vendored)?;
        let prefix = if here.is_empty() {
            stem.clone()
        } else {
            format!("{stem}/{here}")
        };
        append(
            &mut tar,
            &format!("{prefix}/Cargo.toml"),
            manifest.as_bytes(),
            0o644,
        )?;
        for file in package_files(&dir)? {
            let src = dir.join(&file);
            let data = std::fs::read(&src).with_context(|| format!("reading {}", src.display()))?;
            let name = format!("{prefix}/{}", file.to_string_lossy().replace('\\', "/"));
            append(&mut tar, &name, &data, mode_of(&src)?)?;
        }
        for next in vendored.queue.drain(..) {
            let place = vendored.dirs[&next].clone();
            crates.push((next, place));
        }
    }
    if !project.has_pyproject {
        append(
            &mut tar,
            &format!("{stem}/pyproject.toml"),
            DEFAULT_PYPROJECT.as_bytes(),
            0o644,
        )?;
    }
    let lock = meta.workspace_root.join("Cargo.lock");
    if lock.is_file() {
        let data = std::fs::read(&lock)?;
        append(&mut tar, &format!("{stem}/Cargo.lock"), &data, 0o644)?;
    }
    append(
        &mut tar,
        &format!("{stem}/PKG-INFO"),
        project.metadata_file().as_bytes(),
        0o644,
    )?;
    tar.into_inner()?.finish()?;
    eprintln!("    Wrote {}", path.display());
    Ok(path)
}

/// Lets a test check that a rewritten manifest is what cargo reads back.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_values_and_paths_are_filled_in() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut vendored = Vendored {
            dirs: BTreeMap::new(),
            queue: Vec::new(),
        };
        let text = rewrite_manifest(&root.join("examples/hello"), "", &mut vendored).unwrap();
        let m: Table = text.parse().unwrap();
        assert_eq!(m["package"]["edition"].as_str(), Some("2021"));
        assert_eq!(
            m["dependencies"]["hpy"]["path"].as_str(),
            Some("path-deps/hpy")
        );
        assert!(m["workspace"].as_table().unwrap().is_empty());
        assert!(m["profile"]["release"].get("lto").is_some());
        let hpy_dir = std::fs::canonicalize(root.join("hpy")).unwrap();
        let text = rewrite_manifest(&hpy_dir, "path-deps/hpy", &mut vendored).unwrap();
        let m: Table = text.parse().unwrap();
        assert_eq!(
            m["dependencies"]["hpy-sys"]["path"].as_str(),
            Some("../../path-deps/hpy-sys")
        );
        assert!(m.get("dev-dependencies").is_none());
    }
}
