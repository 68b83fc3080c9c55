//! Redis strings: binary-safe bytes with Redis 7.0's three encodings.
//!
//! `OBJECT ENCODING` is observable, so cedis keeps the same representation choices as
//! Redis 7.0.15 (each verified there):
//!
//! | How the value was made | Encoding |
//! |---|---|
//! | SET/SETNX/SETEX/GETSET/MSET/APPEND-to-missing-key of a canonical i64 (`123`, `-5`, `9223372036854775807`) | `int` |
//! | the same with other bytes of at most 44 bytes (`""`, `007`, `-0`, `1.5`, 20-digit overflow) | `embstr` |
//! | the same with more than 44 bytes (even 45 digits) | `raw` |
//! | INCR/DECR/INCRBY/DECRBY results (even from a `raw` string) | `int` |
//! | INCRBYFLOAT results (`"11"` included): text | `embstr` up to 44 bytes, else `raw` |
//! | APPEND to an existing key (even of `""`), SETRANGE with a non-empty value, SETBIT (even when the bit does not change), BITFIELD SET/INCRBY, BITOP's destination, SETRANGE/SETBIT on a missing key | `raw` |
//! | SETRANGE with an empty value, GETBIT, BITFIELD GET, GETRANGE, GETEX | unchanged |
//!
//! ```
//! use cedis_types::StringValue;
//! let mut v = StringValue::from_bytes(b"10");
//! assert_eq!(v.encoding(), "int");
//! v.append(b"1");
//! assert_eq!((&*v.to_bytes(), v.encoding()), (&b"101"[..], "raw"));
//! ```

use std::borrow::Cow;

use crate::long_double::{IncrFloatError, LongDouble};
use crate::number;

/// Longest string stored as `embstr` (Redis 7.0: 44 bytes).
pub const EMBSTR_MAX_LEN: usize = 44;

/// A Redis string. `OBJECT ENCODING` reports `int` when it holds a canonical 64-bit
/// integer (as `SET k 123` or `INCR` leave it), `embstr` for short strings written whole,
/// and `raw` otherwise (longer strings, and any string changed in place by APPEND,
/// SETRANGE or SETBIT).
///
/// 24 bytes (so a [`Value`](crate::Value) is too), laid out for the common small values:
///
/// | Representation | Encoding | Heap |
/// |---|---|---|
/// | `i64` | `int` | none |
/// | up to [`INLINE_MAX_LEN`] (22) bytes inside the value | `embstr` | none |
/// | 23..=44 bytes in a `Box<[u8]>` | `embstr` | the bytes |
/// | a `Box<[u8]>` (written whole: SET of more than 44 bytes, [`from_raw`](Self::from_raw)) | `raw` | the bytes |
/// | a `Box<Vec<u8>>` (once changed in place: [`raw_mut`](Self::raw_mut), APPEND, SETRANGE) | `raw` | the `Vec` and its capacity |
///
/// Equality compares the encoding and the bytes (not the capacity).
///
/// ```
/// use cedis_types::{StringValue, Value};
/// assert_eq!(std::mem::size_of::<StringValue>(), 24);
/// assert_eq!(std::mem::size_of::<Value>(), 24);
/// ```
#[derive(Clone)]
pub struct StringValue {
    repr: Repr,
}

/// Longest string held inside the [`StringValue`] itself, with no heap allocation (an
/// `embstr` of up to this many bytes).
pub const INLINE_MAX_LEN: usize = 22;

// The tag byte leaves the other 23 bytes to the inline variant, and its unused values are
// a niche, so an enum of a `StringValue` and boxed variants (a future `Value`) stays 24
// bytes.
#[derive(Clone)]
enum Repr {
    Int(i64),
    /// `embstr` of at most [`INLINE_MAX_LEN`] bytes: `bytes[..len]`.
    Inline {
        len: u8,
        bytes: [u8; INLINE_MAX_LEN],
    },
    /// `embstr` of `INLINE_MAX_LEN + 1 ..= EMBSTR_MAX_LEN` bytes.
    Embstr(Box<[u8]>),
    /// `raw` as written whole (exactly sized, no spare capacity).
    Raw(Box<[u8]>),
    /// `raw` once changed in place, with the `Vec`'s spare capacity for further APPENDs.
    /// Boxed so that the rare growable strings do not make every value 32 bytes.
    #[allow(clippy::box_collection)]
    RawVec(Box<Vec<u8>>),
}

