//! What every generated type shares: the serde and `Debug` impls written once (`codec`), the
//! date types and `Nullable<T>`.

pub(crate) mod codec;
pub(crate) mod datetime;
pub(crate) mod nullable;
