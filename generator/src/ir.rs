//! The intermediate representation: what the generated crate contains, with every Rust name
//! already decided. It is the contract between understanding the spec (`lower`) and writing Rust
//! (`emit`): `lower` never builds tokens and `emit` never sees an `openapiv3` type.

/// The module that holds types reached from several groups (and types no operation reaches).
pub const SHARED: &str = "shared";

/// The whole API to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.version` of the specs, e.g. `2020-09-14_1.517.0`.
    pub spec_version: String,
    /// The API version sent in the `Plaid-Version` header, e.g. `2020-09-14`.
    pub api_version: String,
    /// Servers from the specs, in spec order.
    pub servers: Vec<Server>,
    /// Header-based security schemes: what the client must send on every call.
    pub auth_headers: Vec<AuthHeader>,
    /// The body fields that would carry a credential the security schemes carry
    /// (`client_id`, `secret`), as `(JSON name, credential)`: what an extra body field or query
    /// parameter may never be named, on any operation or call by path
    /// ([`crate::passes::credentials`] decides).
    pub body_credentials: Vec<(String, Credential)>,
    /// The modules, sorted by name; `shared` holds types reached from several groups.
    pub modules: Vec<Module>,
    /// Each spec file's name with a digest of its text, so that `regen --check` notices any
    /// edit to a spec, even one that changes no generated type (an example, a summary).
    pub sources: Vec<(String, String)>,
    /// Every example value of the specs with the type it must decode into; each becomes a
    /// generated round-trip test.
    pub examples: Vec<Example>,
    /// The redaction rule the runtime applies to names it meets at run time.
    pub redaction: RedactionRule,
    /// The type error answers decode into; `None` when no operation declares one (errors are
    /// then read from untyped JSON).
    pub error_body: Option<ErrorBody>,
    /// The API groups, sorted: the modules with operations, each a Cargo feature (set by
    /// [`crate::passes::features`]).
    pub groups: Vec<String>,
    /// Every Cargo feature, all on by default: the groups, then `webhooks` and `unreferenced`
    /// when some `shared` types are reached by no group (set by [`crate::passes::features`]).
    pub features: Vec<String>,
    /// The webhook payloads Plaid sends and how the verifier fetches its keys.
    pub webhooks: Webhooks,
    /// What the `testing` feature's mock of the API serves and checks
    /// ([`crate::passes::mock`] decides).
    pub mock: Mock,
}

/// The mock of the API behind the generated crate's `testing` feature: its default answers, the
/// rules it checks requests against, and the operations a typed stub can name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mock {
    /// One default answer per operation with a JSON success body, in operation order.
    pub answers: Vec<MockAnswer>,
    /// The request rules as JSON text, in the form the runtime's `mock::check` reads: the
    /// named types requests reach (`types`), each operation's body type (`requests`), its
    /// required query and header parameters (`params`), the credential headers of those
    /// whose security requirements are not the default ones (`security`), and how default
    /// answers follow the request (`answers`).
    pub rules: String,
    /// How many operations' default answers echo, filter and page (`answers` of the rules).
    pub follow: MockFollow,
    /// Per operation, the places of its answer whose spec word the evidence pass relaxed: the
    /// generated `tests/mock_answers.rs` checks the default answer meets the spec there.
    pub spec_fields: Vec<(String, Vec<SpecField>)>,
    /// The operations a stub names by their request type (the body type belongs to one
    /// operation only, which has no parameters and a JSON answer).
    pub endpoints: Vec<MockEndpoint>,
    /// A payload per webhook pair: `(webhook_type, webhook_code, JSON)`, by pair.
    pub webhooks: Vec<(String, String, String)>,
    /// A valid error body and the JSON names of the fields the mock fills in.
    pub error: Option<MockError>,
}

/// A place in an answer whose spec word the evidence pass relaxed, and what the spec says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecField {
    /// A JSON pointer pattern: `*` stands for every item of a list.
    pub pointer: String,
    /// The spec requires the field (when its object is there).
    pub present: bool,
    /// The spec forbids `null` in it.
    pub not_null: bool,
}

