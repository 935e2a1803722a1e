//! The error type of every client method.

use std::fmt;

/// Why a call failed.
///
/// No variant carries request headers or the request body, so an error can be logged without
/// leaking credentials.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be encoded as JSON.
    Encode {
        /// The operation that was called.
        operation: &'static str,
        /// The encoder's message.
        message: String,
    },
    /// The HTTP transport is not part of this build yet: the generated methods, types and
    /// operation table exist, and the transport lands with the client runtime.
    NotImplemented {
        /// The operation that was called.
        operation: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Encode { operation, message } => write!(f, "{operation}: cannot encode the request: {message}"),
            Error::NotImplemented { operation } => write!(f, "{operation}: the HTTP transport is not implemented in this build"),
        }
    }
}

impl std::error::Error for Error {}
