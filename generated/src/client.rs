//! The client that the generated operation methods hang off.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Config, Error, Operation};

/// The Plaid API client. Each API operation is a method, generated from the specs
/// (`client.accounts_get(request)`); see the crate docs for an example.
///
/// Cloning is cheap and clones share their configuration.
#[derive(Clone, Debug)]
pub struct Client {
    config: std::sync::Arc<Config>,
}

impl Client {
    /// A client for the given configuration.
    pub fn new(config: Config) -> Self {
        Client { config: std::sync::Arc::new(config) }
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Encodes the request body; the runtime's single point for turning a body into bytes.
    fn encode<B: Serialize + ?Sized>(op: &'static Operation, body: Option<&B>) -> Result<Option<Vec<u8>>, Error> {
        body.map(|b| serde_json::to_vec(b).map_err(|e| Error::Encode { operation: op.id, message: e.to_string() }))
            .transpose()
    }

    /// Runs an operation whose success body is JSON of type `R`.
    pub(crate) async fn execute<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        op: &'static Operation,
        body: Option<&B>,
    ) -> Result<R, Error> {
        Self::encode(op, body)?;
        Err(Error::NotImplemented { operation: op.id })
    }

    /// Runs an operation whose success body is not JSON (a PDF, a ZIP).
    #[allow(dead_code)]
    pub(crate) async fn execute_bytes<B: Serialize + ?Sized>(&self, op: &'static Operation, body: Option<&B>) -> Result<Vec<u8>, Error> {
        Self::encode(op, body)?;
        Err(Error::NotImplemented { operation: op.id })
    }

    /// Runs an operation whose success response has no body.
    #[allow(dead_code)]
    pub(crate) async fn execute_empty<B: Serialize + ?Sized>(&self, op: &'static Operation, body: Option<&B>) -> Result<(), Error> {
        Self::encode(op, body)?;
        Err(Error::NotImplemented { operation: op.id })
    }
}