/// How many operations each rule by which default answers follow the request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MockFollow {
    /// Operations whose answer echoes request fields.
    pub echo: usize,
    /// Operations whose answer lists are filtered by the ids asked for.
    pub filter: usize,
    /// Operations paged by `count` and `offset`.
    pub page: usize,
    /// Operations that rotate a token (`access_token` in, `new_access_token` out).
    pub rotate: usize,
    /// Resource families (a create with its get, update, list or event feeds) whose created
    /// objects persist.
    pub families: usize,
    /// Operations that answer one list item per request list item.
    pub each: usize,
    /// Operations whose `include_*` options fill the optional fields with samples.
    pub include: usize,
}

/// An operation's default answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MockAnswer {
    /// The operationId.
    pub operation: String,
    /// The JSON text: the spec's first success example that decodes, or a sample of the type.
    pub json: String,
    /// Whether it is the spec's example (else a sample).
    pub from_example: bool,
}

/// An operation a typed stub can name by its request type.
#[derive(Debug, Clone, PartialEq)]
pub struct MockEndpoint {
    /// The module (and feature) of the operation.
    pub module: String,
    /// Its row in the module's operation table.
    pub index: usize,
    /// The request body type.
    pub request: TypeRef,
    /// The success type the method returns.
    pub response: TypeRef,
}

/// The error body the mock answers with: a sample with every required field, and the JSON
/// names of the fields it fills in.
#[derive(Debug, Clone, PartialEq)]
pub struct MockError {
    /// The sample's JSON text.
    pub template: String,
    /// `error_type`'s JSON name.
    pub error_type: String,
    /// `error_code`'s JSON name.
    pub error_code: String,
    /// `error_message`'s JSON name.
    pub error_message: String,
    /// `display_message`'s JSON name, if the body has it.
    pub display_message: Option<String>,
    /// `request_id`'s JSON name, if the body has it.
    pub request_id: Option<String>,
}

/// What the generated `webhooks` module types and verifies ([`crate::passes::webhooks`] decides).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Webhooks {
    /// One variant of `Webhook` per payload shape, sorted by (type, code, name).
    pub variants: Vec<WebhookVariant>,
    /// Every `x-examples` (and `example`) value of a payload schema, each a generated test.
    pub examples: Vec<WebhookExample>,
    /// The operation the verifier fetches keys with, when the specs have it.
    pub key_source: Option<WebhookKeySource>,
    /// The traits `Webhook` derives: `Debug`, and `Clone` and `PartialEq` when every payload
    /// type has them.
    pub derives: Vec<Derive>,
}

/// One variant of the generated `Webhook` enum.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookVariant {
    /// The variant's Rust name, from its pair (`ItemError` for `ITEM`/`ERROR`).
    pub name: String,
    /// The payload type it holds.
    pub ty: TypeRef,
    /// The schemas it stands for: its own first, then any that share its pair and shape
    /// (folded into it).
    pub schemas: Vec<String>,
    /// The `webhook_type` it is sent with (`ITEM`).
    pub webhook_type: String,
    /// The `webhook_code` it is sent with (`ERROR`).
    pub webhook_code: String,
    /// For a pair several variants share: the keys a body must all have to be this variant
    /// (its required properties that no other variant of the pair declares). Variants of a
    /// pair are tried in order; the last one takes what the others leave.
    pub markers: Vec<String>,
    /// The keys dispatch checks: the markers, except for the variant of its pair that takes
    /// every body the others leave (so such a body decodes, or fails with a path, rather than
    /// becoming `Unknown`), which checks none. `None` when an earlier variant of the pair takes
    /// every body (two variants without markers; a warning says so).
    pub guard: Option<Vec<String>>,
    /// The first paragraph of the schema's description.
    pub docs: Option<String>,
    /// The features one of which must be on for the payload type to compile; `None` when it
    /// always does (set by [`crate::passes::webhooks`] from the type's module and gate).
    pub gate: Option<Vec<String>>,
}

/// One example payload from the specs.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookExample {
    /// Where it is (`schema ItemErrorWebhook x-examples example-1`).
    pub origin: String,
    /// The schema it belongs to.
    pub schema: String,
    /// The value, as JSON text.
    pub json: String,
    /// The variant `Webhook::parse` gives it, which its test expects: the variant of its own
    /// schema unless another payload of its pair takes it first (set by
    /// [`crate::passes::webhooks`]).
    pub variant: Option<String>,
}

/// The operation that returns a webhook verification key (`/webhook_verification_key/get`).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookKeySource {
    /// The module (and feature) of the operation.
    pub module: String,
    /// Its row in the module's operation table.
    pub index: usize,
    /// The request's JSON field that carries the key id (`key_id`).
    pub key_id: String,
    /// The response's JSON field that holds the key (`key`).
    pub key: String,
}

