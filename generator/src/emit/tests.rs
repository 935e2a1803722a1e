//! Tests emitted beside the generated code, so that regen keeps them in step with the specs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, raw_docs, type_tokens_at, Place};
use crate::ir::{Api, TypeKind, TypeRef};
use crate::sample::Sampler;

/// The marker put in every sensitive field; `Debug` output must never contain it.
const MARKER: &str = "MARKER-5f3c-sensitive-value";

/// For every struct with a sensitive field, a sample with the marker in each sensitive field
/// (and in an unknown `secret` property) must keep the marker through decoding and never show
/// it in `Debug` output.
pub(super) fn redaction(api: &Api, crate_name: &str) -> TokenStream {
    let sampler = Sampler::new(api).with_optional().with_marker(MARKER);
    let krate = ident(crate_name);
    let cases: Vec<TokenStream> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(move |t| (m, t)))
        .filter(|(_, t)| matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.sensitivity.is_some())))
        .filter_map(|(m, t)| {
            let json = sampler.value(&TypeRef::Named { module: m.name.clone(), name: t.name.clone() }).to_string();
            json.contains(MARKER).then(|| {
                let (label, name) = (&t.name, ident(&t.name));
                quote!((#label, check::<#krate::#name>, #json))
            })
        })
        .collect();
    let table = case_table(&cases, "Type name, check, sample JSON.", "debug_output_never_shows_a_sensitive_value");
    let all = all_groups(api);
    quote! {
        //! Generated from the specs: every type with a field that the redaction rule covers
        //! hides it in `Debug` output.
        #all
        #![allow(deprecated)]

        /// Put in every sensitive field of the samples below.
        const MARKER: &str = #MARKER;

        /// Decodes the sample, checks that the marker survived (or the check would prove
        /// nothing), and that `Debug` does not show it.
        fn check<T: ::serde::de::DeserializeOwned + ::serde::Serialize + ::std::fmt::Debug>(json: &str) -> Result<(), String> {
            let value: T = ::serde_json::from_str(json).map_err(|e| format!("the sample does not decode: {e}"))?;
            let encoded = ::serde_json::to_string(&value).map_err(|e| format!("the value does not encode: {e}"))?;
            if !encoded.contains(MARKER) {
                return Err(format!("the marker was lost in decoding: {encoded}"));
            }
            let shown = format!("{value:?}");
            if shown.contains(MARKER) {
                return Err(format!("Debug shows a sensitive value: {shown}"));
            }
            Ok(())
        }

        #table

        /// Every operation lists, among its body credentials, a field for each credential the
        /// security schemes send as a header (the client id and the secret), so that an extra
        /// body field or query parameter named like one is refused on every operation.
        #[test]
        fn every_operation_refuses_each_header_credential_as_a_body_field() {
            use #krate::Credential;
            let carried: Vec<Credential> = #krate::AUTH_HEADERS
                .iter()
                .map(|(_, credential)| *credential)
                .filter(|credential| matches!(credential, Credential::ClientId | Credential::Secret))
                .collect();
            for op in #krate::operations() {
                for credential in &carried {
                    assert!(
                        op.body_credentials.iter().any(|field| field.credential == *credential),
                        "{} does not list a body field for {credential:?}",
                        op.id
                    );
                }
            }
        }
    }
}