/// A [`StringValue`]'s contents, whatever the representation.
enum View<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl PartialEq for StringValue {
    fn eq(&self, other: &StringValue) -> bool {
        self.encoding() == other.encoding()
            && match (self.view(), other.view()) {
                (View::Int(a), View::Int(b)) => a == b,
                (View::Bytes(a), View::Bytes(b)) => a == b,
                _ => false,
            }
    }
}

impl Eq for StringValue {}

impl std::fmt::Debug for StringValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.view() {
            View::Int(n) => write!(f, "Int({n})"),
            View::Bytes(b) => {
                let name = match self.encoding() {
                    "embstr" => "Embstr",
                    _ => "Raw",
                };
                write!(f, "{name}(b\"{}\")", b.escape_ascii())
            }
        }
    }
}

impl StringValue {
    /// As `SET` stores a value: `int` if the bytes are a canonical i64, else `embstr` up to
    /// [`EMBSTR_MAX_LEN`] bytes, else `raw`.
    pub fn from_bytes(bytes: &[u8]) -> StringValue {
        match number::parse_i64(bytes) {
            Some(n) => StringValue::from_i64(n),
            None => StringValue::from_bytes_no_int(bytes),
        }
    }

    /// A `raw` string whatever its length or content: what Redis leaves after building a
    /// value in place (SETRANGE or SETBIT on a missing key, BITOP's destination, even
    /// `"123"`).
    ///
    /// The buffer is kept (any spare capacity is given back); the first in-place change
    /// turns it into a growable `Vec` again.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// assert_eq!(StringValue::from_raw(b"123".to_vec()).encoding(), "raw");
    /// ```
    pub fn from_raw(bytes: Vec<u8>) -> StringValue {
        StringValue {
            repr: Repr::Raw(bytes.into_boxed_slice()),
        }
    }

    /// As [`from_bytes`](Self::from_bytes), taking ownership (`raw` keeps the buffer,
    /// giving back any spare capacity).
    pub fn from_vec(bytes: Vec<u8>) -> StringValue {
        if bytes.len() > EMBSTR_MAX_LEN {
            StringValue::from_raw(bytes)
        } else {
            StringValue::from_bytes(&bytes)
        }
    }

    /// An `int`-encoded string, as INCR and friends store their result.
    pub fn from_i64(n: i64) -> StringValue {
        StringValue { repr: Repr::Int(n) }
    }

    /// Length in bytes of the string form (STRLEN); for `int`, the digits and sign.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// assert_eq!(StringValue::from_i64(-120).len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        match self.view() {
            View::Int(n) => int_len(n),
            View::Bytes(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes (formatted for the `int` encoding).
    pub fn to_bytes(&self) -> Cow<'_, [u8]> {
        match self.view() {
            View::Int(n) => Cow::Owned(n.to_string().into_bytes()),
            View::Bytes(b) => Cow::Borrowed(b),
        }
    }

