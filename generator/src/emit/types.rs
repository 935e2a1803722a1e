//! Type definitions: structs, enums and aliases, with their serde impls written out rather than
//! derived: a struct reads a map through the runtime's `codec::Object` (unknown properties kept
//! without serde's `flatten` buffering), an enum goes through `as_str` and `FromStr`. Both cost
//! the compiler far less than `serde_derive`'s output for the same types.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, raw_docs, sanitize_docs, type_tokens};
use crate::ir::{Derive, Enum, Extra, Field, Show, Struct, TypeDef, TypeKind, TypeRef, Wrapping};


/// One named type.
pub(super) fn type_def(def: &TypeDef, here: &str) -> TokenStream {
    let doc = match &def.docs {
        Some(text) => docs(text),
        // The spec says nothing; a line restating the name would say nothing either.
        None => quote!(#[allow(missing_docs)]),
    };
    let deprecated = def.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Alias(target) => {
            let target = super::type_tokens(target, here);
            quote! {
                #doc
                #deprecated
                pub type #name = #target;
            }
        }
        TypeKind::Enum(e) => {
            let serde = enum_serde(&name, &def.derives);
            let tokens = enum_tokens(e, &name, derives(&def.derives), doc, deprecated);
            quote!(#tokens #serde)
        }
        TypeKind::Struct(s) => {
            let serde = struct_serde(s, &name, &def.derives);
            let tokens = struct_tokens(s, &def.name, here, derives(&def.derives), doc, deprecated);
            quote!(#tokens #serde)
        }
    }
}

/// `#[derive(...)]` for the IR's list; serde's traits are written out instead (see the module
/// docs).
pub(super) fn derives(list: &[Derive]) -> TokenStream {
    let paths = list.iter().filter(|d| !matches!(d, Derive::Serialize | Derive::Deserialize)).map(|d| match d {
        Derive::Clone => quote!(Clone),
        Derive::Debug => quote!(Debug),
        Derive::Default => quote!(Default),
        Derive::PartialEq => quote!(PartialEq),
        Derive::Eq => quote!(Eq),
        Derive::Hash => quote!(Hash),
        Derive::PartialOrd => quote!(PartialOrd),
        Derive::Ord => quote!(Ord),
        Derive::Serialize => quote!(::serde::Serialize),
        Derive::Deserialize => quote!(::serde::Deserialize),
    });
    quote!(#[derive(#(#paths),*)])
}

fn enum_tokens(e: &Enum, name: &proc_macro2::Ident, derives: TokenStream, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = &v.wire;
        let vdoc = raw_docs(&format!("`{}`", wire.replace('`', "'")));
        quote! {
            #vdoc
            #ident
        }
    });
    let arms = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#ident => #wire)
    });
    let parse_arms = e.variants.iter().map(|v| {
        let ident = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#ident)
    });
    let fallback = ident(&e.fallback);
    quote! {
        #doc
        #deprecated
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value this version of the SDK does not list; kept as received and sent back
            /// unchanged.
            #fallback(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms,)*
                    Self::#fallback(other) => other,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Never fails: a value this version does not list becomes the fallback variant.
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value {
                    #(#parse_arms,)*
                    other => Self::#fallback(other.to_string()),
                })
            }
        }
    }
}

/// `Serialize` as the wire string and `Deserialize` through `FromStr`, for the traits the IR
/// lists.
fn enum_serde(name: &proc_macro2::Ident, derives: &[Derive]) -> TokenStream {
    let ser = derives.contains(&Derive::Serialize).then(|| {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    let de = derives.contains(&Derive::Deserialize).then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    crate::codec::string_enum(deserializer)
                }
            }
        }
    });
    quote!(#ser #de)
}

