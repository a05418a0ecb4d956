//! `openapi.json` is generated from the types the routes read and answer; this holds the file
//! to the generator. `UPDATE_OPENAPI=1 cargo test -p studio-server --test api_doc` rewrites it.

use serde_json::Value;

#[test]
fn openapi_json_is_the_generated_document() {
    let generated = studio_server::openapi_document();
    let text = format!("{}\n", serde_json::to_string_pretty(&generated).unwrap());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        // Written for the next build; this one still holds the old file.
        std::fs::write(path, &text).unwrap();
        return;
    }
    let on_disk: Value = serde_json::from_str(studio_server::OPENAPI_JSON).unwrap();
    assert!(
        on_disk == generated,
        "crates/studio-server/src/openapi.json is not current: run UPDATE_OPENAPI=1 cargo test -p studio-server --test api_doc"
    );
}

#[test]
fn every_body_and_answer_has_a_schema_and_enums_are_enums() {
    let doc = studio_server::openapi_document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let Some(content) = response.get("content") else {
                    assert_eq!(status, "101", "{method} {path} {status} has no content");
                    continue;
                };
                let schema = &content["application/json"]["schema"];
                let open_ended = [
                    ("/api/v1/studio/requests", "200"),
                    ("/api/v1/openapi.json", "200"),
                    ("/api/v1/studio/projects/{id}/workbench/{workbench}/state", "200"),
                ];
                if !open_ended.contains(&(path.as_str(), status.as_str())) && !["501"].contains(&status.as_str()) {
                    assert_ne!(schema, &serde_json::json!({}), "{method} {path} {status} answers an undescribed body");
                }
            }
        }
    }
    // Every $ref resolves.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50, "the document has {} references", refs.len());
    for name in refs {
        assert!(schemas.contains_key(&name), "a reference to {name} has no schema");
    }
    let enum_of = |name: &str| schemas[name]["enum"].as_array().map(|v| v.len()).unwrap_or(0);
    assert_eq!(enum_of("Workbench"), 5);
    assert!(enum_of("ActionName") >= 30);
    assert!(schemas.contains_key("StudioEvent") && schemas.contains_key("ProjectState"));
}

/// The schema names every `$ref` in `value` points at.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) =
                map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_string());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
