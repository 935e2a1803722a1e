//! A typed, async client for the Plaid API, generated from Plaid's OpenAPI specs.
//!
//! Every request and response body of the API is a Rust type (re-exported here at the crate
//! root, and grouped in modules such as [`accounts`] and [`item`]), and every operation is a
//! method of [`Client`] named after its operationId:
//!
//! ```no_run
//! use plaid_sdk::{AccountsGetRequest, Client, Config};
//!
//! # async fn run() -> Result<(), plaid_sdk::Error> {
//! let client = Client::new(Config::sandbox("client-id", "secret"));
//! let accounts = client.accounts_get(AccountsGetRequest::new("access-token".to_string())).await?;
//! println!("{} accounts", accounts.accounts.len());
//! # Ok(())
//! # }
//! ```
//!
//! The modules under `gen` are written by `cargo xtask regen` from `specs/`; the runtime beside
//! them ([`Client`], [`Config`], [`Error`], [`Operation`]) is hand-written.

#![warn(missing_docs)]

mod client;
mod config;
mod error;
mod gen;
mod operation;
pub mod redact;
mod retry;

pub use client::Client;
pub use config::{Config, Environment, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
pub use error::{ApiError, DecodeError, Error, TransportError, TransportErrorKind};
pub use gen::*;
pub use operation::Operation;
pub use retry::RetryPolicy;
