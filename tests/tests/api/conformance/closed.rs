//! Closing schemas: every object in the contract is checked as closed
//! (`unevaluatedProperties: false`), so a field the contract does not list fails.

use serde_json::{Map, Value};

/// The component schemas, closed (see [`closed`]) but for those that are members of an
/// `allOf` somewhere: their siblings' properties would be "unevaluated" inside them (the
/// `allOf` itself is closed instead, which sees every member's properties).
pub fn closed_schemas(doc: &Value) -> Value {
    let mut in_all_of = Vec::new();
    all_of_members(doc, &mut in_all_of);
    let mut out = Map::new();
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default()
    {
        let open = in_all_of.contains(&format!("#/components/schemas/{name}"));
        out.insert(name, if open { schema } else { closed(&schema) });
    }
    Value::Object(out)
}

fn all_of_members(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for member in m
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = member.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_owned());
                }
            }
            m.values().for_each(|v| all_of_members(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| all_of_members(v, out)),
        _ => {}
    }
}

/// `schema` with `unevaluatedProperties: false` on every object that lists its properties
/// (or combines others with `allOf`) and says nothing about other properties. Members of an
/// `allOf` stay open: the combination is closed instead.
pub fn closed(schema: &Value) -> Value {
    close(schema, false)
}

fn close(schema: &Value, in_all_of: bool) -> Value {
    match schema {
        Value::Object(m) => {
            let mut m: Map<String, Value> = m
                .iter()
                .map(|(k, v)| {
                    let v = match k.as_str() {
                        "example" | "examples" | "enum" | "default" | "const" => v.clone(),
                        "allOf" => match v {
                            Value::Array(a) => {
                                Value::Array(a.iter().map(|s| close(s, true)).collect())
                            }
                            other => other.clone(),
                        },
                        _ => close(v, false),
                    };
                    (k.clone(), v)
                })
                .collect();
            let describes_object = m.contains_key("properties") || m.contains_key("allOf");
            if describes_object
                && !in_all_of
                && !m.contains_key("additionalProperties")
                && !m.contains_key("unevaluatedProperties")
            {
                m.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            Value::Object(m)
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| close(v, in_all_of)).collect()),
        other => other.clone(),
    }
}
