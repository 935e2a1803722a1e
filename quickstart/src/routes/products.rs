//! The product panels that read an Item: one `GET` each, answering with Plaid's answer or the
//! shape Plaid's React frontend reads.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::calls::{json, request, text_at};
use crate::envelope::{Answer, RouteError};
use crate::poll::{FIRST_SYNC, MAX_SYNC_PAGES};
use crate::routes::link::{date, days_before, today, unique};
use crate::state::Shared;

/// How many transactions the panel shows: the newest.
pub const LATEST_TRANSACTIONS: usize = 8;

/// `GET /api/auth`: account and routing numbers.
pub async fn auth(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    Ok(Json(json(&state.client.auth_get(request(body)?).await?)?))
}

/// `GET /api/transactions`: `/transactions/sync` from the start until `has_more` is false;
/// the newest eight added, as `{latest_transactions}`. A new Item's first sync may come back
/// with an empty cursor (nothing extracted yet): then it waits and asks again (bounded).
pub async fn transactions(State(state): State<Shared>) -> Answer {
    let access_token = state.access_token()?;
    let mut cursor: Option<String> = None;
    let mut added: Vec<Value> = Vec::new();
    let mut waits = 1;
    let mut pages = 0;
    loop {
        let body = json!({ "access_token": access_token, "cursor": cursor });
        let page = json(&state.client.transactions_sync(request(body)?).await?)?;
        let next = page.get("next_cursor").and_then(Value::as_str).unwrap_or("").to_string();
        if next.is_empty() {
            if waits >= FIRST_SYNC.attempts {
                return Err(RouteError::unavailable(504, "PRODUCT_NOT_READY", "transactions were not ready after the quickstart's polling (README, \"Quickstart\")"));
            }
            waits += 1;
            tokio::time::sleep(FIRST_SYNC.interval).await;
            continue;
        }
        added.extend(page.get("added").and_then(Value::as_array).into_iter().flatten().cloned());
        cursor = Some(next);
        pages += 1;
        if page.get("has_more").and_then(Value::as_bool) != Some(true) {
            break;
        }
        if pages >= MAX_SYNC_PAGES {
            return Err(RouteError::unavailable(504, "TOO_MANY_PAGES", format!("/transactions/sync still had more after {MAX_SYNC_PAGES} pages")));
        }
    }
    Ok(Json(json!({ "latest_transactions": latest(added, LATEST_TRANSACTIONS) })))
}

/// The `count` newest transactions, oldest first (as Plaid's quickstarts return them).
pub fn latest(mut added: Vec<Value>, count: usize) -> Vec<Value> {
    let day = |t: &Value| t.get("date").and_then(Value::as_str).unwrap_or("").to_string();
    added.sort_by_key(day);
    let skip = added.len().saturating_sub(count);
    added.split_off(skip)
}

/// `GET /api/identity`: the owners of each account, as `{identity: accounts}`.
pub async fn identity(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.identity_get(request(body)?).await?)?;
    Ok(Json(json!({ "identity": answer.get("accounts").cloned().unwrap_or(Value::Null) })))
}

/// `GET /api/balance`: real-time balances, as `{accounts}`.
pub async fn balance(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.accounts_balance_get(request(body)?).await?)?;
    Ok(Json(json!({ "accounts": answer.get("accounts").cloned().unwrap_or(Value::Null) })))
}

/// `GET /api/accounts`: the Item's accounts.
pub async fn accounts(State(state): State<Shared>) -> Answer {
    Ok(Json(accounts_answer(&state).await?))
}

async fn accounts_answer(state: &Shared) -> Result<Value, RouteError> {
    let body = json!({ "access_token": state.access_token()? });
    json(&state.client.accounts_get(request(body)?).await?)
}

/// The first account's id, kept for `transfer_create`.
async fn first_account(state: &Shared) -> Result<String, RouteError> {
    let id = text_at(&accounts_answer(state).await?, "/accounts/0/account_id", "account")?;
    state.tokens().account_id = Some(id.clone());
    Ok(id)
}

/// `GET /api/item`: the Item and its institution, as `{item, institution}`.
pub async fn item(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.item_get(request(body)?).await?)?;
    let item = answer.get("item").cloned().unwrap_or(Value::Null);
    let institution_id = text_at(&item, "/institution_id", "institution id")?;
    let body = json!({ "institution_id": institution_id, "country_codes": state.settings.country_codes });
    let institution = json(&state.client.institutions_get_by_id(request(body)?).await?)?;
    Ok(Json(json!({ "item": item, "institution": institution.get("institution").cloned().unwrap_or(Value::Null) })))
}

/// `GET /api/holdings`: investment holdings, as `{error: null, holdings}`.
pub async fn holdings(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.investments_holdings_get(request(body)?).await?)?;
    Ok(Json(json!({ "error": null, "holdings": answer })))
}

