//! The whole-IR passes: decisions that need every type and operation at once, made after
//! lowering and before anything is emitted. [`crate::build_ir`] runs them in this order (the
//! order of this list), each reading what the ones before it settled:
//!
//! 1. [`sensitivity`]: partially shown fields (a `mask` beside a secret number), and later the
//!    redaction rule the runtime applies to names it meets at run time;
//! 2. [`credentials`]: request-body fields that duplicate the header credentials;
//! 3. [`error_body`]: the type non-2xx answers decode into, and how the runtime reads it;
//! 4. [`features`]: groups, the `webhooks` and `unreferenced` features, gates of shared types;
//! 5. [`cycles`]: boxing of recursive fields (a cycle with no finite value is an error);
//! 6. [`pagination`]: which operations page their results, and how;
//! 7. [`evidence`]: the spec's examples against its types; contradictions settled by one rule
//!    per kind (a required field an example leaves out is optional in a type the client
//!    reads), examples no type can hold left out of the generated tests;
//! 8. [`surface`]: each type's derives, constructor, setters and `Debug`;
//! 9. [`webhooks`]: shared pairs (folding, markers, dispatch order), the variant each example
//!    dispatches to, and the key operation.

pub mod credentials;
pub mod cycles;
pub mod error_body;
pub mod evidence;
pub mod features;
pub mod pagination;
pub mod sensitivity;
pub mod surface;
pub mod webhooks;
