//! The wheel's platform tag, read from the built library: the highest `GLIBC_x.y` version it
//! needs is its glibc floor (`manylinux_x_y_<arch>`), provided every library it links
//! (`DT_NEEDED`) is one the manylinux policy lets a wheel take from the system.

use std::path::Path;

use anyhow::{bail, Context as _, Result};
use object::elf::DT_NEEDED;
use object::read::elf::{Dyn as _, ElfFile64, FileHeader as _};
use object::{Architecture, Endianness, Object as _};

/// Libraries every manylinux policy allows a wheel to link against without bundling them.
const MANYLINUX_LIBS: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libgcc_s.so.1",
    "libutil.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux.so.2",
];

/// What the library needs from the system.
#[derive(Debug, PartialEq, Eq)]
pub struct Needs {
    /// The highest `GLIBC_x.y` among its version needs, if any.
    pub glibc: Option<(u32, u32)>,
    /// Its `DT_NEEDED` entries.
    pub libraries: Vec<String>,
    /// The wheel tag's name for the architecture.
    pub arch: &'static str,
}

/// Reads the glibc floor, the linked libraries and the architecture of an ELF library.
pub fn needs(lib: &Path) -> Result<Needs> {
    let data = std::fs::read(lib).with_context(|| format!("reading {}", lib.display()))?;
    let file = ElfFile64::<Endianness>::parse(&*data)
        .with_context(|| format!("{} is not a 64-bit ELF library", lib.display()))?;
    let arch = match file.architecture() {
        Architecture::X86_64 => "x86_64",
        Architecture::Aarch64 => "aarch64",
        Architecture::PowerPc64 => "ppc64le",
        Architecture::S390x => "s390x",
        Architecture::Riscv64 => "riscv64",
        other => bail!("no wheel platform tag known for {other:?}"),
    };
    let endian = file.elf_header().endian()?;
    let sections = file.elf_section_table();
    let mut glibc = None;
    if let Some((mut iter, link)) = sections.gnu_verneed(endian, &*data)? {
        let strings = sections.strings(endian, &*data, link)?;
        while let Some((_, mut aux)) = iter.next()? {
            while let Some(a) = aux.next()? {
                let name = String::from_utf8_lossy(a.name(endian, strings)?);
                if let Some(v) = name.strip_prefix("GLIBC_").and_then(parse_version) {
                    glibc = glibc.max(Some(v));
                }
            }
        }
    }
    let mut libraries = Vec::new();
    if let Some((entries, link)) = sections.dynamic(endian, &*data)? {
        let strings = sections.strings(endian, &*data, link)?;
        for d in entries
            .iter()
            .filter(|d| d.tag32(endian) == Some(DT_NEEDED))
        {
            libraries.push(String::from_utf8_lossy(d.string(endian, strings)?).into_owned());
        }
    }
    Ok(Needs {
        glibc,
        libraries,
        arch,
    })
}

fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.split_once('.')?;
    Some((major.parse().ok()?, minor.split('.').next()?.parse().ok()?))
}

impl Needs {
    /// The platform tag: `manylinux_<glibc floor>_<arch>` (at least 2.17, the oldest policy pip
    /// still ships for every architecture here), or `linux_<arch>` with the reason when the
    /// library links something outside the manylinux allow-list.
    pub fn tag(&self) -> (String, Option<String>) {
        let outside: Vec<&str> = self
            .libraries
            .iter()
            .map(String::as_str)
            .filter(|l| !MANYLINUX_LIBS.contains(l))
            .collect();
        if !outside.is_empty() {
            return (
                format!("linux_{}", self.arch),
                Some(format!(
                    "it links {} (not in the manylinux allow-list), so the wheel is tagged \
                     linux_{} and package indexes will refuse it",
                    outside.join(", "),
                    self.arch
                )),
            );
        }
        let (major, minor) = self.glibc.unwrap_or((2, 17)).max((2, 17));
        (format!("manylinux_{major}_{minor}_{}", self.arch), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_follows_the_glibc_floor_and_the_allow_list() {
        let mut n = Needs {
            glibc: Some((2, 34)),
            libraries: vec!["libc.so.6".into(), "libgcc_s.so.1".into()],
            arch: "x86_64",
        };
        assert_eq!(n.tag(), ("manylinux_2_34_x86_64".into(), None));
        n.glibc = Some((2, 2));
        assert_eq!(n.tag().0, "manylinux_2_17_x86_64");
        n.libraries.push("libssl.so.3".into());
        let (tag, why) = n.tag();
        assert_eq!(tag, "linux_x86_64");
        assert!(why.unwrap().contains("libssl.so.3"));
        assert_eq!(parse_version("2.3.4"), Some((2, 3)));
    }

    #[test]
    fn this_test_binary_needs_glibc() {
        let me = std::env::current_exe().unwrap();
        let n = needs(&me).unwrap();
        assert!(n.glibc.is_some_and(|v| v >= (2, 2)), "{n:?}");
        assert!(n.libraries.iter().any(|l| l == "libc.so.6"), "{n:?}");
    }
}
