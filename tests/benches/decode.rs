//! `cargo bench -p tests --bench decode`: decoding a large `/accounts/get` response (10,000
//! accounts) with the generated types, which keep unknown properties, next to plain derived
//! structs of the same shape that drop them. Prints throughput and the cost of preservation.

use std::hint::black_box;
use std::time::Duration;

use plaid_sdk::{AccountSubtype, AccountType, AccountsGetResponse};
use serde_json::{json, Value};

/// The same shape as the generated types, without unknown-property preservation. The fields
/// are decoded and dropped: decoding is what is measured.
#[allow(dead_code)]
mod plain {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Response {
        pub accounts: Vec<Account>,
        pub item: serde_json::Value,
        pub request_id: String,
    }

    #[derive(Deserialize)]
    pub struct Account {
        pub account_id: String,
        pub balances: Balance,
        pub mask: Option<String>,
        pub name: String,
        pub official_name: Option<String>,
        #[serde(rename = "type")]
        pub type_: super::AccountType,
        pub subtype: Option<super::AccountSubtype>,
        #[serde(default)]
        pub persistent_account_id: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Balance {
        pub available: Option<f64>,
        pub current: Option<f64>,
        pub limit: Option<f64>,
        pub iso_currency_code: Option<String>,
        pub unofficial_currency_code: Option<String>,
    }
}

fn body(accounts: usize) -> String {
    let list: Vec<Value> = (0..accounts)
        .map(|i| {
            json!({
                "account_id": format!("BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99v{i}"),
                "balances": {"available": 100.0 + i as f64, "current": 110.25, "limit": null,
                             "iso_currency_code": "USD", "unofficial_currency_code": null},
                "mask": "0000", "name": "Plaid Checking", "official_name": "Plaid Gold Standard 0% Interest Checking",
                "type": "depository", "subtype": "checking", "persistent_account_id": "8cfb8beb89b774ee43b090625f0d61d0814322b43bff984eaf60386e"
            })
        })
        .collect();
    let item = json!({"item_id": "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6", "webhook": "https://www.genericwebhookurl.com/webhook",
                      "error": null, "available_products": ["balance"], "billed_products": ["auth"],
                      "consent_expiration_time": null, "update_type": "background"});
    json!({"accounts": list, "item": item, "request_id": "bkVE1BHWMAZ9Rnr"}).to_string()
}

fn main() {
    let text = body(10_000);
    let mb = text.len() as f64 / 1e6;
    let generated: AccountsGetResponse = serde_json::from_str(&text).expect("the generated types decode the body");
    assert_eq!(generated.accounts.len(), 10_000);
    assert_eq!(generated.accounts[0].subtype, Some(AccountSubtype::Checking));
    assert_eq!(generated.accounts[0].type_, AccountType::Depository);

    let rounds = 15;
    let keep = tests::best_of(rounds, || {
        black_box(serde_json::from_str::<AccountsGetResponse>(black_box(&text)).expect("decodes"));
    });
    let plain = tests::best_of(rounds, || {
        black_box(serde_json::from_str::<plain::Response>(black_box(&text)).expect("decodes"));
    });
    let mbps = |d: Duration| mb / d.as_secs_f64();
    println!("decode /accounts/get, 10,000 accounts, {mb:.2} MB, best of {rounds}:");
    println!("  generated (keeps unknown properties): {:>8.2} ms  {:>7.1} MB/s", keep.as_secs_f64() * 1e3, mbps(keep));
    println!("  plain derive (drops them):            {:>8.2} ms  {:>7.1} MB/s", plain.as_secs_f64() * 1e3, mbps(plain));
    println!("  cost of preservation:                 {:>+8.1} %", (keep.as_secs_f64() / plain.as_secs_f64() - 1.0) * 100.0);
}
