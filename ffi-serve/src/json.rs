//! The constructor's JSON arguments as the CBOR request map the library
//! decodes: objects are maps, arrays are arrays, integers stay integers.

use ffi_core::cbor::Encoder;
use serde_json::Value;

pub(crate) fn to_cbor(json: &str) -> Result<Vec<u8>, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    if !value.is_object() {
        return Err("expected a JSON object of the constructor's parameters".into());
    }
    let mut e = Encoder::new();
    encode(&value, &mut e);
    Ok(e.into_bytes())
}

fn encode(v: &Value, e: &mut Encoder) {
    match v {
        Value::Null => e.null(),
        Value::Bool(b) => e.bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                e.u64(u)
            } else if let Some(i) = n.as_i64() {
                e.i64(i)
            } else {
                e.f64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => e.text(s),
        Value::Array(items) => {
            e.array(items.len());
            for i in items {
                encode(i, e);
            }
        }
        Value::Object(map) => {
            e.map(map.len());
            for (k, v) in map {
                e.text(k);
                encode(v, e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_cbor;

    #[test]
    fn objects_arrays_and_numbers() {
        assert_eq!(
            to_cbor(r#"{"a": [1, -2, "x", null, true]}"#).unwrap(),
            [0xa1, 0x61, b'a', 0x85, 0x01, 0x21, 0x61, b'x', 0xf6, 0xf5]
        );
        assert_eq!(
            to_cbor("[1]").unwrap_err(),
            "expected a JSON object of the constructor's parameters"
        );
        assert!(to_cbor("{").unwrap_err().starts_with("not JSON: "));
    }
}
