//! [`Input`]: the byte source every RDB read goes through, counting the offset (for
//! error messages) and the CRC-64 of what it has read.

use std::io::Read;

use crate::checksum::Crc64;
use crate::error::{Corrupt, RdbError};

/// A reader that knows where it is and checksums what it reads.
pub(crate) struct Input<R> {
    inner: R,
    offset: u64,
    crc: Crc64,
}

impl<R: Read> Input<R> {
    pub(crate) fn new(inner: R) -> Input<R> {
        Input {
            inner,
            offset: 0,
            crc: Crc64::default(),
        }
    }

    /// Bytes read so far.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// An error about the data at the current offset.
    pub(crate) fn err(&self, kind: Corrupt) -> RdbError {
        RdbError::Corrupt {
            offset: self.offset,
            kind,
        }
    }

    /// The CRC-64 of everything read so far (the reader keeps going).
    pub(crate) fn crc(&self) -> u64 {
        self.crc.value()
    }

    fn io(&self, e: std::io::Error) -> RdbError {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            self.err(Corrupt::Truncated)
        } else {
            RdbError::Io {
                offset: self.offset,
                source: e,
            }
        }
    }

    pub(crate) fn fill(&mut self, buf: &mut [u8]) -> Result<(), RdbError> {
        if let Err(e) = self.inner.read_exact(buf) {
            return Err(self.io(e));
        }
        self.crc.update(buf);
        self.offset += buf.len() as u64;
        Ok(())
    }

    pub(crate) fn u8(&mut self) -> Result<u8, RdbError> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], RdbError> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    /// Exactly `n` bytes. Memory grows with the data actually read, so a corrupt length
    /// cannot make it reserve more than the input holds.
    pub(crate) fn bytes(&mut self, n: u64) -> Result<Vec<u8>, RdbError> {
        if usize::try_from(n).is_err() {
            return Err(self.err(Corrupt::LengthTooLarge(n)));
        }
        let mut out = Vec::with_capacity(n.min(64 * 1024) as usize);
        let got = match (&mut self.inner).take(n).read_to_end(&mut out) {
            Ok(got) => got,
            Err(e) => return Err(self.io(e)),
        };
        self.crc.update(&out);
        self.offset += got as u64;
        if (got as u64) < n {
            return Err(self.err(Corrupt::Truncated));
        }
        Ok(out)
    }

    /// Reads and drops `n` bytes.
    pub(crate) fn skip(&mut self, n: u64) -> Result<(), RdbError> {
        let mut left = n;
        let mut buf = [0u8; 4096];
        while left > 0 {
            let chunk = left.min(buf.len() as u64) as usize;
            self.fill(&mut buf[..chunk])?;
            left -= chunk as u64;
        }
        Ok(())
    }
}
