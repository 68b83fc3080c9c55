//! The CRC-64 Redis appends to RDB files and DUMP payloads (Jones polynomial, reflected,
//! initial value 0), so files cedis writes pass `redis-check-rdb` and the reverse.

use crc::{Crc, CRC_64_REDIS};

const REDIS_CRC64: Crc<u64> = Crc::<u64>::new(&CRC_64_REDIS);

/// CRC-64 of `bytes` as Redis computes it.
///
/// ```
/// assert_eq!(cedis_persist::crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
/// ```
pub fn crc64(bytes: &[u8]) -> u64 {
    REDIS_CRC64.checksum(bytes)
}

/// Streaming form of [`crc64`], for checksumming a file while it is written.
#[derive(Clone)]
pub struct Crc64 {
    digest: crc::Digest<'static, u64>,
}

impl Default for Crc64 {
    fn default() -> Self {
        Crc64 {
            digest: REDIS_CRC64.digest(),
        }
    }
}

impl Crc64 {
    pub fn update(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
    }

    pub fn finish(self) -> u64 {
        self.digest.finalize()
    }

    /// The checksum of what was fed so far, leaving the digest running.
    pub fn value(&self) -> u64 {
        self.digest.clone().finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_matches_one_shot() {
        let mut crc = Crc64::default();
        crc.update(b"1234");
        crc.update(b"56789");
        assert_eq!(crc.finish(), crc64(b"123456789"));
    }
}