/// The field-name rule of [`crate::passes::sensitivity`], as the runtime receives it
/// (`REDACTION_RULE`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RedactionRule {
    /// A name whose last word is one of these is a secret.
    pub secret_last_words: Vec<String>,
    /// A name with one of these words anywhere is a secret.
    pub secret_words: Vec<String>,
    /// Names shown partially (normalized: lower-case words joined by `_`).
    pub partial_names: Vec<String>,
    /// Names that some schema marks secret (`format: password`, `writeOnly`), normalized.
    pub secret_names: Vec<String>,
}

/// One `example` or `examples` value of the specs.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where it is, for a failing test's message (`POST /accounts/get request example_1`).
    pub origin: String,
    /// The type it must decode into.
    pub ty: TypeRef,
    /// The value, as JSON text.
    pub json: String,
    /// Where it is written: the spec file (by its index among the merged files) and the JSON
    /// pointer of the value, for diagnostics; `None` for a property's `example`, which is
    /// located at its schema.
    pub at: Option<(usize, String)>,
    /// The operation (by id) whose success answer this is an example of, if it is one: the
    /// first of them is what the `testing` mock answers by default.
    pub answer: Option<String>,
}

/// One server the API is served from.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Its description (`Production`, `Sandbox`, ...).
    pub name: String,
    /// Its base URL.
    pub url: String,
}

/// A request body field that carries a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyCredential {
    /// The JSON name.
    pub wire: String,
    /// What it carries.
    pub credential: Credential,
    /// Whether the request schema requires it, so the runtime writes the configured value in.
    pub written: bool,
}

/// A security scheme that is an API key in a header.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthHeader {
    /// The scheme's name in the spec (`clientId`).
    pub scheme: String,
    /// The header to send (`PLAID-CLIENT-ID`).
    pub header: String,
    /// What the header carries ([`crate::passes::credentials`] decides).
    pub credential: Credential,
}

/// A value the client sends with every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Credential {
    /// The configured client id.
    ClientId,
    /// The configured secret.
    Secret,
    /// The API version the code was generated for.
    ApiVersion,
}

/// The type non-2xx answers decode into, and how the runtime reads the fields it needs
/// ([`crate::passes::credentials`] has the sibling rule for security schemes; this one is decided by
/// [`crate::passes::error_body`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// The error type.
    pub ty: TypeRef,
    /// The broad category (`error_type`).
    pub error_type: ErrorField,
    /// What the runtime's `ApiError::error_type` returns: the field's string enum when it is
    /// one (through aliases), else `String`.
    pub error_type_ty: TypeRef,
    /// The specific code (`error_code`).
    pub error_code: ErrorField,
    /// The developer-facing message (`error_message`).
    pub error_message: ErrorField,
    /// The message for end users (`display_message`), when the schema has one.
    pub display_message: Option<ErrorField>,
    /// Plaid's request id (`request_id`), when the schema has one.
    pub request_id: Option<ErrorField>,
    /// The feature the type compiles under, when it lives in a group's module (set by
    /// [`crate::passes::features`]); without it errors are read from untyped JSON.
    pub gate: Option<String>,
}

/// How the runtime reads one text field of the error body (a string or a string enum; both
/// are read with `as_str`).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorField {
    /// The Rust field name.
    pub field: String,
    /// How its type is wrapped.
    pub wrapping: Wrapping,
}

/// One Rust module of the generated crate: a group of operations and the types only they use.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The module's Rust name.
    pub name: String,
    /// Where its content comes from, for its docs (`specs/accounts.yml`).
    pub source: String,
    /// Its types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Its operations, in spec order.
    pub operations: Vec<Operation>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// The schema it comes from (`AccountBase`, or `AccountBase.verification_status` for an
    /// inline schema).
    pub origin: String,
    /// Doc text (markdown, as in the spec).
    pub docs: Option<String>,
    /// The deprecation note, when the schema is deprecated.
    pub deprecated: Option<String>,
    /// What kind of type.
    pub kind: TypeKind,
    /// For a type in `shared`: the groups (Cargo features) that reach it, one of which must be
    /// on for it to compile; `None` when it is always compiled.
    pub gate: Option<Vec<String>>,
    /// For an alias of a primitive (`Email` = `String`): the schema's `format` and value
    /// constraints, which samples of every field of this type must meet.
    pub value_rules: Option<(Option<String>, Constraints)>,
    /// The traits derived on the type ([`crate::passes::surface`] decides; empty for an alias).
    pub derives: Vec<Derive>,
    /// What extensions decided (`x-rust-name`) instead of the spec's structure.
    pub stated: Stated,
}

