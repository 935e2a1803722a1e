//! The whole-IR passes: decisions that need every type and operation at once, made after
//! lowering and before anything is emitted. [`crate::build_ir`] runs them in this order (the
//! order of this list), each reading what the ones before it settled:
//!
//! 1. [`sensitivity`]: partially shown fields (a `mask` beside a secret number), and later the
//!    redaction rule the runtime applies to names it meets at run time;
//! 2. [`credentials`]: request-body fields that duplicate the header credentials;
//! 3. [`evidence`]: the spec's examples against its types; contradictions settled by one rule
//!    per kind (a required field an example leaves out is optional in a type the client
//!    reads), examples no type can hold left out of the generated tests;
//! 4. [`error_body`]: the type non-2xx answers decode into, and how the runtime reads it;
//! 5. [`features`]: groups, the `webhooks` and `unreferenced` features, gates of shared types;
//! 6. [`cycles`]: boxing of recursive fields (a cycle with no finite value is an error);
//! 7. [`pagination`]: which operations page their results, and how;
//! 8. [`retry`]: each operation's retry class (keyed, read, acting) and its idempotency key;
//! 9. [`surface`]: each type's derives, constructor (named values past three), setters (a
//!    null setter for optional nullable fields), what they take, and `Debug`;
//! 10. [`docs`]: what each field's docs say (its type's first sentence, its limits);
//! 11. [`webhooks`]: shared pairs (folding, markers, dispatch order), variant names from each
//!     pair, the variant each example dispatches to, and the key operation;
//! 12. [`mock`]: what the `testing` feature's mock answers by default and how those answers
//!     follow the request ([`mock::follow`]: echo, filters, paging, token rotation, optional
//!     data, resource families), the rules it checks requests and credentials against, the
//!     answers that are not JSON, the operations a typed stub names, a payload per webhook
//!     pair.

pub mod credentials;
pub mod cycles;
pub mod docs;
pub mod error_body;
pub mod evidence;
pub mod features;
pub mod mock;
pub mod pagination;
pub mod retry;
pub mod sensitivity;
pub mod surface;
pub mod webhooks;
