//! STUB: this family's commands are being written.

use super::Command;

pub static COMMANDS: &[Command] = &[];
