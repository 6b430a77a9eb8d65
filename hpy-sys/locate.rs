//! Finds an installed HPy's headers. Shared by the build script (features `bindgen` and
//! `helpers`) and by `cargo xtask bindings`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Finds the `include` directory of the `hpy.devel` package of a Python interpreter, without
/// importing it (`hpy.devel` imports setuptools, which a bare interpreter may lack).
pub fn include_dir_of_python(python: &str) -> Result<PathBuf, String> {
    let script = "import importlib.util, os\n\
                  spec = importlib.util.find_spec('hpy.devel')\n\
                  assert spec is not None, 'no module named hpy.devel'\n\
                  print(os.path.abspath(spec.submodule_search_locations[0]))";
    match Command::new(python).args(["-c", script]).output() {
        Ok(o) if o.status.success() => {
            let devel = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            Ok(devel.join("include"))
        }
        Ok(o) => Err(format!(
            "`{python}` could not locate `hpy.devel`:\n{}\nFix: install HPy 0.9 into that Python \
             (`{python} -m pip install hpy==0.9.0`), or name a Python that ships it (PyPy 3.11 \
             has it built in), or give the directory that contains hpy.h.",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "cannot run the Python interpreter `{python}` ({e}).\nFix: install Python 3 with \
             `pip install hpy==0.9.0`, or name an interpreter that has HPy, or give the directory \
             that contains hpy.h."
        )),
    }
}

/// The `HPY_VERSION` string of the headers in `include`.
pub fn header_version(include: &Path) -> Result<String, String> {
    let path = include.join("hpy").join("version.h");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("#define HPY_VERSION "))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| format!("{} defines no HPY_VERSION", path.display()))
}
