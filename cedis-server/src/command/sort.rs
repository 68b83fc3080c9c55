//! STUB: SORT and SORT_RO are being written.

use super::Command;

pub static COMMANDS: &[Command] = &[];
