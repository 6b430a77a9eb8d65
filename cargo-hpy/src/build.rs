//! `cargo hpy build`: the libraries of the selected crates installed as HPy modules (universal),
//! CPython extensions (`--abi cpython`) or hybrid modules (`--abi hybrid`), with their loader
//! stubs and type stubs.

use anyhow::{bail, Context as _, Result};
use cargo_metadata::{Metadata, Package};

use crate::workspace::{
    build_libraries_for, create_out_dir, metadata, selected_packages, target_directories, Build,
};
use crate::{abi, artifact, BuildArgs};

pub fn build(args: BuildArgs) -> Result<()> {
    let meta = metadata(args.manifest_path.as_deref())?;
    let packages = selected_packages(&meta, &args.packages, args.manifest_path.as_deref(), false)?;
    let profile = if args.release { "release" } else { "debug" };
    let out_dir = args.out.clone().unwrap_or_else(|| {
        meta.target_directory
            .join("hpy")
            .join(profile)
            .into_std_path_buf()
    });
    let target_directory = meta.target_directory.as_std_path();
    if args.abi_or_universal() == abi::Abi::Cpython {
        let out_dir = args.out.clone().unwrap_or_else(|| {
            meta.target_directory
                .join("hpy")
                .join("cpython-abi")
                .join(profile)
                .into_std_path_buf()
        });
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        let interpreters = abi::Interpreter::select(
            &args.python,
            args.find_interpreter.then(|| abi::Discovery {
                target_directories: target_directories(&meta),
                requires_python: None,
                minimum: Some(abi::CPYTHON_ABI_MINIMUM),
            }),
        )?;
        let linker = args.linker(target_directory, &interpreters)?;
        for interpreter in &interpreters {
            let cpython = Build::cpython(interpreter, target_directory, true, linker.as_ref());
            for lib in build_libraries_for(&args, &packages, &cpython)? {
                let module = artifact::module_name_with(&lib, "PyInit_")?;
                let installed =
                    artifact::install_cpython(&lib, &module, &interpreter.ext_suffix, &out_dir)?;
                eprintln!("    Wrote {}", wrote(&installed));
            }
        }
        return Ok(());
    }
    if args.abi_or_universal() == abi::Abi::Hybrid {
        return build_hybrid(&args, &meta, &packages, profile);
    }
    create_out_dir(&out_dir)?;
    let linker = args.linker(target_directory, &[])?;
    let universal = Build::universal(target_directory, linker.as_ref());
    for lib in build_libraries_for(&args, &packages, &universal)? {
        let module = artifact::module_name(&lib)?;
        let installed = artifact::install(&lib, &module, &out_dir)?;
        eprintln!("    Wrote {}", wrote(&installed));
    }
    Ok(())
}

/// `cargo hpy build --abi hybrid`: for each interpreter (`--python`, else `PYO3_PYTHON`, else
/// `python3`; CPython or PyPy), a build with `hpy/hybrid` against its C API, in a target
/// directory of its own (`<target dir>/hpy-hybrid/<cache tag>`), installed as
/// `<module>.hpy0-<tag>.so` plus the loader stub `<module>.py` in
/// `<target dir>/hpy/hybrid/<profile>` (or `--out`).
fn build_hybrid(
    args: &BuildArgs,
    meta: &Metadata,
    packages: &[&Package],
    profile: &str,
) -> Result<()> {
    if args.zig {
        bail!("--zig is not supported with --abi hybrid yet");
    }
    let out_dir = args.out.clone().unwrap_or_else(|| {
        meta.target_directory
            .join("hpy")
            .join("hybrid")
            .join(profile)
            .into_std_path_buf()
    });
    create_out_dir(&out_dir)?;
    let target_directory = meta.target_directory.as_std_path();
    for interpreter in &abi::Interpreter::find_all_hybrid(&args.python)? {
        let build = Build {
            interpreter: Some(interpreter),
            target_dir: Some(
                target_directory
                    .join("hpy-hybrid")
                    .join(&interpreter.cache_tag),
            ),
            hybrid: true,
            ..Build::default()
        };
        for lib in build_libraries_for(args, packages, &build)? {
            let module = artifact::module_name(&lib)?;
            let so_name = format!("{module}{}", interpreter.hybrid_suffix());
            let installed = artifact::install_named(&lib, &module, &so_name, &out_dir)?;
            eprintln!("    Wrote {}", wrote(&installed));
        }
    }
    Ok(())
}

/// The files an install wrote, for the build's report: `a`, `a and b`, `a, b and c`.
fn wrote(installed: &artifact::Installed) -> String {
    let files: Vec<String> = [
        Some(&installed.so),
        installed.py.as_ref(),
        installed.pyi.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|p| p.display().to_string())
    .collect();
    match files.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => files.join(""),
    }
}
