//! A `null` map value decodes, and survives a round trip, in every place a map appears: a map
//! component, a property, and a struct's unknown properties. Hand-written; regen never touches
//! this file.

use plaid_sdk::*;
use serde_json::json;

#[test]
fn null_map_values_decode_in_all_three_places() {
    let body = json!({
        "inline": {"a": "x", "b": null},
        "named": {"c": null},
        "extra": null
    });
    let value: NullableValues = serde_json::from_value(body.clone()).expect("null map values decode");
    let inline = value.inline.as_ref().expect("inline is present");
    assert_eq!(inline.get("b"), Some(&None));
    assert_eq!(value.named.as_ref().and_then(|m| m.get("c")), Some(&None));
    assert_eq!(value.additional_properties.get("extra"), Some(&None));
    assert_eq!(serde_json::to_value(&value).expect("encodes"), body);

    let named: NullableStringMap = serde_json::from_value(json!({"k": null, "v": "1"})).expect("decodes");
    assert_eq!(named.get("k"), Some(&None));
}
