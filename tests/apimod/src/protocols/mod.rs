//! Classes for the special methods HPy 0.9 has no slot for (iteration, `__init__`, context
//! managers, descriptors), the sequence slots and the buffer protocol: one Python type per file.

pub mod countdown;
pub mod dynamic;
pub mod floats;
pub mod guarded;
pub mod init_base;
pub mod init_with_new;
pub mod ints;
pub mod managed;
pub mod record;
pub mod seq;
pub mod seq_mapped;
pub mod span;
pub mod span_iter;
pub mod temperature;