/// A struct's serde impls: a JSON object with the fields in order (optional ones left out when
/// `None`, required nullable ones written as `null`), then the kept unknown properties; decoding
/// reads each property once, absent optional ones are `None`, `null` for an optional nullable
/// one is `Some(None)`, and a missing required one is serde's `missing field` error.
fn struct_serde(s: &Struct, name: &proc_macro2::Ident, derives: &[Derive]) -> TokenStream {
    let extra = match &s.extra {
        Extra::Keep { field, .. } => Some(ident(field)),
        Extra::Drop => None,
    };
    let ser = derives.contains(&Derive::Serialize).then(|| {
        let entries = s.fields.iter().map(|f| {
            let (fident, wire) = (ident(&f.name), &f.wire);
            if f.required {
                quote!(map.serialize_entry(#wire, &self.#fident)?;)
            } else {
                quote!(if let Some(value) = &self.#fident { map.serialize_entry(#wire, value)?; })
            }
        });
        let rest = extra.as_ref().map(|e| quote!(for (key, value) in &self.#e { map.serialize_entry(key, value)?; }));
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeMap as _;
                    let mut map = serializer.serialize_map(None)?;
                    #(#entries)*
                    #rest
                    map.end()
                }
            }
        }
    });
    let de = derives.contains(&Derive::Deserialize).then(|| {
        let index_arms = s.fields.iter().enumerate().map(|(i, f)| {
            let (wire, i) = (&f.wire, proc_macro2::Literal::usize_unsuffixed(i));
            quote!(#wire => Some(#i),)
        });
        let locals: Vec<proc_macro2::Ident> = (0..s.fields.len()).map(|i| quote::format_ident!("f{i}")).collect();
        // The locals' types follow from the struct literal below.
        let decls = locals.iter().map(|local| quote!(let mut #local = None;));
        let arms = s.fields.iter().zip(&locals).enumerate().map(|(i, (f, local))| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            match f.wrapping() {
                Wrapping::Option => quote!(Known(#i) => #local = map.next_value()?,),
                Wrapping::Plain | Wrapping::DoubleOption => quote!(Known(#i) => #local = Some(map.next_value()?),),
            }
        });
        let unknown = match &extra {
            Some(_) => quote!(Unknown(key) => { rest.insert(key, map.next_value()?); }),
            None => quote!(Unknown(_) => { map.next_value::<::serde::de::IgnoredAny>()?; }),
        };
        let rest_decl = extra.as_ref().map(|_| quote!(let mut rest = ::std::collections::BTreeMap::new();));
        let inits = s.fields.iter().zip(&locals).map(|(f, local)| {
            let (fident, wire) = (ident(&f.name), &f.wire);
            match f.wrapping() {
                Wrapping::Plain => quote!(#fident: #local.ok_or_else(|| crate::codec::missing(#wire))?),
                _ => quote!(#fident: #local),
            }
        });
        let rest_init = extra.as_ref().map(|e| quote!(#e: rest,));
        let expecting = format!("a JSON object (`{name}`)");
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    crate::codec::object(deserializer)
                }
            }

            impl crate::codec::Object for #name {
                const EXPECTING: &'static str = #expecting;

                fn index(name: &str) -> Option<usize> {
                    match name {
                        #(#index_arms)*
                        _ => None,
                    }
                }

                fn read<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                    use crate::codec::Key::{Known, Unknown};
                    #(#decls)*
                    #rest_decl
                    while let Some(key) = map.next_key_seed(crate::codec::Keys::<Self>::new())? {
                        match key {
                            #(#arms)*
                            #unknown
                            #[allow(unreachable_patterns)]
                            Known(_) => { map.next_value::<::serde::de::IgnoredAny>()?; }
                        }
                    }
                    Ok(Self { #(#inits,)* #rest_init })
                }
            }
        }
    });
    quote!(#ser #de)
}

/// Field docs: the spec's text, or a link to the field's type; then what the spec adds that
/// the Rust type does not say (the default, an example). `None` when the spec says nothing.
fn field_doc(f: &Field) -> Option<String> {
    let mut parts = Vec::new();
    match (&f.docs, &f.ty) {
        (Some(d), _) => parts.push(sanitize_docs(d)),
        // Every type is re-exported at the crate root, so the link resolves from any module.
        (None, TypeRef::Named { name, .. }) => parts.push(format!("See [`{name}`](crate::{name}).")),
        (None, _) => {}
    }
    if let Some(default) = &f.default {
        parts.push(format!("Default: `{}`.", default.replace('`', "'")));
    }
    if f.docs.is_none() && f.show == Show::Plain {
        if let Some(example) = f.example.as_ref().filter(|e| e.len() <= 80) {
            parts.push(format!("Example: `{}`.", example.replace('`', "'")));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn struct_tokens(s: &Struct, rust_name: &str, here: &str, derives: TokenStream, doc: TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        // A field the spec says nothing about gets no filler line.
        let fdoc = match field_doc(f) {
            Some(text) => raw_docs(&text),
            None => quote!(#[allow(missing_docs)]),
        };
        let fident = ident(&f.name);
        let base = field_base(f, here);
        let ty = match f.wrapping() {
            Wrapping::Plain => base,
            Wrapping::Option => quote!(Option<#base>),
            Wrapping::DoubleOption => quote!(Option<Option<#base>>),
        };
        let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #fdoc
            #deprecated
            pub #fident: #ty
        }
    });
    let extra = match &s.extra {
        Extra::Keep { field, value } => {
            let fident = ident(field);
            let value = type_tokens(value, here);
            Some(quote! {
                /// Properties the spec does not list, kept as received and written back when
                /// this value is serialized.
                pub #fident: ::std::collections::BTreeMap<String, #value>
            })
        }
        Extra::Drop => None,
    };
    let all_fields = fields.chain(extra);

    let taken: Vec<&Field> = s.constructor.iter().filter_map(|n| s.fields.iter().find(|f| &f.name == n)).collect();
    let params = taken.iter().map(|f| {
        let fident = ident(&f.name);
        let ty = field_base(f, here);
        quote!(#fident: impl Into<#ty>)
    });
    let inits = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        if s.constructor.contains(&f.name) {
            quote!(#fident: #fident.into())
        } else {
            quote!(#fident: None)
        }
    });
    let extra_init = match &s.extra {
        Extra::Keep { field, .. } => {
            let fident = ident(field);
            Some(quote!(#fident: ::std::collections::BTreeMap::new()))
        }
        Extra::Drop => None,
    };
    let inits = inits.chain(extra_init);
    let new_doc = raw_docs("Creates a value from its required fields; optional fields start as `None`.");
    let setters = s.fields.iter().filter_map(|f| setter(f, here));
    let debug = debug_impl(s, rust_name);
    quote! {
        #doc
        #deprecated
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#all_fields,)*
        }

        impl #name {
            #new_doc
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }

        #debug
    }
}

/// A field's type without the `Option`s of `required`/`nullable`: boxed on a recursive cycle.
fn field_base(f: &Field, here: &str) -> TokenStream {
    let ty = type_tokens(&f.ty, here);
    if f.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// The setter of an optional field, for building requests in one expression. For an optional
/// nullable field the value is an `Option`: `None` sends an explicit `null`.
fn setter(f: &Field, here: &str) -> Option<TokenStream> {
    let fident = ident(&f.name);
    let method = ident(f.setter.as_deref()?);
    let base = field_base(f, here);
    let (ty, value, doc) = match f.wrapping() {
        Wrapping::DoubleOption => (
            quote!(Option<#base>),
            quote!(value),
            format!("Sets [`{0}`](Self::{0}); `None` sends an explicit `null`.", f.name),
        ),
        _ => (quote!(impl Into<#base>), quote!(value.into()), format!("Sets [`{0}`](Self::{0}).", f.name)),
    };
    let doc = raw_docs(&doc);
    let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
    Some(quote! {
        #doc
        #deprecated
        pub fn #method(mut self, value: #ty) -> Self {
            self.#fident = Some(#value);
            self
        }
    })
}

/// `Debug` that hides sensitive fields and applies the redaction rule inside free-form JSON
/// and unknown properties, whose keys are only known at run time.
fn debug_impl(s: &Struct, rust_name: &str) -> TokenStream {
    let name = ident(rust_name);
    let fields = s.fields.iter().map(|f| {
        let fident = ident(&f.name);
        let label = f.name.as_str();
        let shown = match (f.show, f.wrapping()) {
            (Show::Redacted, Wrapping::Plain) => quote!(&crate::redact::Redacted),
            (Show::Redacted, Wrapping::Option) => quote!(&self.#fident.as_ref().map(|_| crate::redact::Redacted)),
            (Show::Redacted, Wrapping::DoubleOption) => {
                quote!(&self.#fident.as_ref().map(|v| v.as_ref().map(|_| crate::redact::Redacted)))
            }
            (Show::Partial, Wrapping::Plain) => quote!(&crate::redact::Partial(&self.#fident)),
            (Show::Partial, Wrapping::Option) => quote!(&self.#fident.as_deref().map(crate::redact::Partial)),
            (Show::Partial, Wrapping::DoubleOption) => {
                quote!(&self.#fident.as_ref().map(|v| v.as_deref().map(crate::redact::Partial)))
            }
            (Show::Json, _) => quote!(&crate::redact::Json(&self.#fident)),
            (Show::Plain, _) => quote!(&self.#fident),
        };
        quote!(.field(#label, #shown))
    });
    let extra = match &s.extra {
        Extra::Keep { field, .. } => {
            let fident = ident(field);
            let label = field.as_str();
            Some(quote!(.field(#label, &crate::redact::Json(&self.#fident))))
        }
        Extra::Drop => None,
    };
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#rust_name)
                    #(#fields)*
                    #extra
                    .finish()
            }
        }
    }
}
