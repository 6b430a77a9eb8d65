//! A built library, read once per command: its bytes, and what the commands take from them (the
//! module name from its exports, the type-stub description `HPY_RS_STUB_<module>`, the system
//! libraries and symbol versions it needs). Each command reads the file once, right after
//! `cargo build` (`workspace::build_libraries_for`), and installs it from these bytes.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use object::elf::{DT_NEEDED, SHT_DYNSYM};
use object::read::elf::{Dyn as _, ElfFile64, FileHeader as _, Sym as _};
use object::{
    Architecture, Endianness, Object as _, ObjectSection as _, ObjectSymbol as _, SymbolIndex,
};

/// A built library's path and contents.
pub struct Library {
    /// Where `cargo build` wrote it.
    pub path: PathBuf,
    data: Vec<u8>,
}

impl Library {
    /// Reads the library at `path`.
    pub fn read(path: &Path) -> Result<Library> {
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Library {
            path: path.to_owned(),
            data,
        })
    }

    /// The file's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The parsed object file.
    fn object(&self) -> Result<object::File<'_>> {
        object::File::parse(&*self.data).with_context(|| format!("parsing {}", self.path.display()))
    }

    /// The names of the functions and data it exports (defined, global dynamic symbols).
    pub fn exports(&self) -> Result<Vec<String>> {
        Ok(self
            .object()?
            .dynamic_symbols()
            .filter(|s| s.is_definition() && s.is_global())
            .filter_map(|s| s.name().ok().map(str::to_owned))
            .collect())
    }

    /// The bytes of the defined symbol `name` (dynamic or not), if it has one; an error if it
    /// lies outside its section.
    pub fn symbol_data(&self, name: &str) -> Result<Option<&[u8]>> {
        let file = self.object()?;
        let Some(symbol) = file
            .dynamic_symbols()
            .chain(file.symbols())
            .find(|s| s.name() == Ok(name) && s.is_definition())
        else {
            return Ok(None);
        };
        let bytes = symbol
            .section_index()
            .and_then(|i| file.section_by_index(i).ok())
            .map(|section| section.data_range(symbol.address(), symbol.size()))
            .transpose()?
            .flatten();
        match bytes {
            Some(b) => Ok(Some(b)),
            None => bail!("{}: {name} lies outside its section", self.path.display()),
        }
    }

    /// The glibc floor, the linked libraries and the architecture of the (ELF) library, for the
    /// wheel's platform tag ([`platform`](crate::platform)).
    pub fn needs(&self) -> Result<Needs> {
        let data: &[u8] = &self.data;
        let file = ElfFile64::<Endianness>::parse(data)
            .with_context(|| format!("{} is not a 64-bit ELF library", self.path.display()))?;
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
        let mut gcc = None;
        let mut versioned_libraries = Vec::new();
        if let Some((mut iter, link)) = sections.gnu_verneed(endian, data)? {
            let strings = sections.strings(endian, data, link)?;
            while let Some((need, mut aux)) = iter.next()? {
                let file = String::from_utf8_lossy(need.file(endian, strings)?).into_owned();
                if !versioned_libraries.contains(&file) {
                    versioned_libraries.push(file);
                }
                while let Some(a) = aux.next()? {
                    let name = String::from_utf8_lossy(a.name(endian, strings)?);
                    if let Some(v) = name.strip_prefix("GLIBC_").and_then(parse_version) {
                        glibc = glibc.max(Some(v));
                    } else if let Some(v) = name.strip_prefix("GCC_").and_then(parse_version) {
                        gcc = gcc.max(Some(v));
                    }
                }
            }
        }
        // The undefined symbol that needs the highest glibc version, for the refusal's message.
        let mut glibc_symbol = None;
        if let (Some(want), Some(versions)) = (glibc, sections.versions(endian, data)?) {
            let symbols = sections.symbols(endian, data, SHT_DYNSYM)?;
            for (i, sym) in symbols.symbols().iter().enumerate() {
                if !sym.is_undefined(endian) {
                    continue;
                }
                let Some(version) =
                    versions.version(versions.version_index(endian, SymbolIndex(i)))?
                else {
                    continue;
                };
                let vname = String::from_utf8_lossy(version.name());
                if vname.strip_prefix("GLIBC_").and_then(parse_version) == Some(want) {
                    let name = String::from_utf8_lossy(sym.name(endian, symbols.strings())?);
                    glibc_symbol = Some(format!("{name}@{vname}"));
                    break;
                }
            }
        }
        let mut libraries = Vec::new();
        if let Some((entries, link)) = sections.dynamic(endian, data)? {
            let strings = sections.strings(endian, data, link)?;
            for d in entries
                .iter()
                .filter(|d| d.tag32(endian) == Some(DT_NEEDED))
            {
                libraries.push(String::from_utf8_lossy(d.string(endian, strings)?).into_owned());
            }
        }
        Ok(Needs {
            glibc,
            glibc_symbol,
            gcc,
            versioned_libraries,
            libraries,
            arch,
        })
    }
}

/// What the library needs from the system.
#[derive(Debug, PartialEq, Eq)]
pub struct Needs {
    /// The highest `GLIBC_x.y` among its version needs, if any.
    pub glibc: Option<(u32, u32)>,
    /// An undefined symbol that needs that version (`memcpy@GLIBC_2.14`), when one does.
    pub glibc_symbol: Option<String>,
    /// The highest `GCC_x.y` among its version needs (libgcc_s), if any.
    pub gcc: Option<(u32, u32)>,
    /// The libraries it needs symbol versions from.
    pub versioned_libraries: Vec<String>,
    /// Its `DT_NEEDED` entries.
    pub libraries: Vec<String>,
    /// The wheel tag's name for the architecture.
    pub arch: &'static str,
}

pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (major, minor) = v.split_once('.')?;
    Some((major.parse().ok()?, minor.split('.').next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_needs_glibc() {
        let me = std::env::current_exe().unwrap();
        let n = Library::read(&me).unwrap().needs().unwrap();
        assert!(n.glibc.is_some_and(|v| v >= (2, 2)), "{n:?}");
        assert!(n.libraries.iter().any(|l| l == "libc.so.6"), "{n:?}");
        // The symbol that needs the floor is found and carries that version.
        let (a, b) = n.glibc.unwrap();
        let symbol = n.glibc_symbol.unwrap();
        assert!(symbol.ends_with(&format!("@GLIBC_{a}.{b}")), "{symbol}");
    }
}
