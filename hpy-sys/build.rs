//! Generates the raw universal-ABI bindings from the HPy headers of an installed HPy and compiles
//! HPy's context-only helper functions (argparse, buildvalue, format, helpers, structseq).
//!
//! Where the headers come from, in order:
//! 1. `HPY_INCLUDE_DIR`: the directory holding `hpy.h` (the helper sources are looked up in
//!    `../src/runtime` next to it, or in `HPY_RUNTIME_SRC_DIR`; without them, as in PyPy's
//!    bundled HPy, the helper functions are left out of the bindings);
//! 2. the `hpy.devel` package of the Python named by `HPY_PYTHON`;
//! 3. the `hpy.devel` package of `python3`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const HELPER_SOURCES: [&str; 5] = [
    "argparse.c",
    "buildvalue.c",
    "format.c",
    "helpers.c",
    "structseq.c",
];

fn fail(msg: &str) -> ! {
    // Cargo shows a failed build script's stderr; exit rather than panic to keep it readable.
    eprintln!("\nerror: hpy-sys: {msg}\n");
    std::process::exit(1)
}

/// Asks a Python interpreter where its `hpy.devel` package lives.
fn devel_dir_from_python(python: &str) -> PathBuf {
    // Locate the package without importing it: `hpy.devel` imports setuptools, which a bare
    // interpreter (e.g. PyPy) may not have.
    let script = "import importlib.util, os\n\
                  spec = importlib.util.find_spec('hpy.devel')\n\
                  assert spec is not None, 'no module named hpy.devel'\n\
                  print(os.path.abspath(spec.submodule_search_locations[0]))";
    let out = Command::new(python).args(["-c", script]).output();
    match out {
        Ok(o) if o.status.success() => PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
        Ok(o) => fail(&format!(
            "cannot find the HPy headers: `{python}` could not locate `hpy.devel`:\n{}\n\
             Fix: install HPy 0.9 into that Python (`{python} -m pip install hpy==0.9.0`), or set \
             HPY_PYTHON to a Python that ships it (PyPy 3.11 has it built in), or set HPY_INCLUDE_DIR \
             to the directory that contains hpy.h.",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => fail(&format!(
            "cannot run the Python interpreter `{python}` to locate the HPy headers ({e}).\n\
             Fix: install Python 3 with `pip install hpy==0.9.0`, or set HPY_PYTHON to an interpreter \
             that has HPy, or set HPY_INCLUDE_DIR to the directory that contains hpy.h."
        )),
    }
}

/// Returns the include dir and, if HPy's helper sources are there, their directory.
fn locate() -> (PathBuf, Option<PathBuf>) {
    for var in [
        "HPY_INCLUDE_DIR",
        "HPY_RUNTIME_SRC_DIR",
        "HPY_PYTHON",
        "LIBCLANG_PATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let include = match env::var_os("HPY_INCLUDE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let python = env::var("HPY_PYTHON").unwrap_or_else(|_| "python3".to_owned());
            devel_dir_from_python(&python).join("include")
        }
    };
    if !include.join("hpy.h").is_file() {
        fail(&format!(
            "no hpy.h in {}.\nFix: point HPY_INCLUDE_DIR at the `include` directory of an HPy 0.9 \
             installation (the one inside the `hpy.devel` package), or unset it.",
            include.display()
        ));
    }
    let explicit = env::var_os("HPY_RUNTIME_SRC_DIR").map(PathBuf::from);
    let runtime = explicit
        .clone()
        .unwrap_or_else(|| include.join("..").join("src").join("runtime"));
    let missing = HELPER_SOURCES.iter().find(|f| !runtime.join(f).is_file());
    match (missing, explicit) {
        (None, _) => (include, Some(runtime)),
        (Some(missing), Some(_)) => fail(&format!(
            "HPy's helper source {missing} is not in HPY_RUNTIME_SRC_DIR ({}).\nFix: point it at \
             the `src/runtime` directory of an HPy 0.9 installation (`pip install hpy==0.9.0`).",
            runtime.display()
        )),
        // PyPy ships the headers without the helper sources. The safe `hpy` crate does not need
        // them; only the raw HPyArg_*/HPy_BuildValue/... declarations are left out.
        (Some(_), None) => {
            println!(
                "cargo:warning=hpy-sys: HPy's helper sources are not in {}; HPyArg_Parse*, \
                 HPy_BuildValue and the other C helpers are left out (set HPY_RUNTIME_SRC_DIR to \
                 include them)",
                runtime.display()
            );
            (include, None)
        }
    }
}

/// `CONTEXT_MEMBERS`: the names of the `HPyContext` members (handles and functions) in order, as
/// Rust source.
fn context_members(bindings: &str) -> String {
    let start = bindings
        .find("pub struct _HPyContext_s {")
        .unwrap_or_else(|| fail("the bindings have no _HPyContext_s"));
    let body = &bindings[start..];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    let names: Vec<String> = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split(':').next())
        .filter(|n| n.starts_with("h_") || n.starts_with("ctx_"))
        .map(|n| format!("{n:?}"))
        .collect();
    format!(
        "/// The names of the context's members, in order (handles `h_*` and functions `ctx_*`).\n\
         pub const CONTEXT_MEMBERS: &[&str] = &[{}];\n",
        names.join(", ")
    )
}