    /// The value as an integer under Redis's `string2ll` rules (see
    /// [`parse_i64`](number::parse_i64)); `None` is `ERR value is not an integer or out of
    /// range`.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// assert_eq!(StringValue::from_bytes(b"42").as_i64(), Some(42));
    /// assert_eq!(StringValue::from_bytes(b" 42").as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self.view() {
            View::Int(n) => Some(n),
            View::Bytes(b) => number::parse_i64(b),
        }
    }

    /// The value as a float under INCRBYFLOAT's rules (`strtold`, see
    /// [`LongDouble::parse`]), rounded to the nearest `f64`; `None` is Redis's `ERR value
    /// is not a valid float`. Values beyond the `f64` range (valid in `long double`, such
    /// as `1e400`) come back infinite: INCRBYFLOAT itself should use
    /// [`incr_by_float`](Self::incr_by_float), which keeps Redis's extended precision.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// assert_eq!(StringValue::from_bytes(b"1e3").as_f64(), Some(1000.0));
    /// assert_eq!(StringValue::from_bytes(b"0x10").as_f64(), Some(16.0));
    /// assert_eq!(StringValue::from_bytes(b"1 ").as_f64(), None);
    /// assert_eq!(StringValue::from_bytes(b"nan").as_f64(), None);
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        self.as_long_double().map(LongDouble::to_f64)
    }

    /// The value as Redis's `long double` (INCRBYFLOAT's operand); integers are exact.
    pub fn as_long_double(&self) -> Option<LongDouble> {
        match self.view() {
            View::Int(n) => Some(LongDouble::from_i64(n)),
            View::Bytes(b) => LongDouble::parse(b),
        }
    }

    /// INCRBYFLOAT: the new value (reply with its bytes), computed in x87 extended
    /// precision exactly as Redis does. The result is stored as text, `embstr` or `raw`,
    /// never `int`: `SET k 10` then `INCRBYFLOAT k 1` leaves `"11"` as `embstr`.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// use cedis_types::number::IncrFloatError;
    /// let v = StringValue::from_bytes(b"10.5").incr_by_float(b"0.1").unwrap();
    /// assert_eq!(&*v.to_bytes(), b"10.6");
    /// let v = StringValue::from_i64(10).incr_by_float(b"1").unwrap();
    /// assert_eq!((&*v.to_bytes(), v.encoding()), (&b"11"[..], "embstr"));
    /// assert_eq!(
    ///     StringValue::from_bytes(b"1").incr_by_float(b"inf"),
    ///     Err(IncrFloatError::NanOrInfinity)
    /// );
    /// ```
    pub fn incr_by_float(&self, increment: &[u8]) -> Result<StringValue, IncrFloatError> {
        let value = self.as_long_double().ok_or(IncrFloatError::InvalidValue)?;
        let incr = LongDouble::parse(increment).ok_or(IncrFloatError::InvalidIncrement)?;
        let sum = value.add(incr);
        if !sum.is_finite() {
            return Err(IncrFloatError::NanOrInfinity);
        }
        Ok(StringValue::from_bytes_no_int(
            sum.format_human().as_bytes(),
        ))
    }

    /// A float result stored as INCRBYFLOAT stores it (see
    /// [`format_incrbyfloat`](number::format_incrbyfloat)): text, never `int`.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// let v = StringValue::from_f64_incr(3.0);
    /// assert_eq!((&*v.to_bytes(), v.encoding()), (&b"3"[..], "embstr"));
    /// ```
    pub fn from_f64_incr(value: f64) -> StringValue {
        StringValue::from_bytes_no_int(number::format_incrbyfloat(value).as_bytes())
    }

    /// The bytes as a string object without trying the `int` encoding (`embstr` up to
    /// [`EMBSTR_MAX_LEN`] bytes, else `raw`), as Redis's `createStringObject` does for
    /// computed text such as INCRBYFLOAT's result.
    pub fn from_bytes_no_int(bytes: &[u8]) -> StringValue {
        let repr = if bytes.len() <= INLINE_MAX_LEN {
            let mut inline = [0u8; INLINE_MAX_LEN];
            inline[..bytes.len()].copy_from_slice(bytes);
            Repr::Inline {
                // Fits: INLINE_MAX_LEN < 256.
                len: bytes.len() as u8,
                bytes: inline,
            }
        } else if bytes.len() <= EMBSTR_MAX_LEN {
            Repr::Embstr(bytes.into())
        } else {
            Repr::Raw(bytes.into())
        };
        StringValue { repr }
    }

    /// The integer, or the stored bytes.
    #[inline]
    fn view(&self) -> View<'_> {
        match &self.repr {
            Repr::Int(n) => View::Int(*n),
            Repr::Inline { len, bytes } => View::Bytes(&bytes[..usize::from(*len)]),
            Repr::Embstr(b) | Repr::Raw(b) => View::Bytes(b),
            Repr::RawVec(v) => View::Bytes(v),
        }
    }

    /// The name `OBJECT ENCODING` reports: `int`, `embstr` or `raw`.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Int(_) => "int",
            Repr::Inline { .. } | Repr::Embstr(_) => "embstr",
            Repr::Raw(_) | Repr::RawVec(_) => "raw",
        }
    }

    /// APPEND: the new length. The string becomes `raw`, even when `bytes` is empty. The
    /// caller checks the size limit first (see [`would_exceed`]); APPEND to a missing key
    /// is a plain SET ([`from_bytes`](Self::from_bytes): `APPEND k 123` makes an `int`).
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// let mut v = StringValue::from_bytes(b"ab");
    /// assert_eq!(v.append(b""), 2);
    /// assert_eq!(v.encoding(), "raw");
    /// ```
    pub fn append(&mut self, bytes: &[u8]) -> usize {
        let raw = self.raw_mut();
        raw.extend_from_slice(bytes);
        raw.len()
    }

    /// SETRANGE: writes `bytes` at `offset`, zero-padding; the new length. The string
    /// becomes `raw`, except that an empty `bytes` changes nothing (Redis replies with the
    /// current length and keeps the encoding; on a missing key it replies 0 and creates
    /// nothing). The caller checks the offset first: negative is `ERR offset is out of
    /// range` (checked even for an empty value), and [`would_exceed`] gives `ERR string
    /// exceeds maximum allowed size (proto-max-bulk-len)` (not checked for an empty
    /// value). SETRANGE on a missing key is `from_raw(vec![])` then this.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// let mut v = StringValue::from_bytes(b"abc");
    /// assert_eq!(v.set_range(1, b"x"), 3);
    /// assert_eq!(&*v.to_bytes(), b"axc");
    /// assert_eq!(v.set_range(5, b"!"), 6);
    /// assert_eq!(&*v.to_bytes(), b"axc\0\0!");
    /// let mut n = StringValue::from_i64(12);
    /// assert_eq!(n.set_range(0, b""), 2);
    /// assert_eq!(n.encoding(), "int");
    /// ```
    pub fn set_range(&mut self, offset: usize, bytes: &[u8]) -> usize {
        if bytes.is_empty() {
            return self.len();
        }
        let raw = self.raw_mut();
        let end = offset.saturating_add(bytes.len());
        if raw.len() < end {
            raw.resize(end, 0);
        }
        raw[offset..end].copy_from_slice(bytes);
        raw.len()
    }

    /// GETRANGE/SUBSTR: negative indexes count from the end; if both are negative and
    /// `start > end` the answer is empty; then `start` and `end` are clamped at 0, `end`
    /// at the last byte, and `start > end` (or an empty string) gives an empty result.
    /// Verified on Redis for `"Hello World"`: `0 -1` whole, `-1 -5` empty, `5 3` empty,
    /// `-100 -50` `"H"`, `-12 -13` empty, `100 200` empty, `3 -100` empty, `i64::MIN
    /// i64::MAX` whole; on `""` always empty; `int` values range over their digits.
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// let v = StringValue::from_bytes(b"Hello World");
    /// assert_eq!(&*v.get_range(-5, -1), b"World");
    /// assert_eq!(&*v.get_range(-100, -50), b"H");
    /// assert_eq!(&*v.get_range(5, 3), b"");
    /// assert_eq!(&*StringValue::from_i64(12345).get_range(1, 2), b"23");
    /// ```
    pub fn get_range(&self, start: i64, end: i64) -> Cow<'_, [u8]> {
        match self.to_bytes() {
            Cow::Borrowed(b) => Cow::Borrowed(range_slice(b, start, end)),
            Cow::Owned(v) => Cow::Owned(range_slice(&v, start, end).to_vec()),
        }
    }

    /// The bytes for in-place changes (SETBIT, BITFIELD writes); the string becomes `raw`
    /// (Redis does so even when SETBIT leaves the bit as it was).
    pub fn raw_mut(&mut self) -> &mut Vec<u8> {
        if !matches!(self.repr, Repr::RawVec(_)) {
            // Boxed bytes become the Vec's buffer as they are (no copy).
            let bytes = match std::mem::replace(&mut self.repr, Repr::Int(0)) {
                Repr::Int(n) => n.to_string().into_bytes(),
                Repr::Inline { len, bytes } => bytes[..usize::from(len)].to_vec(),
                Repr::Embstr(b) | Repr::Raw(b) => b.into_vec(),
                Repr::RawVec(v) => *v,
            };
            self.repr = Repr::RawVec(Box::new(bytes));
        }
        match &mut self.repr {
            Repr::RawVec(v) => v,
            // Just converted above.
            _ => unreachable!("converted to raw above"),
        }
    }

    /// Bytes occupied, O(1): the inline part plus the heap allocations (nominal sizes:
    /// the boxed bytes, or for a string changed in place its `Vec` and the `Vec`'s
    /// capacity, which grows geometrically under APPEND as Redis's sds does).
    ///
    /// ```
    /// use cedis_types::StringValue;
    /// let inline = std::mem::size_of::<StringValue>();
    /// assert_eq!(StringValue::from_i64(5).mem_usage(), inline);
    /// assert_eq!(StringValue::from_bytes(b"abc").mem_usage(), inline);
    /// assert_eq!(StringValue::from_bytes(&[b'x'; 30]).mem_usage(), inline + 30);
    /// ```
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<StringValue>()
            + match &self.repr {
                Repr::Int(_) | Repr::Inline { .. } => 0,
                Repr::Embstr(b) | Repr::Raw(b) => b.len(),
                Repr::RawVec(v) => std::mem::size_of::<Vec<u8>>() + v.capacity(),
            }
    }
}

