//! The `testing` feature's tables: what the mock answers by default, the rules it checks
//! requests against, a payload per webhook pair, and the `Endpoint` impls that let a test stub
//! an operation by its request type. All of it is data; the mock is the hand-written runtime's.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_tokens};
use crate::ir::Api;

/// `src/gen/testing.rs`.
pub(super) fn module(api: &Api) -> TokenStream {
    let mock = &api.mock;
    let answers = mock.answers.iter().map(|a| {
        let (op, json) = (&a.operation, &a.json);
        quote!((#op, #json),)
    });
    let rules = &mock.rules;
    let webhooks = mock.webhooks.iter().map(|(t, c, json)| quote!((#t, #c, #json),));
    let error = match &mock.error {
        Some(e) => {
            let (template, ty, code, message) = (&e.template, &e.error_type, &e.error_code, &e.error_message);
            let optional = |name: &Option<String>| match name {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            let (display, request_id) = (optional(&e.display_message), optional(&e.request_id));
            quote!(Some(crate::testing::ErrorShape {
                template: #template,
                error_type: #ty,
                error_code: #code,
                error_message: #message,
                display_message: #display,
                request_id: #request_id,
            }))
        }
        None => quote!(None),
    };
    let endpoints = mock.endpoints.iter().map(|e| {
        let feature = &e.module;
        let module = ident(&e.module);
        let index = proc_macro2::Literal::usize_unsuffixed(e.index);
        let request = type_tokens(&e.request, "testing");
        let response = type_tokens(&e.response, "testing");
        quote! {
            #[cfg(feature = #feature)]
            impl crate::testing::Endpoint for #request {
                type Response = #response;
                const OPERATION: &'static crate::Operation = &super::#module::OPERATIONS[#index];
            }
        }
    });
    quote! {
        //! What the `testing` mock serves, as data: default answers, request rules, webhook
        //! payloads, the error body, and the operations a typed stub names.

        /// Each operation's default answer, `(operationId, JSON)`: the spec's first success
        /// example that decodes, else a sample of the success type.
        pub(crate) const ANSWERS: &[(&str, &str)] = &[#(#answers)*];
        /// The request rules, read once by `mock::check`: the named types requests reach, each
        /// operation's body type, its required parameters and, where they are not the
        /// default ones, the credentials it needs.
        pub(crate) const RULES: &str = #rules;
        /// A payload per webhook pair, `(webhook_type, webhook_code, JSON)`.
        pub(crate) const WEBHOOKS: &[(&str, &str, &str)] = &[#(#webhooks)*];
        /// The error body the mock answers with, and the fields it fills in.
        pub(crate) const ERROR: Option<crate::testing::ErrorShape> = #error;
        #(#endpoints)*
    }
}