/// The decisions a maintainer stated with extensions (usually set by an overlay) instead of
/// leaving them to the spec's structure; `lower`'s `stated` unit reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stated {
    /// `x-rust-name`: the name as stated, and the one the structure gives.
    pub name: Option<Renamed>,
    /// `x-feature`: the group the structure gives, which the stated one replaced.
    pub group: Option<String>,
    /// `x-rust-retry`: the retry class stated ([`crate::passes::retry`] honours it).
    pub retry: Option<StatedRetry>,
}

/// A name stated with `x-rust-name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The extension's text, before the naming rule makes an identifier of it.
    pub stated: String,
    /// The Rust name the spec's structure gives, which the stated one replaced.
    pub structural: String,
}

/// A retry class stated with `x-rust-retry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatedRetry {
    /// `keyed`: the operation's idempotency key field makes retries safe.
    Keyed,
    /// `read`: no side effect.
    Read,
    /// `acting`: may act; never resent after a failure that leaves unknown whether it did.
    Acting,
}

/// A derived trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Derive {
    /// `Clone`.
    Clone,
    /// `Debug` (structs write their own, which redacts).
    Debug,
    /// `Default`: a struct with nothing to require.
    Default,
    /// `PartialEq`.
    PartialEq,
    /// `Eq`.
    Eq,
    /// `Hash`.
    Hash,
    /// `PartialOrd`.
    PartialOrd,
    /// `Ord`.
    Ord,
    /// serde's `Serialize`.
    Serialize,
    /// serde's `Deserialize`.
    Deserialize,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// A string enum with a fallback for values the spec does not list.
    Enum(Enum),
    /// Another name for a type (`RequestId` = `String`).
    Alias(TypeRef),
}

/// A struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not list.
    pub extra: Extra,
    /// The Rust names of the fields `new` takes, in field order: those that must have a value
    /// ([`crate::passes::surface`] decides).
    pub constructor: Vec<String>,
    /// When `new` would take more than [`crate::passes::surface::MAX_POSITIONAL`] values: the
    /// name of the struct that `new` takes instead, whose fields name each value at the call
    /// site, so that two values of one type cannot be swapped silently.
    pub named_args: Option<String>,
}

/// The treatment of properties a schema does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Kept in a map field with this Rust name and written back on serialization.
    Keep {
        /// The map field's name.
        field: String,
        /// The map's value type (`Any` for `additionalProperties: true`).
        value: TypeRef,
    },
    /// Dropped (`additionalProperties: false`).
    Drop,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The JSON name.
    pub wire: String,
    /// The type, without the `Option` that `required`/`nullable` add.
    pub ty: TypeRef,
    /// Listed in `required`: always present on the wire.
    pub required: bool,
    /// May be `null` (the property or the schema it refers to is `nullable`).
    pub nullable: bool,
    /// Doc text.
    pub docs: Option<String>,
    /// The spec's `format`, when the type does not carry it.
    pub format: Option<String>,
    /// The spec's `default`, as JSON text.
    pub default: Option<String>,
    /// The deprecation note, when the property is deprecated.
    pub deprecated: Option<String>,
    /// Whether `Debug` hides the value ([`crate::passes::sensitivity`] decides).
    pub sensitivity: Option<Sensitivity>,
    /// The property's `example`, as JSON text.
    pub example: Option<String>,
    /// The field is on a by-value cycle and is boxed ([`crate::passes::cycles`]).
    pub boxed: bool,
    /// The schema's value constraints, which samples for contract tests must meet.
    pub constraints: Constraints,
    /// The setter of an optional field (`with_type` for the field `type_`), checked against
    /// the struct's other methods ([`crate::passes::surface`] decides).
    pub setter: Option<String>,
    /// The setter that sends an explicit `null` for an optional nullable field
    /// (`with_type_null`); its plain setter takes a value ([`crate::passes::surface`]).
    pub null_setter: Option<String>,
    /// What `new` and the setter take (`impl Into<..>`) when it is not [`Field::ty`]: the plain
    /// type an alias stands for (`String` for `TransferAccessToken`), which says what to pass
    /// ([`crate::passes::surface`]).
    pub arg: Option<TypeRef>,
    /// The docs shown on the field: its own text or its type's first sentence, then its limits,
    /// format and default ([`crate::passes::docs`] decides).
    pub shown_docs: Option<String>,
    /// The field is a keyed operation's idempotency key: `new` fills it with a fresh key
    /// instead of taking it, and it has a setter ([`crate::passes::retry`]).
    pub idempotency_key: Option<IdempotencyKey>,
    /// How `Debug` shows the value ([`crate::passes::surface`] decides).
    pub show: Show,
    /// What JSON the decoder accepts for the value ([`crate::passes::evidence`] decides).
    pub read: Read,
    /// What extensions decided (`x-rust-name`) instead of the spec's structure.
    pub stated: Stated,
    /// What the evidence pass relaxed because an example contradicted the spec
    /// ([`crate::passes::evidence`]); the mock repairs its default answers back to the spec.
    pub relaxed: Relaxed,
}

