//! The panels whose answers Plaid builds in the background and hands out as PDFs too: Asset
//! Reports, statements and Plaid Check's consumer reports. Each polls (bounded, `crate::poll`)
//! and returns the PDF in base64.

use axum::extract::State;
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::calls::{json, listed_path, request, text_at};
use crate::envelope::{Answer, RouteError};
use crate::poll::{until_ready, REPORTS};
use crate::state::Shared;

/// The first bytes of every PDF file.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// A PDF for the browser, in base64, once it is known to be one: an answer that is not a PDF
/// is an error naming what came instead, not a broken download.
fn pdf_base64(bytes: impl AsRef<[u8]>, what: &str) -> Result<String, RouteError> {
    let bytes = bytes.as_ref();
    if !bytes.starts_with(PDF_MAGIC) {
        let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(16)]).chars().map(|c| if c.is_control() { '.' } else { c }).collect();
        return Err(RouteError::unavailable(502, "NOT_A_PDF", format!("{what} is not a PDF ({} bytes starting {start:?})", bytes.len())));
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// `GET /api/assets`: creates an Asset Report of the Item, polls `/asset_report/get` while it is
/// `PRODUCT_NOT_READY`, then fetches its PDF: `{json: report, pdf}`.
pub async fn assets(State(state): State<Shared>) -> Answer {
    let body = json!({
        "access_tokens": [state.access_token()?],
        "days_requested": 10,
        "options": {
            "client_report_id": "Custom Report ID #123",
            "user": {
                "client_user_id": "Custom User ID #456",
                "first_name": "Alice",
                "middle_name": "Bobcat",
                "last_name": "Cranberry",
                "ssn": "123-45-6789",
                "phone_number": "555-123-4567",
                "email": "alice@example.com",
            },
        },
    });
    let created = json(&state.client.asset_report_create(request(body)?).await?)?;
    let token = text_at(&created, "/asset_report_token", "asset report token")?;
    let report = until_ready(REPORTS, || async {
        let body = request(json!({ "asset_report_token": token }))?;
        json(&state.client.asset_report_get(body).await?)
    })
    .await?;
    let pdf = state.client.asset_report_pdf_get(request(json!({ "asset_report_token": token }))?).await?;
    Ok(Json(json!({ "json": report.get("report").cloned().unwrap_or(Value::Null), "pdf": pdf_base64(pdf, "/asset_report/pdf/get's answer")? })))
}

/// `GET /api/statements`: the statements list, and the newest statement's PDF: `{json, pdf}`.
pub async fn statements(State(state): State<Shared>) -> Answer {
    let access_token = state.access_token()?;
    let list = json(&state.client.statements_list(request(json!({ "access_token": access_token }))?).await?)?;
    let newest = list
        .get("accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|account| account.get("statements").and_then(Value::as_array).into_iter().flatten())
        .filter_map(|s| Some((s.get("year").and_then(Value::as_i64).unwrap_or(0), s.get("month").and_then(Value::as_i64).unwrap_or(0), s.get("statement_id")?.as_str()?)))
        .max_by_key(|(year, month, _)| (*year, *month))
        .map(|(_, _, id)| id.to_string());
    let Some(statement_id) = newest else {
        return Err(RouteError::unavailable(404, "NO_STATEMENTS", "/statements/list lists no statement for this Item"));
    };
    let download = request(json!({ "access_token": access_token, "statement_id": statement_id }))?;
    // The raw answer too: Plaid sends the file's SHA-256 in `Plaid-Content-Hash`, and a file
    // that does not match it is not passed on.
    let raw = state.client.raw(async move |c: &plaid_sdk::Client| c.statements_download(download).await).await?;
    let pdf = raw.value().as_ref();
    if let Some(expected) = raw.header(CONTENT_HASH) {
        let actual = sha256_hex(pdf);
        if !expected.trim().eq_ignore_ascii_case(&actual) {
            return Err(RouteError::unavailable(502, "CONTENT_HASH_MISMATCH", format!("the statement's SHA-256 is {actual}, not the {CONTENT_HASH} header's")));
        }
    }
    Ok(Json(json!({ "json": list, "pdf": pdf_base64(pdf, "/statements/download's answer")? })))
}

/// The header in which Plaid sends a downloaded file's SHA-256.
pub const CONTENT_HASH: &str = "Plaid-Content-Hash";

/// SHA-256 in lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// One of Plaid Check's report panels: where its report lives in each spec version, and the
/// PDF add-on that goes with it.
struct CraReport {
    /// The paths of the report's `get`, newest name first.
    paths: &'static [&'static str],
    /// The `add_ons` of `/cra/check_report/pdf/get` for this report (`None`: no PDF).
    pdf_add_ons: Option<&'static [&'static str]>,
    /// What the panel is, for messages.
    name: &'static str,
}

const BASE_REPORT: CraReport = CraReport { paths: &["/cra/check_report/base_report/get", "/cra/base_report/get"], pdf_add_ons: Some(&[]), name: "base report" };
const INCOME_INSIGHTS: CraReport =
    CraReport { paths: &["/cra/check_report/income_insights/get", "/cra/bank_income/get"], pdf_add_ons: Some(&["cra_income_insights"]), name: "income insights" };
const PARTNER_INSIGHTS: CraReport = CraReport { paths: &["/cra/check_report/partner_insights/get", "/cra/partner_insights/get"], pdf_add_ons: None, name: "partner insights" };

/// Where a consumer report's PDF comes from, in the specs that have it.
const CRA_PDF_PATH: &str = "/cra/check_report/pdf/get";

/// `GET /api/cra/get_base_report`: `{report, pdf}`.
pub async fn cra_base_report(State(state): State<Shared>) -> Answer {
    cra(&state, &BASE_REPORT).await
}

/// `GET /api/cra/get_income_insights`: `{report, pdf}`.
pub async fn cra_income_insights(State(state): State<Shared>) -> Answer {
    cra(&state, &INCOME_INSIGHTS).await
}

/// `GET /api/cra/get_partner_insights`: Plaid's answer.
pub async fn cra_partner_insights(State(state): State<Shared>) -> Answer {
    cra(&state, &PARTNER_INSIGHTS).await
}

/// Polls the report while `PRODUCT_NOT_READY`. These calls go by path (`Client::post_json`):
/// Plaid renamed the endpoints between spec versions, and the path the spec in use lists is
/// chosen at run time, so one backend builds on every version.
async fn cra(state: &Shared, report: &CraReport) -> Answer {
    let (field, user) = state.cra_user()?;
    let Some(path) = listed_path(report.paths) else {
        return Err(RouteError::unavailable(501, "NOT_IN_SPEC", format!("the spec this SDK was generated from has no consumer report {} endpoint ({})", report.name, report.paths.join(" or "))));
    };
    let body = json!({ field: user });
    let answer = until_ready(REPORTS, || async { Ok(state.client.post_json(path, &body).await?) }).await?;
    let Some(add_ons) = report.pdf_add_ons else { return Ok(Json(answer)) };
    let pdf = match listed_path(&[CRA_PDF_PATH]) {
        Some(pdf_path) => {
            let mut pdf_body = json!({ field: user });
            if !add_ons.is_empty() {
                pdf_body["add_ons"] = json!(add_ons);
            }
            Some(pdf_base64(state.client.post_bytes(pdf_path, &pdf_body).await?, "the consumer report PDF")?)
        }
        // Older specs have no consumer report PDF.
        None => None,
    };
    // Older specs answer with the report's fields at the top level.
    let report = answer.get("report").cloned().unwrap_or(answer);
    Ok(Json(json!({ "report": report, "pdf": pdf })))
}
