//! Doubles printed as Redis 7.0 prints them (`%.17g`; `inf`, `-inf`, `nan`).

/// Appends `d` formatted as C's `%.17g` (with `inf`/`-inf`/`nan`) to `out`.
pub fn write_g17(out: &mut Vec<u8>, d: f64) {
    let _ = (out, d);
    todo!()
}