fn generate_bindings(include: &Path, with_helpers: bool, out: &Path) {
    let header = include.join("hpy.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let builder = bindgen::Builder::default()
        .header(header.to_string_lossy())
        // Universal ABI. `-U__GNUC__` turns off HPy's hidden-visibility attribute so that bindgen
        // emits the helper prototypes; it changes no layout.
        .clang_args([
            "-DHPY_ABI_UNIVERSAL".to_owned(),
            "-U__GNUC__".to_owned(),
            format!("-I{}", include.display()),
        ])
        .allowlist_type("HPy.*|_HPy.*|cpy_.*")
        .allowlist_var("HPY_.*|HPy_TPFLAGS_.*")
        .rustified_enum("HPyFunc_Signature|HPySlot_Slot|HPyDef_Kind")
        .derive_default(true)
        .derive_debug(true)
        .generate_comments(false)
        .use_core()
        .layout_tests(true);
    let builder = if with_helpers {
        builder
            .allowlist_function(
                "HPyArg_.*|HPy_BuildValue|HPyHelpers_.*|HPyUnicode_FromFormat|HPyErr_Format|HPyStructSequence_.*",
            )
            .allowlist_var("HPyStructSequence_UnnamedField")
    } else {
        builder
    };
    // bindgen panics when libclang cannot be loaded; turn that into a message that names the fix.
    let generated =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || builder.generate()));
    match generated {
        Ok(Ok(bindings)) => {
            let text = bindings.to_string();
            // HPy after 0.9.0 (PyPy 3.11 vendors 0.9.1.dev61) declares `h_DictType` right after
            // `h_Builtins`, which moves every later 0.9.0 member one slot down. Record which
            // layout these headers have; the safe layer adapts at run time.
            let pos = |field: &str| text.find(&format!("pub {field}:"));
            if let (Some(dict), Some(capsule)) = (pos("h_DictType"), pos("ctx_Capsule_New")) {
                if dict < capsule {
                    println!("cargo:rustc-cfg=hpy_dict_type_before_tail");
                }
            }
            std::fs::write(out.join("context_members.rs"), context_members(&text))
                .unwrap_or_else(|e| fail(&format!("cannot write the member list: {e}")));
            std::fs::write(out.join("bindings.rs"), text)
                .unwrap_or_else(|e| fail(&format!("cannot write the bindings: {e}")))
        }
        Ok(Err(e)) => fail(&format!(
            "bindgen could not parse {} ({e}).\nFix: make sure it is an HPy 0.9 header set.",
            include.join("hpy.h").display()
        )),
        Err(_) => fail(
            "bindgen could not load libclang (see the message above).\nFix: install it \
             (`apt-get install libclang-dev` on Debian/Ubuntu), or set LIBCLANG_PATH to the \
             directory that holds libclang.so.",
        ),
    }
}

fn compile_helpers(include: &Path, runtime: &Path) {
    let mut build = cc::Build::new();
    build
        .define("HPY_ABI_UNIVERSAL", None)
        .define("HPY", None)
        // HPy's guard: a stray `#include <Python.h>` fails loudly in universal mode.
        .include(include.join("hpy").join("forbid_python_h"))
        .include(include)
        .warnings(false);
    for src in HELPER_SOURCES {
        let path = runtime.join(src);
        println!("cargo:rerun-if-changed={}", path.display());
        build.file(path);
    }
    build.compile("hpy-helpers");
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let (include, runtime) = locate();
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate_bindings(&include, runtime.is_some(), &out);
    if let Some(runtime) = &runtime {
        compile_helpers(&include, runtime);
        println!("cargo:rustc-cfg=hpy_helpers");
    }
    println!("cargo:rustc-check-cfg=cfg(hpy_helpers)");
    println!("cargo:rustc-check-cfg=cfg(hpy_dict_type_before_tail)");
    // Downstream build scripts (e.g. C benchmarks) find the same headers as DEP_HPY_INCLUDE.
    println!("cargo:include={}", include.display());
}