/// `GET /api/investments_transactions`: the last 30 days, as `{error: null, investments_transactions}`.
pub async fn investments_transactions(State(state): State<Shared>) -> Answer {
    let today = today();
    let body = json!({ "access_token": state.access_token()?, "start_date": days_before(today, 30), "end_date": date(today) });
    let answer = json(&state.client.investments_transactions_get(request(body)?).await?)?;
    Ok(Json(json!({ "error": null, "investments_transactions": answer })))
}

/// `GET /api/liabilities`: as `{error: null, liabilities}`.
pub async fn liabilities(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.liabilities_get(request(body)?).await?)?;
    Ok(Json(json!({ "error": null, "liabilities": answer })))
}

/// `GET /api/payment`: the payment `create_link_token_for_payment` made, as `{error: null, payment}`.
pub async fn payment(State(state): State<Shared>) -> Answer {
    let payment_id = state.tokens().payment_id.clone().ok_or_else(|| RouteError::bad_request("NO_PAYMENT", "no payment yet: call /api/create_link_token_for_payment first"))?;
    let answer = json(&state.client.payment_initiation_payment_get(request(json!({ "payment_id": payment_id }))?).await?)?;
    Ok(Json(json!({ "error": null, "payment": answer })))
}

/// `GET /api/income/verification/paystubs`: as `{error: null, paystubs}`. Plaid deprecated the
/// endpoint; its quickstart keeps the panel, and so does this one.
#[allow(deprecated)]
pub async fn paystubs(State(state): State<Shared>) -> Answer {
    let body = json!({ "access_token": state.access_token()? });
    let answer = json(&state.client.income_verification_paystubs_get(request(body)?).await?)?;
    Ok(Json(json!({ "error": null, "paystubs": answer })))
}

/// `GET /api/transfer_authorize`: authorizes a 1-dollar ACH debit from the first account.
pub async fn transfer_authorize(State(state): State<Shared>) -> Answer {
    let access_token = state.access_token()?;
    let account_id = first_account(&state).await?;
    let body = json!({
        "access_token": access_token,
        "account_id": account_id,
        "type": "debit",
        "network": "ach",
        "amount": "1.00",
        "ach_class": "ppd",
        "user": {
            "legal_name": "FirstName LastName",
            "email_address": "foobar@email.com",
            "address": { "street": "123 Main St.", "city": "San Francisco", "region": "CA", "postal_code": "94053", "country": "US" },
        },
    });
    let answer = json(&state.client.transfer_authorization_create(request(body)?).await?)?;
    state.tokens().authorization_id = Some(text_at(&answer, "/authorization/id", "authorization id")?);
    Ok(Json(answer))
}

/// `GET /api/transfer_create`: executes the authorization, as `{error: null, transfer}`.
pub async fn transfer_create(State(state): State<Shared>) -> Answer {
    let access_token = state.access_token()?;
    let (account_id, authorization_id) = {
        let tokens = state.tokens();
        (tokens.account_id.clone(), tokens.authorization_id.clone())
    };
    let (Some(account_id), Some(authorization_id)) = (account_id, authorization_id) else {
        return Err(RouteError::bad_request("NO_AUTHORIZATION", "no transfer authorization yet: call /api/transfer_authorize first"));
    };
    let body = json!({ "access_token": access_token, "account_id": account_id, "authorization_id": authorization_id, "description": "Debit" });
    let answer = json(&state.client.transfer_create(request(body)?).await?)?;
    Ok(Json(json!({ "error": null, "transfer": answer.get("transfer").cloned().unwrap_or(Value::Null) })))
}

/// `GET /api/signal_evaluate`: the return risk of a 100-dollar debit from the first account.
pub async fn signal_evaluate(State(state): State<Shared>) -> Answer {
    let access_token = state.access_token()?;
    let account_id = first_account(&state).await?;
    let mut body = json!({ "access_token": access_token, "account_id": account_id, "client_transaction_id": unique("txn"), "amount": 100.0 });
    if let Some(key) = &state.settings.signal_ruleset_key {
        body["ruleset_key"] = json!(key);
    }
    Ok(Json(json(&state.client.signal_evaluate(request(body)?).await?)?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn latest_keeps_the_newest_oldest_first() {
        let added = (1..=12).map(|d| json!({ "date": format!("2026-01-{d:02}"), "n": d })).collect();
        let latest = super::latest(added, 8);
        assert_eq!(latest.len(), 8);
        assert_eq!(latest[0]["n"], 5);
        assert_eq!(latest[7]["n"], 12);
        assert_eq!(super::latest(vec![json!({ "date": "2026-01-01" })], 8).len(), 1);
    }
}