/// Every example of the specs decodes into its type, encodes again, decodes to an equal value,
/// and the re-encoded JSON keeps every key of the original.
pub(super) fn examples(api: &Api, crate_name: &str) -> TokenStream {
    let cases: Vec<TokenStream> = api
        .examples
        .iter()
        .map(|e| {
            let ty = type_tokens_at(&e.ty, Place::Outside(crate_name));
            let (origin, json) = (&e.origin, &e.json);
            quote!((#origin, round_trip::<#ty>, #json))
        })
        .collect();
    let table = case_table(&cases, "Where the example is, check, example JSON.", "every_spec_example_round_trips");
    let all = all_groups(api);
    quote! {
        //! Generated from the specs: every `example` and `examples` value decodes into its
        //! generated type and round-trips without losing a key.
        #all
        #![allow(deprecated)]

        use ::serde_json::Value;

        /// Decodes, encodes and decodes again; the two values must be equal and the encoding
        /// must keep every key of the example.
        fn round_trip<T>(json: &str) -> Result<(), String>
        where
            T: ::serde::de::DeserializeOwned + ::serde::Serialize + PartialEq + ::std::fmt::Debug,
        {
            let original: Value = ::serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
            let decoded: T = ::serde_json::from_value(original.clone()).map_err(|e| format!("does not decode: {e}"))?;
            let encoded = ::serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
            let again: T = ::serde_json::from_value(encoded.clone()).map_err(|e| format!("does not decode again: {e}"))?;
            if decoded != again {
                return Err(format!("the round trip changed the value: {decoded:?} became {again:?}"));
            }
            keys_kept("", &original, &encoded)
        }

        fn keys_kept(at: &str, original: &Value, encoded: &Value) -> Result<(), String> {
            match (original, encoded) {
                (Value::Object(a), Value::Object(b)) => a.iter().try_for_each(|(k, v)| match b.get(k) {
                    Some(w) => keys_kept(&format!("{at}.{k}"), v, w),
                    None => Err(format!("`{at}.{k}` was lost on re-encoding")),
                }),
                (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                    a.iter().zip(b).enumerate().try_for_each(|(i, (v, w))| keys_kept(&format!("{at}[{i}]"), v, w))
                }
                (Value::Array(_), _) => Err(format!("`{at}`: the array changed length")),
                _ => Ok(()),
            }
        }

        #table
    }
}

/// Every operation against Stoplight Prism, which `cargo xtask contract` starts: in static mode
/// Prism validates each request (sent with required fields and parameters only, then with every
/// one set) and answers 422 to a violation; in dynamic mode its random schema-valid answers must
/// all decode. Ignored in a plain `cargo test`, which has no Prism.
pub(super) fn contract(api: &Api, crate_name: &str) -> TokenStream {
    let required_only = Sampler::new(api);
    let every_field = Sampler::new(api).with_optional();
    let krate = ident(crate_name);
    let mut calls = Vec::new();
    let mut cases = Vec::new();
    for m in &api.modules {
        for op in &m.operations {
            let id = &op.id;
            let method = ident(&op.method_name);
            let call = ident(&format!("call_{}", op.method_name));
            let params_ty = op.params.as_ref().map(|p| TypeRef::Named { module: m.name.clone(), name: p.type_name.clone() });
            let sample = |sampler: &Sampler<'_>, ty: &Option<TypeRef>| ty.as_ref().map(|t| sampler.value(t).to_string()).unwrap_or_default();
            let (params_min, params_all) = (sample(&required_only, &params_ty), sample(&every_field, &params_ty));
            let (body_min, body_all) = (sample(&required_only, &op.request), sample(&every_field, &op.request));
            cases.push(quote!((#id, #call, #params_min, #body_min, #params_all, #body_all)));
            let decode_params = params_ty.as_ref().map(|t| {
                let t = type_tokens_at(t, Place::Outside(crate_name));
                quote!(let params: #t = decode(params)?;)
            });
            let decode_body = op.request.as_ref().map(|t| {
                let t = type_tokens_at(t, Place::Outside(crate_name));
                quote!(let body: #t = decode(body)?;)
            });
            let args = params_ty.as_ref().map(|_| quote!(params,)).into_iter().chain(op.request.as_ref().map(|_| quote!(body)));
            calls.push(quote! {
                fn #call<'a>(client: &'a Client, params: &'a str, body: &'a str) -> Pending<'a> {
                    Box::pin(async move {
                        #decode_params
                        #decode_body
                        client.#method(#(#args)*).await.map(drop).map_err(|e| e.to_string())
                    })
                }
            });
        }
    }
    let count = cases.len();
    let all = all_groups(api);
    quote! {
        //! Generated from the specs: every operation keeps the contract that Stoplight Prism checks.
        //! Run by `cargo xtask contract`, which starts Prism twice on the specs: static
        //! (`PRISM_STATIC_URL`, validates each request) and dynamic (`PRISM_DYNAMIC_URL`, answers
        //! with random valid bodies; `CONTRACT_FUZZ` of them per operation, 50 by default).
        //!
        //! Each operation is called through a small function of its own whose future is boxed,
        //! so the test's stack frame stays the same size however many operations the spec has.
        #all
        #![allow(deprecated, unused_variables)]

        use #krate::{Client, Config, RetryPolicy};

        /// A call under way.
        type Pending<'a> = ::std::pin::Pin<Box<dyn ::std::future::Future<Output = Result<(), String>> + 'a>>;

        /// Calls one operation with sample parameters and body (JSON); the answer is decoded.
        type Call = for<'a> fn(&'a Client, &'a str, &'a str) -> Pending<'a>;

        /// Decodes a sample value into the type the method takes.
        fn decode<T: ::serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
            ::serde_json::from_str(json).map_err(|e| format!("the sample does not decode: {e}"))
        }

        #(#calls)*

        /// Operation id; its call; parameters and body with required fields only; with every
        /// field.
        const CASES: &[(&str, Call, &str, &str, &str, &str)] = &[#(#cases),*];

        fn client(url_var: &str) -> Client {
            let url = ::std::env::var(url_var).unwrap_or_else(|_| panic!("{url_var} is not set: run `cargo xtask contract`"));
            let config = Config::with_base_url(url, "contract-client-id", "contract-secret").expect("Prism listens on loopback");
            Client::new(config.with_retry(RetryPolicy::none()))
        }

        #[tokio::test]
        #[ignore = "needs Prism: run `cargo xtask contract`"]
        async fn every_operation_keeps_the_contract_prism_checks() {
            let fuzz: usize = ::std::env::var("CONTRACT_FUZZ").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
            let mut failures = Vec::new();
            let validating = client("PRISM_STATIC_URL");
            let mut validated = 0;
            for (id, call, params_min, body_min, params_all, body_all) in CASES {
                for (label, params, body) in [("required fields", params_min, body_min), ("every field", params_all, body_all)] {
                    validated += 1;
                    if let Err(e) = call(&validating, params, body).await {
                        failures.push(format!("{id} with {label}: {e}
  parameters: {params}
  body: {body}"));
                    }
                }
            }
            let fuzzing = client("PRISM_DYNAMIC_URL");
            let mut fuzzed = 0;
            for (id, call, params, body, _, _) in CASES {
                for round in 0..fuzz {
                    fuzzed += 1;
                    if let Err(e) = call(&fuzzing, params, body).await {
                        failures.push(format!("{id} answer {round}: {e}"));
                    }
                }
            }
            println!("contract: {validated} requests validated, {fuzzed} responses fuzzed, {} failures", failures.len());
            assert!(failures.is_empty(), "{}", failures.join("\n"));
            assert_eq!(CASES.len(), #count);
        }
    }
}

/// The case table of a generated test and the test that runs every case, reporting all
/// failures at once; it also pins the number of cases, so a lost case fails.
fn case_table(cases: &[TokenStream], doc: &str, test: &str) -> TokenStream {
    let count = cases.len();
    let test = ident(test);
    let doc = raw_docs(doc);
    quote! {
        type Check = fn(&str) -> Result<(), String>;

        #doc
        const CASES: &[(&str, Check, &str)] = &[#(#cases),*];

        #[test]
        fn #test() {
            let failures: Vec<String> = CASES
                .iter()
                .filter_map(|(name, check, json)| check(json).err().map(|e| format!("{name}: {e}")))
                .collect();
            assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), CASES.len(), failures.join("\n"));
            assert_eq!(CASES.len(), #count);
        }
    }
}

/// `#![cfg(all(feature = ...))]` over every group: the generated tests name types of all of
/// them, so they run with every feature on (the default). A spec with no cases of a kind (no
/// operations, no examples) leaves the helpers unused.
pub(super) fn all_groups(api: &Api) -> TokenStream {
    let groups = &api.features;
    let cfg = match groups.as_slice() {
        [] => quote!(),
        [one] => quote!(#![cfg(feature = #one)]),
        _ => quote!(#![cfg(all(#(feature = #groups),*))]),
    };
    quote! {
        #cfg
        #![allow(dead_code)]
    }
}

/// Every default answer of the `testing` mock decodes into its operation's success type, as
/// the client decodes it.
pub(super) fn mock_answers(api: &Api, crate_name: &str) -> TokenStream {
    let krate = ident(crate_name);
    let cases: Vec<TokenStream> = api
        .mock
        .answers
        .iter()
        .filter_map(|a| {
            let op = api.modules.iter().flat_map(|m| &m.operations).find(|op| op.id == a.operation)?;
            let ty = type_tokens_at(op.response.as_ref()?, Place::Outside(crate_name));
            let id = &a.operation;
            Some(quote!((#id, decodes::<#ty>, #id)))
        })
        .collect();
    let table = case_table(&cases, "Operation, check, operation.", "every_default_answer_decodes");
    let all = all_groups(api);
    let spec_fields = api.mock.spec_fields.iter().map(|(op, fields)| {
        let fields = fields.iter().map(|f| {
            let (pointer, present, not_null) = (&f.pointer, f.present, f.not_null);
            quote!((#pointer, #present, #not_null))
        });
        quote!((#op, &[#(#fields),*]))
    });
    quote! {
        //! Generated from the specs: every default answer of the `testing` mock decodes into
        //! its operation's success type, and meets the spec where the client's types are
        //! more lenient than it (a client that trusts the spec decodes it too).
        #all
        #![cfg(feature = "testing")]
        #![allow(deprecated)]

        /// A place in an answer whose spec word the client's types relaxed: `(pointer,
        /// required, not null)`; `*` stands for every item of a list.
        type SpecField = (&'static str, bool, bool);

        /// Per operation, the places of its answer whose spec word the client's types relaxed.
        const SPEC_FIELDS: &[(&str, &[SpecField])] = &[#(#spec_fields),*];

        fn decodes<T: ::serde::de::DeserializeOwned>(operation: &str) -> Result<(), String> {
            let json = #krate::testing::default_answer(operation).ok_or("the mock has no default answer")?;
            ::serde_json::from_str::<T>(json).map(drop).map_err(|e| format!("does not decode: {e}"))?;
            let value: ::serde_json::Value = ::serde_json::from_str(json).map_err(|e| e.to_string())?;
            let fields = SPEC_FIELDS.iter().find(|(id, _)| *id == operation).map(|(_, fields)| *fields).unwrap_or_default();
            for (pointer, required, not_null) in fields {
                let segments: Vec<&str> = pointer.split('/').skip(1).collect();
                meets_spec(&value, &segments, *required, *not_null).map_err(|e| format!("{pointer}: {e}"))?;
            }
            Ok(())
        }

        /// Whether the field at `segments` is there when its object is (if `required`), and not
        /// `null` (if `not_null`).
        fn meets_spec(value: &::serde_json::Value, segments: &[&str], required: bool, not_null: bool) -> Result<(), String> {
            match segments {
                [] => Ok(()),
                ["*", rest @ ..] => value.as_array().into_iter().flatten().try_for_each(|item| meets_spec(item, rest, required, not_null)),
                [last] => match value.as_object().map(|o| o.get(&last.replace("~1", "/").replace("~0", "~"))) {
                    Some(None) if required => Err("the spec requires it; the answer leaves it out".into()),
                    Some(Some(::serde_json::Value::Null)) if not_null => Err("the spec forbids null".into()),
                    _ => Ok(()),
                },
                [key, rest @ ..] => match value.get(key.replace("~1", "/").replace("~0", "~")) {
                    Some(inner) => meets_spec(inner, rest, required, not_null),
                    None => Ok(()),
                },
            }
        }

        #table
    }
}
