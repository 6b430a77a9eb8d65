//! Nothing to do by default: the bindings are checked in (`src/generated/`, written by
//! `cargo xtask bindings`), so building needs neither libclang, nor Python, nor HPy's headers.
//!
//! * Feature `bindgen`: generate the universal-ABI bindings now, from the headers of an installed
//!   HPy, instead of using the checked-in ones (needs libclang).
//! * Feature `helpers`: compile HPy's context-only C helpers (argparse, buildvalue, format,
//!   helpers, structseq) from an installed HPy's sources, and declare them.
//!
//! Where both find an installed HPy, in order:
//! 1. `HPY_INCLUDE_DIR`: the directory holding `hpy.h` (the helper sources are looked up in
//!    `../src/runtime` next to it, or in `HPY_RUNTIME_SRC_DIR`);
//! 2. the `hpy.devel` package of the Python named by `HPY_PYTHON`;
//! 3. the `hpy.devel` package of `python3`.

// `context_extension` is for `cargo xtask bindings` only.
#[cfg(feature = "bindgen")]
#[allow(dead_code)]
mod generate;
// `header_version` is for the generator only.
#[cfg(any(feature = "bindgen", feature = "helpers"))]
#[allow(dead_code)]
mod locate;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(hpy_dict_type_before_tail)");
    #[cfg(any(feature = "bindgen", feature = "helpers"))]
    installed::main();
}

/// What the features that read an installed HPy do.
#[cfg(any(feature = "bindgen", feature = "helpers"))]
mod installed {
    use std::path::{Path, PathBuf};

    fn fail(msg: &str) -> ! {
        // Cargo shows a failed build script's stderr; exit rather than panic to keep it readable.
        eprintln!("\nerror: hpy-sys: {msg}\n");
        std::process::exit(1)
    }

    /// Where `hpy.h` is.
    fn include_dir() -> PathBuf {
        for var in ["HPY_INCLUDE_DIR", "HPY_PYTHON", "LIBCLANG_PATH"] {
            println!("cargo:rerun-if-env-changed={var}");
        }
        let include = match std::env::var_os("HPY_INCLUDE_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let python = std::env::var("HPY_PYTHON").unwrap_or_else(|_| "python3".to_owned());
                crate::locate::include_dir_of_python(&python).unwrap_or_else(|e| {
                    fail(&format!(
                        "features `bindgen` and `helpers` read an installed HPy's headers: {e}\n\
                         (HPY_PYTHON names the Python; HPY_INCLUDE_DIR the directory. Without \
                         these features nothing is needed: the bindings are checked in.)"
                    ))
                })
            }
        };
        if !include.join("hpy.h").is_file() {
            fail(&format!(
                "no hpy.h in {}.\nFix: point HPY_INCLUDE_DIR at the `include` directory of an HPy \
                 0.9 installation (the one inside the `hpy.devel` package), or unset it.",
                include.display()
            ));
        }
        println!("cargo:rerun-if-changed={}", include.join("hpy.h").display());
        include
    }

    /// Writes `universal.rs` (and with `helpers`, `helpers.rs`) into `OUT_DIR`.
    #[cfg(feature = "bindgen")]
    fn generate_bindings(include: &Path) {
        println!("cargo:rerun-if-changed=generate.rs");
        let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
        let universal = crate::generate::universal(include).unwrap_or_else(|e| fail(&e));
        // HPy after 0.9.0 (PyPy 3.11 vendors 0.9.1.dev61) declares `h_DictType` right after
        // `h_Builtins`, which moves every later 0.9.0 member one slot down. Record which layout
        // these headers have; the safe layer adapts at run time.
        let pos = |field: &str| universal.find(&format!("pub {field}:"));
        if let (Some(dict), Some(capsule)) = (pos("h_DictType"), pos("ctx_Capsule_New")) {
            if dict < capsule {
                println!("cargo:rustc-cfg=hpy_dict_type_before_tail");
            }
        }
        let write = |name: &str, text: String| {
            std::fs::write(out.join(name), text)
                .unwrap_or_else(|e| fail(&format!("cannot write {name}: {e}")))
        };
        write("universal.rs", universal);
        if cfg!(feature = "helpers") {
            write(
                "helpers.rs",
                crate::generate::helpers(include).unwrap_or_else(|e| fail(&e)),
            );
        }
    }

    /// Compiles HPy's helper C sources, found next to the headers in `include`.
    #[cfg(feature = "helpers")]
    fn compile_helpers(include: &Path) {
        const SOURCES: [&str; 5] = [
            "argparse.c",
            "buildvalue.c",
            "format.c",
            "helpers.c",
            "structseq.c",
        ];
        println!("cargo:rerun-if-env-changed=HPY_RUNTIME_SRC_DIR");
        let runtime = std::env::var_os("HPY_RUNTIME_SRC_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| include.join("..").join("src").join("runtime"));
        if let Some(missing) = SOURCES.iter().find(|f| !runtime.join(f).is_file()) {
            fail(&format!(
                "feature `helpers` needs HPy's helper source {missing}, which is not in {}.\nFix: \
                 point HPY_RUNTIME_SRC_DIR at the `src/runtime` directory of an HPy 0.9 \
                 installation (`pip install hpy==0.9.0`; PyPy ships none), or build without it.",
                runtime.display()
            ));
        }
        let mut build = cc::Build::new();
        build
            .define("HPY_ABI_UNIVERSAL", None)
            .define("HPY", None)
            // HPy's guard: a stray `#include <Python.h>` fails loudly in universal mode.
            .include(include.join("hpy").join("forbid_python_h"))
            .include(include)
            .warnings(false);
        for src in SOURCES {
            let path = runtime.join(src);
            println!("cargo:rerun-if-changed={}", path.display());
            build.file(path);
        }
        build.compile("hpy-helpers");
        // Downstream build scripts (e.g. C benchmarks) find the same headers as DEP_HPY_INCLUDE.
        println!("cargo:include={}", include.display());
    }

    pub fn main() {
        let include = include_dir();
        #[cfg(feature = "bindgen")]
        generate_bindings(&include);
        #[cfg(feature = "helpers")]
        compile_helpers(&include);
    }
}