/// The spec's word on a field that the evidence pass relaxed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relaxed {
    /// The spec requires it; an example leaves it out, so the type the client reads does not.
    pub required: bool,
    /// The spec forbids `null`; an example sends it, so the type the client reads allows it.
    pub nullable: bool,
}

/// What JSON a field's decoder accepts beyond the letter of its type: servers send numbers
/// and booleans where the spec says text, and one such value must not lose the whole answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Read {
    /// Exactly what the type says (enums accept scalars on their own, whatever the field).
    #[default]
    Value,
    /// Text (`String`, through aliases), also from a JSON number or boolean, kept as its JSON
    /// text.
    Text,
    /// A list of text, each item also from a JSON number or boolean.
    Texts,
}

/// How a struct's `Debug` shows a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// As its own `Debug` says.
    #[default]
    Plain,
    /// As JSON with the redaction rule applied to every key: free-form values and maps, whose
    /// keys only the server knows.
    Json,
    /// `<redacted>`.
    Redacted,
    /// Its first four characters.
    Partial,
}

/// Value constraints of a schema (`minLength`, `pattern`, `minimum`, `minItems`, ...). The
/// generated types do not enforce them (the server does); samples respect them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern` (an ECMA 262 regular expression).
    pub pattern: Option<String>,
    /// `minimum` (raised past `exclusiveMinimum`'s bound by the sampler).
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
}

/// How `Debug` shows a sensitive field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// Never shown.
    Secret,
    /// Its first four characters are shown (a string field only).
    Partial,
}

impl Field {
    /// True when the Rust field is an `Option`: absent or `null` is possible.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }

    /// How the Rust field wraps its type.
    pub fn wrapping(&self) -> Wrapping {
        match (self.required, self.nullable) {
            (true, false) => Wrapping::Plain,
            (false, true) => Wrapping::DoubleOption,
            _ => Wrapping::Option,
        }
    }

    /// How the field is written, read and checked on the wire.
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

/// A field's wire rule, from `required` and `nullable`: the runtime's `codec::field` has one
/// module for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always written; a missing one fails to decode.
    Required,
    /// Always written, `null` for `None`; a missing one decodes as `None`.
    RequiredNullable,
    /// Left out when `None`; `null` decodes as `None`.
    Optional,
    /// Left out when `Absent`, `null` for `Null`.
    OptionalNullable,
}

/// How a field's type is wrapped, from `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapping {
    /// Required, not nullable: `T`.
    Plain,
    /// Required and nullable (always written, `null` for `None`), or optional and not
    /// nullable (omitted when `None`): `Option<T>`.
    Option,
    /// Optional and nullable: the runtime's `Nullable<T>`, so that absent, `null` and a value
    /// stay apart and each round-trips.
    DoubleOption,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The listed values.
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps any other value.
    pub fallback: String,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire, as text (`true` for a value YAML read as a boolean).
    pub wire: String,
    /// The spec lists the value as a JSON number or boolean, not a string (`enum: [true,
    /// false]` under `type: string`): it is written in that form, and read from either.
    pub literal: bool,
    /// What the value means, when the spec says (a `type: string` schema that documents its
    /// values as `properties`).
    pub docs: Option<String>,
}

