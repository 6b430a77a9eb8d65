//! The wheel's platform tag, read from the built library, and the manylinux checks behind it.
//!
//! The checks are this project's own reading of the manylinux policies (PEP 600: a wheel
//! tagged `manylinux_2_X` runs on any Linux with glibc 2.X or later), on the library as built:
//!
//! 1. every library it links (`DT_NEEDED`) is one the policies let a wheel take from the system
//!    ([`MANYLINUX_LIBS`], a conservative subset of auditwheel's allow-list: the C runtime and
//!    libgcc_s, nothing a Rust or pyo3 extension does not need);
//! 2. its glibc floor is the highest `GLIBC_2.X` among its symbol version needs (the symbol that
//!    needs it is named when that is too new);
//! 3. its `GCC_x.y` needs (libgcc_s's unwinder) are within what the policy's reference system
//!    ships: GCC 4.8 below glibc 2.28 (manylinux2014's toolchain), GCC 7 from 2.28 on;
//! 4. every library it needs a symbol version from is in the allow-list too.
//!
//! Without `--compatibility`, the tag is the lowest policy the library meets (a library that fails
//! check 1 or 4 gets `linux_<arch>` and a warning: package indexes refuse that tag); with it, a
//! library that does not meet the policy asked for is refused with the reason. Not checked (what
//! auditwheel does beyond this): the x86-64 ISA level a library was compiled for, and repairing a
//! wheel by bundling outside libraries into it (a wheel that needs one is refused instead).

use std::fmt;

use std::str::FromStr;

use anyhow::{bail, Result};

use crate::library::Needs;

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

/// The oldest manylinux policy tagged here: glibc 2.17 (manylinux2014), the floor of Rust's
/// standard library on Linux and the oldest policy pip still ships for every architecture here.
pub const OLDEST: Compatibility = Compatibility(2, 17);

/// A manylinux policy: `manylinux_2_X`, a wheel for glibc 2.X and later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Compatibility(pub u32, pub u32);

impl FromStr for Compatibility {
    type Err = anyhow::Error;

    /// `manylinux_2_X` (PEP 600), or the legacy alias `manylinux2014` (`manylinux_2_17`).
    fn from_str(s: &str) -> Result<Self> {
        if s == "manylinux2014" {
            return Ok(Compatibility(2, 17));
        }
        let parsed = s
            .strip_prefix("manylinux_")
            .and_then(|v| v.split_once('_'))
            .and_then(|(a, b)| Some(Compatibility(a.parse().ok()?, b.parse().ok()?)));
        match parsed {
            Some(c) if c.0 == 2 && c >= OLDEST => Ok(c),
            Some(_) => bail!("`{s}`: the oldest policy a wheel can be built for here is manylinux_2_17 (glibc 2.17)"),
            None => bail!("`{s}` is not a manylinux policy: write manylinux_2_X (e.g. manylinux_2_17, manylinux_2_28)"),
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "manylinux_{}_{}", self.0, self.1)
    }
}

impl Compatibility {
    /// The newest `GCC_x.y` version (libgcc_s) the policy's reference system provides.
    fn gcc_limit(self) -> (u32, u32) {
        if self < Compatibility(2, 28) {
            (4, 8)
        } else {
            (7, 0)
        }
    }
}

impl Needs {
    /// The libraries it links or takes versioned symbols from that are outside the allow-list.
    fn outside(&self) -> Vec<&str> {
        let mut outside: Vec<&str> = self
            .libraries
            .iter()
            .chain(&self.versioned_libraries)
            .map(String::as_str)
            .filter(|l| !MANYLINUX_LIBS.contains(l))
            .collect();
        outside.sort_unstable();
        outside.dedup();
        outside
    }

    /// The oldest policy the library meets, or why it meets none.
    fn policy(&self) -> std::result::Result<Compatibility, String> {
        let outside = self.outside();
        if !outside.is_empty() {
            return Err(format!(
                "it links {} (not in the manylinux allow-list: {})",
                outside.join(", "),
                MANYLINUX_LIBS.join(", ")
            ));
        }
        let (major, minor) = self.glibc.unwrap_or((2, 17));
        let mut policy = Compatibility(major, minor).max(OLDEST);
        if let Some(gcc) = self.gcc {
            if gcc > Compatibility(2, 28).gcc_limit() {
                return Err(format!(
                    "it needs libgcc_s's GCC_{}.{}, newer than any manylinux policy's GCC 7",
                    gcc.0, gcc.1
                ));
            }
            if gcc > policy.gcc_limit() {
                policy = policy.max(Compatibility(2, 28));
            }
        }
        Ok(policy)
    }

