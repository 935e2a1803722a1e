//! Operations become client methods: the HTTP method and path, the request body, the success
//! type from the 2xx answers and the error type. Parameters are `parameter`'s
//! job; component refs (`requestBodies`, `responses`, `examples`) are followed here.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, Schema, StatusCode};

use super::shape::view;
use super::{wrap_nullable, Lowered, Lowerer, Site};
use crate::diag::pointer_segment;
use crate::ir::*;
use crate::merge::SourceOperation;
use crate::naming;
use crate::resolve::follow;

/// The media type the client sends and decodes.
const JSON: &str = "application/json";

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operation(&mut self, src: &'a SourceOperation) -> Option<Operation> {
        let op = &src.op;
        let id = op.operation_id.clone()?;
        let module = self.group_of(src);
        let pointer = format!("/paths/{}/{}", pointer_segment(&src.path), src.method);
        let stated = self.stated_for_operation(src, &id, &pointer);
        let method_name = match &stated.name {
            Some(renamed) => naming::method_name(&renamed.stated),
            None => naming::method_name(&id),
        };
        let base = naming::type_name(&id);
        let http_method = HttpMethod::from_path_item_key(src.method).unwrap_or(HttpMethod::Get);
        let label = format!("{} {}", http_method.as_str(), src.path);
        let params = self.lower_parameters(src, &id, &method_name, &base, &module, &pointer);
        let request = self.lower_request_body(src, &id, &base, &module, &pointer, &label);
        let (response, response_optional) = self.lower_success(src, &id, &base, &module, &pointer, &label);
        let error = self.lower_error(src, &base, &module, &pointer, &label);
        let binary = (response == Some(TypeRef::Bytes)).then(|| self.binary_answer(src)).flatten();
        Some(Operation {
            method_name,
            id,
            http_method,
            path: src.path.clone(),
            summary: op.summary.clone(),
            docs: op.description.clone(),
            deprecated: super::shape::deprecation_note(op.deprecated, op.description.as_deref()),
            params,
            request,
            response,
            response_optional,
            error,
            body_credentials: Vec::new(),
            pagination: None,
            retry: RetryClass::Acting,
            stated,
            security: self.security_of(src),
            binary,
        })
    }

    /// The first 2xx answer that is not JSON: its media type and documented headers.
    fn binary_answer(&self, src: &SourceOperation) -> Option<BinaryAnswer> {
        src.op.responses.responses.iter().filter(|(code, _)| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2))).find_map(|(_, item)| {
            let resp = follow(&self.merged.responses, "responses", item).ok()?;
            let media_type = resp.content.keys().find(|k| *k != JSON)?.clone();
            let headers = resp
                .headers
                .iter()
                .map(|(name, header)| {
                    let example = follow(&self.merged.headers, "headers", header).ok().and_then(|h| h.example.as_ref()).map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string));
                    (name.clone(), example)
                })
                .collect();
            Some(BinaryAnswer { media_type, headers })
        })
    }

    /// The operation's security requirements, as the IR keeps them: its own, else its file's
    /// (OpenAPI's override rule).
    fn security_of(&self, src: &SourceOperation) -> Option<Vec<Vec<String>>> {
        let stated = src.op.security.as_ref().or_else(|| self.merged.files.get(src.file)?.doc.security.as_ref())?;
        Some(stated.iter().map(|requirement| requirement.keys().cloned().collect()).collect())
    }

    fn lower_request_body(&mut self, src: &'a SourceOperation, id: &str, base: &str, module: &str, pointer: &str, label: &str) -> Option<TypeRef> {
        let item = src.op.request_body.as_ref()?;
        let (body, site) = self.resolve_at(&self.merged.request_bodies, "requestBodies", item, src.file, &format!("{pointer}/requestBody"))?;
        match body.content.get(JSON) {
            Some(media) => {
                if body.content.len() > 1 {
                    let others: Vec<&String> = body.content.keys().filter(|k| *k != JSON).collect();
                    let message = format!("request body of `{id}` also lists {others:?} beside application/json; the client sends JSON only");
                    self.warn(site.file, format!("{}/content", site.pointer), message);
                }
                let s = media.schema.as_ref()?;
                let at = format!("{}/content/application~1json/schema", site.pointer);
                let ty = wrap_nullable(self.lower_field_type(view(s), base, "Request", module, site.file, &at));
                self.media_examples(media, &ty, &format!("{label} request"), &site, None);
                Some(ty)
            }
            None if body.content.is_empty() => None,
            None => {
                let types: Vec<&String> = body.content.keys().collect();
                self.warn(site.file, site.pointer, format!("request body of `{id}` is not JSON ({types:?}); the method sends no body"));
                None
            }
        }
    }

    /// The success type from every 2xx answer, and whether some 2xx answers have no body.
    fn lower_success(&mut self, src: &'a SourceOperation, id: &str, base: &str, module: &str, pointer: &str, label: &str) -> (Option<TypeRef>, bool) {
        let mut first: Option<(Option<&'a ReferenceOr<Schema>>, Option<TypeRef>)> = None;
        let (mut with_body, mut without_body, mut differ) = (false, false, false);
        for (code, item) in &src.op.responses.responses {
            if !matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)) {
                continue;
            }
            let at = format!("{pointer}/responses/{code}");
            let Some((resp, site)) = self.resolve_at(&self.merged.responses, "responses", item, src.file, &at) else { continue };
            // HEAD answers never carry a body, whatever the spec lists.
            if resp.content.is_empty() || src.method == "head" {
                without_body = true;
                continue;
            }
            with_body = true;
            let shape = resp.content.get(JSON).and_then(|m| m.schema.as_ref());
            match &first {
                Some((seen, _)) if *seen == shape => {}
                Some(_) => differ = true,
                None => {
                    let schema_at = format!("{}/content/application~1json/schema", site.pointer);
                    let ty = self.body_type(&resp.content, base, "Response", module, site.file, &schema_at).map(wrap_nullable);
                    if let (Some(ty), Some(media)) = (&ty, resp.content.get(JSON)) {
                        self.media_examples(media, ty, &format!("{label} response {code}"), &site, Some(id));
                    }
                    first = Some((shape, ty));
                }
            }
        }
        if differ {
            let message = format!("the 2xx answers of `{id}` have bodies of different types; the method returns any JSON value");
            self.warn(src.file, format!("{pointer}/responses"), message);
            return (Some(TypeRef::Any), without_body);
        }
        let ty = first.and_then(|(_, ty)| ty);
        (ty, with_body && without_body)
    }

    /// The error body type: `default`, or else the first 4xx/5xx answer with a body.
    fn lower_error(&mut self, src: &'a SourceOperation, base: &str, module: &str, pointer: &str, label: &str) -> Option<TypeRef> {
        let responses = &src.op.responses;
        let candidates = responses
            .default
            .iter()
            .map(|r| ("default".to_string(), r))
            .chain(responses.responses.iter().filter(|(c, _)| matches!(c, StatusCode::Code(400..=599) | StatusCode::Range(4 | 5))).map(|(c, r)| (c.to_string(), r)));
        for (code, item) in candidates {
            let at = format!("{pointer}/responses/{code}");
            let Some((resp, site)) = self.resolve_at(&self.merged.responses, "responses", item, src.file, &at) else { continue };
            let schema_at = format!("{}/content/application~1json/schema", site.pointer);
            // An error body is decoded only when there is one, so its nullability is moot.
            let Some(ty) = self.body_type(&resp.content, base, "Error", module, site.file, &schema_at).map(|l| l.ty) else { continue };
            if let Some(media) = resp.content.get(JSON) {
                self.media_examples(media, &ty, &format!("{label} response {code}"), &site, None);
            }
            return Some(ty);
        }
        None
    }

    /// Records the JSON media type's `example` and its `examples` (inline, or refs to example
    /// components) of the body or response at `site`; an `externalValue` has no value here to
    /// test. `answer` names the operation when these are its success answer's examples.
    fn media_examples(&mut self, media: &'a MediaType, ty: &TypeRef, origin: &str, site: &Site, answer: Option<&str>) {
        let answer = answer.map(str::to_string);
        let (file, pointer) = (site.file, format!("{}/content/application~1json", site.pointer));
        if let Some(example) = &media.example {
            let at = Some((file, format!("{pointer}/example")));
            self.examples.push(Example { origin: format!("{origin} example"), ty: ty.clone(), json: example.to_string(), at, answer: answer.clone() });
        }
        for (name, example) in &media.examples {
            if let Ok(openapiv3::Example { value: Some(value), .. }) = follow(&self.merged.examples, "examples", example) {
                let at = Some((file, format!("{pointer}/examples/{}/value", pointer_segment(name))));
                self.examples.push(Example { origin: format!("{origin} `{name}`"), ty: ty.clone(), json: value.to_string(), at, answer: answer.clone() });
            }
        }
    }

    fn body_type(&mut self, content: &'a IndexMap<String, MediaType>, base: &str, hint: &str, module: &str, file: usize, pointer: &str) -> Option<Lowered> {
        if let Some(media) = content.get(JSON) {
            return media.schema.as_ref().map(|s| self.lower_field_type(view(s), base, hint, module, file, pointer));
        }
        // Any other media type (PDF, ZIP, ...) is handed over as bytes.
        (!content.is_empty()).then_some(Lowered { ty: TypeRef::Bytes, nullable: false, format: None })
    }
}
