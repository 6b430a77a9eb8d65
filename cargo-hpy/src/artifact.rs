//! Finding the module name in a built library and installing it under HPy's file name.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::library::Library;

/// The module name, read from the library's `HPyInit_<name>` export.
pub fn module_name(lib: &Library) -> Result<String> {
    module_name_with(lib, "HPyInit_")
}

/// The module name, read from the library's `<prefix><name>` export (`HPyInit_` for the
/// universal ABI, `PyInit_` for the CPython ABI).
pub fn module_name_with(lib: &Library, prefix: &str) -> Result<String> {
    let mut names: Vec<String> = lib
        .exports()?
        .into_iter()
        .filter_map(|n| {
            n.strip_prefix(prefix)
                .filter(|rest| !n.starts_with("HPyInitGlobalContext_") && !rest.is_empty())
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    names.dedup();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] if prefix == "HPyInit_" && module_name_with(lib, "PyInit_").is_ok() => bail!(
            "{} is an ordinary CPython extension (it exports `PyInit_<module>`, not \
             `HPyInit_<module>`): the `hpy` crate's `cpython-abi` feature is on; build it with \
             `--abi cpython` instead",
            lib.path.display()
        ),
        [] => bail!(
            "{} exports no `{prefix}<module>` function: is there an `#[hpy_module]` in the crate?",
            lib.path.display()
        ),
        many => bail!(
            "{} defines several HPy modules ({}); build one module per crate",
            lib.path.display(),
            many.join(", ")
        ),
    }
}

/// HPy's loader takes the ABI tag from the first `.hpy` in the whole path, so a directory whose
/// name contains `.hpy` makes every module below it unloadable.
pub fn check_out_dir(dir: &Path) -> Result<()> {
    let abs = std::fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?;
    if abs.to_string_lossy().contains(".hpy") {
        bail!(
            "the output directory {} contains `.hpy` in its path; HPy's loader would read the ABI \
             tag from there and refuse the module. Choose another --out",
            abs.display()
        );
    }
    Ok(())
}

/// The library's file name: `<module>.hpy0.so` (HPy's universal ABI tag).
pub fn so_name(module: &str) -> String {
    format!("{module}.hpy0.{}", std::env::consts::DLL_EXTENSION)
}

/// What an install wrote: the library, the loader stub (universal ABI only) and the type stub
/// (when the library describes its module).
pub struct Installed {
    pub so: PathBuf,
    pub py: Option<PathBuf>,
    pub pyi: Option<PathBuf>,
}

/// Copies the library to `<out>/<module>.hpy0.so` and writes `<out>/<module>.py` and, from the
/// description in the library, `<out>/<module>.pyi`.
pub fn install(lib: &Library, module: &str, out: &Path) -> Result<Installed> {
    install_named(lib, module, &so_name(module), out)
}

/// [`install`] with the library named `so_name` (a hybrid module's `<module>.hpy0-<tag>.so`).
pub fn install_named(lib: &Library, module: &str, so_name: &str, out: &Path) -> Result<Installed> {
    let so = copy_library(lib, out, so_name)?;
    let py = out.join(format!("{module}.py"));
    std::fs::write(&py, crate::loader::loader_source(module, so_name))
        .with_context(|| format!("writing {}", py.display()))?;
    let pyi = write_type_stub(lib, module, out)?;
    Ok(Installed {
        so,
        py: Some(py),
        pyi,
    })
}

/// Copies a CPython-ABI library to `<out>/<module><ext_suffix>` and writes `<out>/<module>.pyi`
/// from the description in the library (no loader stub: CPython imports the file itself).
pub fn install_cpython(
    lib: &Library,
    module: &str,
    ext_suffix: &str,
    out: &Path,
) -> Result<Installed> {
    let so = copy_library(lib, out, &format!("{module}{ext_suffix}"))?;
    let pyi = write_type_stub(lib, module, out)?;
    Ok(Installed { so, py: None, pyi })
}

/// Writes `lib` to `<out>/<name>` through a temporary file and a rename: a process that has the
/// old file mapped keeps it intact.
fn copy_library(lib: &Library, out: &Path, name: &str) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let so = out.join(name);
    let tmp = out.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, lib.data()).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", tmp.display()))?;
    std::fs::rename(&tmp, &so).with_context(|| format!("writing {}", so.display()))?;
    Ok(so)
}

/// Writes `<out>/<module>.pyi` from the description in the library, if it has one.
fn write_type_stub(lib: &Library, module: &str, out: &Path) -> Result<Option<PathBuf>> {
    let Some(stub) = crate::pyi::read(lib, module)? else {
        return Ok(None);
    };
    let pyi = out.join(format!("{module}.pyi"));
    std::fs::write(&pyi, stub).with_context(|| format!("writing {}", pyi.display()))?;
    Ok(Some(pyi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_dir_with_hpy_in_its_path_is_refused() {
        let base = std::env::temp_dir().join(format!("cargo-hpy-test-{}", std::process::id()));
        let bad = base.join("x.hpycache");
        std::fs::create_dir_all(&bad).unwrap();
        assert!(check_out_dir(&bad)
            .unwrap_err()
            .to_string()
            .contains(".hpy"));
        assert!(check_out_dir(&base).is_ok());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_library_without_hpy_init_is_refused() {
        // This test binary itself is an ELF file with no HPyInit_ export.
        let me = Library::read(&std::env::current_exe().unwrap()).unwrap();
        let err = module_name(&me).unwrap_err().to_string();
        assert!(err.contains("exports no `HPyInit_<module>`"), "{err}");
    }
}
