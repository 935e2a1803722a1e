//! The `testing` feature's mock of Plaid: the public API (`testing`), the HTTP server and how a
//! call is answered (`server`), the request checks (`check`) and default answers that follow
//! the request (`follow`) and agree about one Item (`story`).

pub(crate) mod check;
pub(crate) mod follow;
pub(crate) mod server;
pub(crate) mod story;
pub mod testing;
