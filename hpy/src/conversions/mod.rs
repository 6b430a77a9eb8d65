//! [`FromPython`](crate::FromPython) and [`IntoPython`](crate::IntoPython) for Rust's own types:
//! one file per family. The traits themselves, and their impls for handles, `Option` and `()`,
//! are in `conversion.rs`.

mod bytes;
mod collections;
mod ints;
mod primitives;
mod strings;

pub use primitives::Truthy;
