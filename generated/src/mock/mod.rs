//! The `testing` feature's mock of Plaid: the public API (`testing`), the HTTP server and how a
//! call is answered (`server`), the request checks (`check`) and default answers that follow
//! the request (`follow`), agree about one Item (`story`) and keep what a test made
//! (`families`).

pub(crate) mod check;
pub(crate) mod families;
pub(crate) mod follow;
pub(crate) mod server;
pub(crate) mod story;
pub mod testing;
