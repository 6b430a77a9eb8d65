//! `cargo xtask bindings [--check] [--hpy-python PY] [--pypy-python PY]`
//!
//! Regenerates the bindings `hpy-sys` ships in `hpy-sys/src/generated/` by running bindgen over
//! two header sets: HPy 0.9.0's (the `hpy.devel` package of `--hpy-python`, default `python3`,
//! which must have `hpy==0.9.0`) and PyPy 3.11's HPy 0.9.1 (`--pypy-python`, default `pypy3.11`).
//! Either may instead be given as the directory holding `hpy.h` (`--hpy-include`,
//! `--pypy-include`). With `--check` nothing is written: the command fails, naming the first
//! difference, if the checked-in files are not what bindgen produces now. Needs libclang.

#[path = "../../hpy-sys/generate.rs"]
mod generate;
#[path = "../../hpy-sys/locate.rs"]
mod locate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask bindings [--check] [--hpy-python PY | --hpy-include DIR] \
                     [--pypy-python PY | --pypy-include DIR]";

/// Where one header set comes from.
enum Source {
    Python(String),
    Include(PathBuf),
}

impl Source {
    fn include(&self) -> Result<PathBuf, String> {
        match self {
            Source::Python(python) => locate::include_dir_of_python(python),
            Source::Include(dir) => Ok(dir.clone()),
        }
    }
}

struct Options {
    check: bool,
    hpy: Source,
    pypy: Source,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    if args.next().as_deref() != Some("bindings") {
        return Err(USAGE.to_owned());
    }
    let mut options = Options {
        check: false,
        hpy: Source::Python("python3".to_owned()),
        pypy: Source::Python("pypy3.11".to_owned()),
    };
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--check" => options.check = true,
            "--hpy-python" => options.hpy = Source::Python(value()?),
            "--hpy-include" => options.hpy = Source::Include(value()?.into()),
            "--pypy-python" => options.pypy = Source::Python(value()?),
            "--pypy-include" => options.pypy = Source::Include(value()?.into()),
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The first line at which `old` and `new` differ, shown with both versions.
fn first_difference(old: &str, new: &str) -> String {
    let (mut old_lines, mut new_lines) = (old.lines(), new.lines());
    for n in 1.. {
        match (old_lines.next(), new_lines.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {n}:\n  checked in: {}\n  generated:  {}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>")
                )
            }
        }
    }
    "only in line endings".to_owned()
}

fn run(options: Options) -> Result<(), String> {
    let hpy = options.hpy.include()?;
    let pypy = options.pypy.include()?;
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hpy-sys/src/generated");
    let outputs = [
        ("universal.rs", generate::universal(&hpy)?),
        ("helpers.rs", generate::helpers(&hpy)?),
        ("pypy.rs", generate::context_extension(&pypy)?),
    ];
    let mut stale = Vec::new();
    for (name, text) in outputs {
        let path = out_dir.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if options.check {
            stale.push(format!(
                "hpy-sys/src/generated/{name} differs from bindgen's output at {}",
                first_difference(&current, &text)
            ));
        } else {
            std::fs::write(&path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote hpy-sys/src/generated/{name}");
        }
    }
    if stale.is_empty() {
        if options.check {
            eprintln!("hpy-sys/src/generated is up to date");
        }
        Ok(())
    } else {
        Err(stale.join("\n")
            + "\nFix: run `cargo xtask bindings` and commit the result, or find what changed the \
               headers or bindgen.")
    }
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