/// A reference to a type, as used in a field, an alias or an operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// A calendar date (`format: date`, `2024-05-17`).
    Date,
    /// An instant with its UTC offset (`format: date-time`, RFC 3339).
    DateTime,
    /// Any JSON value (`{}`, or a construct the generator cannot type).
    Any,
    /// Raw bytes of a non-JSON body (`format: binary`).
    Bytes,
    /// A named type of the generated crate.
    Named {
        /// The module that defines it.
        module: String,
        /// Its Rust name.
        name: String,
    },
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// A map from string keys to `T`.
    Map(Box<TypeRef>),
    /// `Option<T>` inside a container (`items: {nullable: true}`).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The type as a user writes it in Rust, without paths (`Vec<AccountBase>`, `Option<f64>`),
    /// for docs and the API manifest.
    pub fn spelling(&self) -> String {
        match self {
            TypeRef::String => "String".into(),
            TypeRef::Bool => "bool".into(),
            TypeRef::I32 => "i32".into(),
            TypeRef::I64 => "i64".into(),
            TypeRef::F64 => "f64".into(),
            TypeRef::Date => "Date".into(),
            TypeRef::DateTime => "DateTime".into(),
            TypeRef::Any => "Value".into(),
            TypeRef::Bytes => "Vec<u8>".into(),
            TypeRef::Named { name, .. } => name.clone(),
            TypeRef::List(inner) => format!("Vec<{}>", inner.spelling()),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", inner.spelling()),
            TypeRef::Nullable(inner) => format!("Option<{}>", inner.spelling()),
        }
    }
}

/// One API operation: a client method.
///
/// The method takes, in this order, the parameter struct ([`Operation::params`]) when the
/// operation has parameters and the request body when it has one, and returns the success
/// type ([`Operation::response`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId (`accountsGet`).
    pub id: String,
    /// The client method's name (`accounts_get`).
    pub method_name: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template (`/fdx/consents/{consentId}`).
    pub path: String,
    /// The summary line.
    pub summary: Option<String>,
    /// The description.
    pub docs: Option<String>,
    /// The deprecation note, when deprecated.
    pub deprecated: Option<String>,
    /// The path, query and header parameters, when the operation has any.
    pub params: Option<Params>,
    /// The JSON request body type.
    pub request: Option<TypeRef>,
    /// The success response type (`Bytes` for a binary body, `None` when no 2xx answer has a
    /// body).
    pub response: Option<TypeRef>,
    /// Some 2xx answers carry [`Operation::response`] and others no body (`200` and `204`): the
    /// method returns `Option<T>`, `None` for an answer without a body.
    pub response_optional: bool,
    /// The error body type from the `default` response (or the first 4xx/5xx one).
    pub error: Option<TypeRef>,
    /// The body fields that carry credentials, for every operation: the API's own
    /// ([`Api::body_credentials`]) and any its request schema names otherwise. Those its
    /// schema requires are `written`: the runtime fills them in from the configuration. The
    /// request type has no such field, and an extra body field of one of these names is
    /// refused ([`crate::passes::credentials`]).
    pub body_credentials: Vec<BodyCredential>,
    /// How the operation pages its results, when it does ([`crate::passes::pagination`] decides).
    pub pagination: Option<Paging>,
    /// What a retry may cost, and so which failures are retried ([`crate::passes::retry`]
    /// decides).
    pub retry: RetryClass,
    /// What extensions decided (`x-rust-name`, `x-feature`, `x-rust-retry`) instead of the
    /// spec's structure.
    pub stated: Stated,
    /// The security requirements: alternatives, each the security scheme names it needs
    /// together (`[]` for no credentials at all, `[[]]` for optional ones); the operation's own
    /// `security`, else its file's. `None` when neither states any.
    pub security: Option<Vec<Vec<String>>>,
    /// For a success answer that is not JSON ([`TypeRef::Bytes`]): its media type and the
    /// headers the spec documents for it.
    pub binary: Option<BinaryAnswer>,
}

/// A success answer that is not JSON (a PDF, a ZIP), as the spec describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryAnswer {
    /// The media type (`application/pdf`).
    pub media_type: String,
    /// The response headers the spec documents, each with its example when it has one
    /// (`Plaid-Content-Hash`).
    pub headers: Vec<(String, Option<String>)>,
}

