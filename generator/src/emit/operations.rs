//! Operations: the client methods of a module and its operation table.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, raw_docs, sanitize_docs, type_tokens};
use crate::ir::{Module, Operation, ParamLocation, ParamStyle, Parameter, RetryClass, TypeRef};

/// The type name an operation table shows for a body type.
fn type_label(ty: &Option<TypeRef>) -> TokenStream {
    match ty {
        None => quote!(None),
        Some(t) => {
            let label = label(t);
            quote!(Some(#label))
        }
    }
}

/// A short, readable Rust spelling of a type: `AccountsGetResponse`, `Vec<u8>`.
fn label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named { name, .. } => name.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", label(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", label(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", label(inner)),
        other => type_tokens(other, "").to_string().replace(' ', ""),
    }
}

/// Method docs: the summary, the route, then the spec's description.
fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&sanitize_docs(summary.trim()));
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}` (operation `{}`).", op.http_method.as_str(), op.path, op.id));
    text.push_str("\n\n");
    text.push_str(&match &op.retry {
        RetryClass::Keyed(key) => format!(
            "Retries: *keyed*. The request's `{}` is its idempotency key (`new` fills a fresh one; a request sent without one gets one), sent unchanged on every attempt, so a failure after the request went out is retried without acting twice. [`Error::idempotency_key`](crate::Error::idempotency_key) gives it after a failure.",
            key.field
        ),
        RetryClass::Read => "Retries: *read* (no side effect): retried after any failure that may be transient.".to_string(),
        RetryClass::Acting => "Retries: *acting* (it may act, and has no idempotency key): never sent again after a failure that leaves unknown whether it acted (a `5xx`, a timeout, a lost connection); [`Error::may_have_been_processed`](crate::Error::may_have_been_processed) then says so. Refused connections, `429` and Plaid's not-processed errors are retried.".to_string(),
    });
    if let Some(d) = &op.docs {
        text.push_str("\n\n");
        text.push_str(&sanitize_docs(d));
    }
    text
}

/// The call that puts one parameter on the wire, by its location, style and `explode`.
fn param_write(p: &Parameter) -> TokenStream {
    let field = ident(&p.field);
    let name = &p.name;
    let writer = ident(match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    });
    let style = ident(if p.json {
        "Json"
    } else {
        match p.style {
            ParamStyle::Simple => "Simple",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::Form => "Form",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
        }
    });
    let explode = p.explode;
    quote!(parts.#writer(#name, &params.#field, crate::params::Style::#style, #explode);)
}

/// The `impl Client` block with one method per operation, and the `OPERATIONS` table.
pub(super) fn module_operations(module: &Module) -> TokenStream {
    if module.operations.is_empty() {
        return quote!();
    }
    let here = module.name.as_str();
    let methods = module.operations.iter().enumerate().map(|(index, op)| {
        let index_usize = index;
        let doc = raw_docs(&method_doc(op));
        let deprecated = op.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        let name = ident(&op.method_name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let params_arg = op.params.as_ref().map(|p| {
            let t = ident(&p.type_name);
            quote!(params: #t,)
        });
        // Secrets are recorded before the writes so that a header carrying one is marked
        // sensitive as it is written.
        let secrets = op.params.iter().flat_map(|p| &p.items).filter(|p| p.sensitive).map(|p| {
            let field = ident(&p.field);
            quote!(parts.secret(&params.#field);)
        });
        let writes = op.params.iter().flat_map(|p| &p.items).map(param_write);
        let (param, body) = match &op.request {
            Some(t) => {
                let t = type_tokens(t, here);
                (Some(quote!(request: #t)), quote!(Some(&request)))
            }
            None => (None, quote!(None::<&()>)),
        };
        let (output, call) = match (&op.response, op.response_optional) {
            (Some(TypeRef::Bytes), _) => (quote!(Vec<u8>), quote!(execute_bytes)),
            (Some(t), false) => (type_tokens(t, here), quote!(execute)),
            (Some(t), true) => {
                let t = type_tokens(t, here);
                (quote!(Option<#t>), quote!(execute_optional))
            }
            (None, _) => (quote!(()), quote!(execute_empty)),
        };
        let parts_mut = op.params.as_ref().map(|_| quote!(mut));
        let paging = super::pages::methods(op, index_usize, here);
        quote! {
            #doc
            #deprecated
            pub async fn #name(&self, #params_arg #param) -> Result<#output, crate::Error> {
                let op = &OPERATIONS[#index];
                let #parts_mut parts = crate::params::Parts::new(op);
                #(#secrets)*
                #(#writes)*
                self.#call(op, parts, #body).await
            }

            #paging
        }
    });
    let rows = module.operations.iter().map(|op| operation_row(op, &module.name));
    quote! {
        impl crate::Client {
            #(#methods)*
        }

        /// The operations of this module, in spec order. Crate-private: users list them with
        /// `plaid_sdk::operations()`, and a public table per module would be API that each
        /// module's removal breaks without the manifest seeing it.
        pub(crate) static OPERATIONS: &[crate::Operation] = &[#(#rows),*];
    }
}

/// One operation's row of a table (`crate::Operation`): what the runtime reads to send it.
/// The module tables and the webhook key source print rows with this one function.
pub(super) fn operation_row(op: &Operation, group: &str) -> TokenStream {
    let (id, name, method, path) = (&op.id, &op.method_name, op.http_method.as_str(), &op.path);
    let summary = op.summary.as_deref().unwrap_or("").trim();
    let deprecated = op.deprecated.is_some();
    let (request, response, error) = (type_label(&op.request), type_label(&op.response), type_label(&op.error));
    // A row that writes no credential in lists the API's own fields: the shared table.
    let body_credentials = if op.body_credentials.iter().any(|c| c.written) {
        let rows = op.body_credentials.iter().map(|c| {
            let (wire, credential, written) = (&c.wire, super::credential_tokens(c.credential), c.written);
            quote!(crate::BodyCredential { name: #wire, credential: #credential, written: #written })
        });
        quote!(&[#(#rows),*])
    } else {
        quote!(crate::gen::BODY_CREDENTIALS)
    };
    let params_type = match &op.params {
        Some(p) => {
            let name = &p.type_name;
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let (retry, key) = match &op.retry {
        RetryClass::Keyed(key) => {
            let (name, min) = (&key.wire, key.min_length.unwrap_or(0));
            let max = match key.max_length {
                Some(max) => quote!(Some(#max)),
                None => quote!(None),
            };
            (quote!(Keyed), quote!(Some(crate::IdempotencyKeyField { name: #name, min_length: #min, max_length: #max })))
        }
        RetryClass::Read => (quote!(Read), quote!(None)),
        RetryClass::Acting => (quote!(Acting), quote!(None)),
    };
    quote! {
        crate::Operation {
            id: #id,
            name: #name,
            method: #method,
            path: #path,
            group: #group,
            summary: #summary,
            params_type: #params_type,
            request_type: #request,
            response_type: #response,
            error_type: #error,
            deprecated: #deprecated,
            body_credentials: #body_credentials,
            retry: crate::RetryClass::#retry,
            idempotency_key: #key,
        }
    }
}