/// Whether writing `len` bytes at `offset` would make a string longer than `max`
/// (`proto-max-bulk-len`, 512MB by default): SETRANGE's and APPEND's (`offset` = current
/// length) `ERR string exceeds maximum allowed size (proto-max-bulk-len)`. Exactly `max`
/// bytes is allowed.
///
/// ```
/// use cedis_types::string::would_exceed;
/// let max = 512 * 1024 * 1024;
/// assert!(!would_exceed(536870911, 1, max));
/// assert!(would_exceed(536870911, 2, max));
/// assert!(would_exceed(u64::MAX, 1, max));
/// ```
pub fn would_exceed(offset: u64, len: u64, max: u64) -> bool {
    offset.checked_add(len).is_none_or(|end| end > max)
}

/// Redis's error when a string would outgrow `proto-max-bulk-len`.
pub const STRING_TOO_LONG_ERROR: &str =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
/// Redis's error for a negative SETRANGE offset.
pub const OFFSET_OUT_OF_RANGE_ERROR: &str = "ERR offset is out of range";

/// Digits (and sign) in the decimal form of `n`.
fn int_len(n: i64) -> usize {
    let sign = usize::from(n < 0);
    let mut magnitude = n.unsigned_abs();
    let mut digits = 1;
    while magnitude >= 10 {
        magnitude /= 10;
        digits += 1;
    }
    sign + digits
}

/// GETRANGE's index rules applied to `bytes`.
fn range_slice(bytes: &[u8], start: i64, end: i64) -> &[u8] {
    let len = bytes.len() as i64;
    if start < 0 && end < 0 && start > end {
        return &[];
    }
    let mut start = if start < 0 {
        start.saturating_add(len)
    } else {
        start
    };
    let mut end = if end < 0 {
        end.saturating_add(len)
    } else {
        end
    };
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if len == 0 || start > end {
        return &[];
    }
    // 0 <= start <= end < len here.
    &bytes[start as usize..=end as usize]
}