/// What resending an operation after a failure may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryClass {
    /// The request carries an idempotency key: the server acts once per key, so any failure
    /// that may be transient is retried with the same key.
    Keyed(IdempotencyKey),
    /// No side effect: retried after any failure that may be transient.
    Read,
    /// May act and has no key: never resent after a failure that leaves unknown whether it
    /// acted.
    Acting,
}

/// The idempotency key field of a keyed operation's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The JSON name.
    pub wire: String,
    /// The Rust field name.
    pub field: String,
    /// The schema requires it (`new` fills it rather than taking it).
    pub required: bool,
    /// `minLength`, which a filled key meets.
    pub min_length: Option<usize>,
    /// `maxLength`, which a filled key fits.
    pub max_length: Option<usize>,
}

/// A paged operation's extra methods and how they page.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// How the pages follow each other.
    pub style: Pagination,
    /// The method streaming every page (`transactions_sync_pages`).
    pub pages_method: String,
    /// The method reading a whole `has_more` update (`transactions_sync_all`).
    pub all_method: Option<String>,
}

/// How an operation pages its results.
#[derive(Debug, Clone, PartialEq)]
pub enum Pagination {
    /// A `cursor` in, `next_cursor` and `has_more` out (`/transactions/sync`): a complete
    /// update is every page until `has_more` is false.
    CursorHasMore {
        /// The request's cursor.
        cursor: PageField,
        /// The response's next cursor.
        next_cursor: PageField,
        /// The response's `has_more`.
        has_more: PageField,
        /// The response's lists, concatenated when pages are merged.
        lists: Vec<PageField>,
    },
    /// A `cursor` in, `next_cursor` out, absent, `null` or empty after the last page.
    Cursor {
        /// The request's cursor.
        cursor: PageField,
        /// The response's next cursor.
        next_cursor: PageField,
    },
    /// `count` and `offset` in the request or its options, a list out, with a `total_*` or a
    /// short page at the end.
    Offset {
        /// The request field that holds `count` and `offset` (`options`), if not the request.
        holder: Option<PageField>,
        /// The page size.
        count: PageField,
        /// The position of the first item.
        offset: PageField,
        /// The response's list the offset counts.
        items: PageField,
        /// The response's total, when it has one.
        total: Option<PageField>,
    },
}

/// A field paging reads or writes.
#[derive(Debug, Clone, PartialEq)]
pub struct PageField {
    /// The Rust field name.
    pub field: String,
    /// How its type is wrapped.
    pub wrapping: Wrapping,
    /// Its type under aliases (`String`, `DateTime`, `I32`, `I64`, `Bool`, a list), which the
    /// paging code converts from and to.
    pub base: TypeRef,
}

/// An HTTP method an operation may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method from its lower-case name in a path item (`get`), if it is one.
    pub fn from_path_item_key(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// The upper-case name sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

/// The parameters of one operation: a generated struct (a [`TypeDef`] of the operation's
/// module, one field per parameter, required ones taken by its `new`) and how each field goes
/// on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The struct's Rust name (`FdxConsentGetParams`).
    pub type_name: String,
    /// The parameters, in spec order (path-item parameters first, then the operation's).
    pub items: Vec<Parameter>,
}

/// One path, query or header parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The Rust field of the parameter struct that holds its value.
    pub field: String,
    /// The parameter's name on the wire (the path template's `{name}`, the query key, the
    /// header name).
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// How the value is written (OpenAPI's `style`, with its default for the location).
    pub style: ParamStyle,
    /// OpenAPI's `explode` (default: true for `form`, false otherwise): whether an array or
    /// object gives one pair per item.
    pub explode: bool,
    /// Whether a value must be given (the field is not an `Option`).
    pub required: bool,
    /// The value is JSON text (`content: application/json` instead of `schema`).
    pub json: bool,
    /// The value is a secret or personal data (the field's sensitivity): the runtime marks the
    /// header sensitive and scrubs the value from everything it shows.
    pub sensitive: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A segment of the path (`/consents/{consentId}`).
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// OpenAPI's serialization styles for parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `a,b,c` (path and header default).
    Simple,
    /// `.a.b.c` (path).
    Label,
    /// `;name=a,b,c` (path).
    Matrix,
    /// `name=a&name=b` or `name=a,b` (query default).
    Form,
    /// `name=a%20b` (query arrays).
    SpaceDelimited,
    /// `name=a|b` (query arrays).
    PipeDelimited,
    /// `name[key]=value` (query objects).
    DeepObject,
}