    /// The platform tag. Without `wanted`: `manylinux_<floor>_<arch>` for the oldest policy the
    /// library meets, or `linux_<arch>` with the reason when it meets none. With `wanted`: that
    /// policy's tag, or an error saying why the library does not meet it.
    pub fn tag(&self, wanted: Option<Compatibility>) -> Result<(String, Option<String>)> {
        let arch = self.arch;
        match (self.policy(), wanted) {
            (Ok(policy), None) => Ok((format!("{policy}_{arch}"), None)),
            (Err(why), None) => Ok((
                format!("linux_{arch}"),
                Some(format!(
                    "{why}, so the wheel is tagged linux_{arch} and package indexes will refuse it"
                )),
            )),
            (Ok(policy), Some(wanted)) if policy <= wanted => {
                Ok((format!("{wanted}_{arch}"), None))
            }
            (Ok(policy), Some(wanted)) => {
                let why = match (&self.glibc_symbol, self.glibc) {
                    (Some(symbol), Some((a, b))) if Compatibility(a, b) > wanted => format!(
                        "it needs glibc {a}.{b} (for {symbol}, the newest of its symbol versions)"
                    ),
                    _ => format!("it needs {policy} (libgcc_s's GCC_ symbol versions)"),
                };
                bail!(
                    "the library does not meet {wanted}: {why}. Link it against an older glibc: \
                     `--zig` links through Zig for any glibc from 2.17, or build on an older \
                     system (a manylinux container)"
                )
            }
            (Err(why), Some(wanted)) => bail!(
                "the library does not meet {wanted}: {why}; link only the system's C runtime, or \
                 build the dependency in statically"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::parse_version;

    fn needs(glibc: (u32, u32), libraries: &[&str]) -> Needs {
        Needs {
            glibc: Some(glibc),
            glibc_symbol: Some(format!("memcpy@GLIBC_{}.{}", glibc.0, glibc.1)),
            gcc: Some((4, 2)),
            versioned_libraries: vec!["libc.so.6".into(), "libgcc_s.so.1".into()],
            libraries: libraries.iter().map(|l| l.to_string()).collect(),
            arch: "x86_64",
        }
    }

    #[test]
    fn the_tag_follows_the_glibc_floor_and_the_allow_list() {
        let mut n = needs((2, 34), &["libc.so.6", "libgcc_s.so.1"]);
        assert_eq!(n.tag(None).unwrap(), ("manylinux_2_34_x86_64".into(), None));
        n.glibc = Some((2, 2));
        assert_eq!(n.tag(None).unwrap().0, "manylinux_2_17_x86_64");
        n.libraries.push("libssl.so.3".into());
        let (tag, why) = n.tag(None).unwrap();
        assert_eq!(tag, "linux_x86_64");
        assert!(why.unwrap().contains("libssl.so.3"));
        assert_eq!(parse_version("2.3.4"), Some((2, 3)));
    }

    #[test]
    fn a_wanted_policy_is_met_or_refused_with_the_reason() {
        let c = |s: &str| s.parse::<Compatibility>().unwrap();
        let n = needs((2, 14), &["libc.so.6"]);
        assert_eq!(
            n.tag(Some(c("manylinux_2_17"))).unwrap().0,
            "manylinux_2_17_x86_64"
        );
        assert_eq!(
            n.tag(Some(c("manylinux_2_28"))).unwrap().0,
            "manylinux_2_28_x86_64"
        );
        let n = needs((2, 34), &["libc.so.6"]);
        let err = n.tag(Some(c("manylinux2014"))).unwrap_err().to_string();
        assert!(err.contains("glibc 2.34 (for memcpy@GLIBC_2.34"), "{err}");
        assert!(err.contains("--zig"), "{err}");
        let n = needs((2, 17), &["libc.so.6", "libz.so.1"]);
        let err = n.tag(Some(c("manylinux_2_17"))).unwrap_err().to_string();
        assert!(err.contains("libz.so.1"), "{err}");
        // A version need from a library outside the list counts too.
        let mut n = needs((2, 17), &["libc.so.6"]);
        n.versioned_libraries.push("libstdc++.so.6".into());
        assert_eq!(n.tag(None).unwrap().0, "linux_x86_64");
        // libgcc_s's GCC_7.0 is past manylinux2014's GCC 4.8: manylinux_2_28.
        let mut n = needs((2, 17), &["libc.so.6", "libgcc_s.so.1"]);
        n.gcc = Some((7, 0));
        assert_eq!(n.tag(None).unwrap().0, "manylinux_2_28_x86_64");
        assert!(n.tag(Some(c("manylinux_2_17"))).is_err());
    }

    #[test]
    fn policies_parse() {
        assert_eq!(
            "manylinux_2_28".parse::<Compatibility>().unwrap(),
            Compatibility(2, 28)
        );
        assert_eq!(
            "manylinux2014"
                .parse::<Compatibility>()
                .unwrap()
                .to_string(),
            "manylinux_2_17"
        );
        assert!("manylinux_2_5".parse::<Compatibility>().is_err());
        assert!("musllinux_1_2".parse::<Compatibility>().is_err());
    }
}
