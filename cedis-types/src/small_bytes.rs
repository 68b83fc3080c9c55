//! [`SmallBytes`]: a byte string kept inline when short, boxed otherwise.
//!
//! Collection elements are mostly short (counters, flags, ids, names), and a separate
//! allocation for each costs a 32-byte allocator chunk and a cache miss. Up to
//! [`INLINE_LEN`] bytes live inside the 24-byte value itself; longer ones in their own
//! allocation. Used for hash values and set members.
//!
//! ```
//! use cedis_types::small_bytes::SmallBytes;
//!
//! let short = SmallBytes::new(b"user:1000");
//! assert_eq!(short.as_bytes(), b"user:1000");
//! assert_eq!(short.heap_cost(), 0);
//! let long = SmallBytes::new(&[b'x'; 40]);
//! assert_eq!(long.heap_cost(), 48); // a 48-byte allocator chunk
//! assert_eq!(std::mem::size_of::<SmallBytes>(), 24);
//! ```

use crate::dict::allocator_chunk;

/// Bytes stored inline.
///
/// Why 22: the value is then 24 bytes (tag, length, 22 bytes; a boxed slice plus its tag
/// fits the same size), like a [`StringValue`](crate::StringValue). In a hash's table node
/// (inline field, value, `next`) that makes 64 bytes, an 80-byte chunk, where a boxed
/// value would take a 64-byte node chunk plus a 32-byte value chunk.
pub const INLINE_LEN: usize = 22;

/// See the module docs.
#[derive(Clone, Debug)]
pub enum SmallBytes {
    Inline { len: u8, bytes: [u8; INLINE_LEN] },
    Heap(Box<[u8]>),
}

impl SmallBytes {
    pub fn new(value: &[u8]) -> SmallBytes {
        match u8::try_from(value.len()) {
            Ok(len) if value.len() <= INLINE_LEN => {
                let mut bytes = [0u8; INLINE_LEN];
                bytes[..value.len()].copy_from_slice(value);
                SmallBytes::Inline { len, bytes }
            }
            _ => SmallBytes::Heap(value.into()),
        }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SmallBytes::Inline { len, bytes } => &bytes[..usize::from(*len)],
            SmallBytes::Heap(b) => b,
        }
    }

    /// The allocator chunk the bytes take outside the value (none when inline).
    pub fn heap_cost(&self) -> usize {
        match self {
            SmallBytes::Inline { .. } => 0,
            SmallBytes::Heap(b) => allocator_chunk(b.len()),
        }
    }

    pub fn into_vec(self) -> Vec<u8> {
        match self {
            SmallBytes::Heap(b) => b.into_vec(),
            inline => inline.as_bytes().to_vec(),
        }
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &SmallBytes) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallBytes {}
