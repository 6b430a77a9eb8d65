//! `cargo hpy develop`: an editable install into the active virtual environment.
//!
//! The crate is built into `<target dir>/hpy/editable/<name>/` (or, with `[tool.hpy-rs]`, into
//! the project's Python package), and an editable wheel holding a `.pth` that names that folder
//! (the package's source folder) is installed with the environment's pip (or uv, for an
//! environment made by uv without pip), then marked editable in `direct_url.json`. Running the
//! command again rebuilds the module in that folder (and reinstalls the metadata), so the next
//! `import` gets the new build.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _, Result};

use crate::BuildArgs;

fn python_of(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The installer: `python -m pip` when the environment has pip, else `uv pip`.
fn installer(python: &Path) -> Result<Command> {
    let has_pip = Command::new(python)
        .args(["-m", "pip", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_pip {
        let mut cmd = Command::new(python);
        cmd.args(["-m", "pip", "install", "--disable-pip-version-check", "-q"]);
        return Ok(cmd);
    }
    let mut cmd = Command::new("uv");
    cmd.args(["pip", "install", "-q", "--python"]).arg(python);
    if cmd_exists("uv") {
        Ok(cmd)
    } else {
        bail!(
            "the virtual environment has no pip and `uv` is not on PATH: install pip into it \
             (`{} -m ensurepip`)",
            python.display()
        )
    }
}

fn cmd_exists(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Builds the editable wheel, installs it and marks it editable.
pub fn develop(args: &BuildArgs) -> Result<()> {
    let Some(venv) = std::env::var_os("VIRTUAL_ENV") else {
        bail!(
            "no virtual environment is active (VIRTUAL_ENV is not set): create one with \
             `python -m venv .venv` and activate it with `source .venv/bin/activate`"
        );
    };
    let python = python_of(Path::new(&venv));
    let tmp = tempfile::tempdir().context("creating a temporary folder")?;
    let mut wheel_args = args.clone();
    wheel_args.out = Some(tmp.path().to_path_buf());
    // A CPython extension crate is built for the environment's interpreter.
    wheel_args.python = vec![python.clone()];
    let (wheels, project) = crate::wheel::build(&wheel_args, true)?;
    let [wheel] = wheels.as_slice() else {
        bail!("expected one editable wheel, got {}", wheels.len());
    };

    // The wheel itself, replacing any earlier install; then its dependencies (the HPy runtime on
    // CPython), which are usually there already.
    let uses_pip = installer(&python)?.get_program() != "uv";
    let reinstall = if uses_pip {
        ["--force-reinstall", "--no-deps"]
    } else {
        ["--reinstall", "--no-deps"]
    };
    run(installer(&python)?.args(reinstall).arg(wheel))?;
    run(installer(&python)?.arg(wheel))?;

    let site = run(Command::new(&python).args([
        "-c",
        "import sysconfig; print(sysconfig.get_path('platlib'))",
    ]))?;
    let stem = project.stem();
    let dist_info = Path::new(&site).join(format!("{stem}.dist-info"));
    let url = url::Url::from_directory_path(&project.crate_dir)
        .map_err(|()| anyhow::anyhow!("{} is not an absolute path", project.crate_dir.display()))?;
    let direct_url = serde_json::json!({ "url": url.as_str(), "dir_info": { "editable": true } });
    let target = dist_info.join("direct_url.json");
    std::fs::write(&target, direct_url.to_string())
        .with_context(|| format!("writing {}", target.display()))?;
    eprintln!(
        "    Installed {stem} (editable) into {}",
        Path::new(&venv).display()
    );
    Ok(())
}
