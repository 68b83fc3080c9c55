//! The server side of the protocol: commands as Redis reads them.

use bytes::{Bytes, BytesMut};

use crate::{Limits, ProtocolError};

/// Reads client commands: multibulk (`*N\r\n$len\r\n...`) or inline (`PING\r\n`).
#[derive(Clone, Debug, Default)]
pub struct RequestDecoder {
    pub limits: Limits,
}

impl RequestDecoder {
    pub fn new(limits: Limits) -> Self {
        RequestDecoder { limits }
    }

    /// The next command's arguments, or `Ok(None)` when more bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let _ = buf;
        todo!()
    }
}
