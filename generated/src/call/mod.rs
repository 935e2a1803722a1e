//! The call path: a typed call from the client's configuration to a decoded answer or a typed
//! error, with its parameters on the wire, retries and pages.

pub(crate) mod answer;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod error;
pub(crate) mod operation;
pub(crate) mod pages;
pub(crate) mod params;
pub(crate) mod retry;
