//! Expressions in workflows, in CEL (the `cel` crate): a condition (`refresh.output.moved > 2`,
//! written bare or as `${…}`), a loop's list or its `while`, and `${…}` inside the strings of
//! an action's payload or a task's config. The names an expression sees are the steps that have
//! run — each `{output, status, attempts, duration_ms}` — and `input`, `trigger`, and in a loop
//! `item` and `index`.

use serde_json::{Map, Value};

/// The expression inside `${…}` when the whole text is one, else the text.
pub(crate) fn bare(expression: &str) -> &str {
    let t = expression.trim();
    match t.strip_prefix("${").and_then(|rest| rest.strip_suffix('}')) {
        Some(inner) if !inner.contains("${") => inner.trim(),
        _ => t,
    }
}

/// Compiles the expression; the parser's complaint when it does not.
pub(crate) fn compile(expression: &str) -> Result<cel::Program, String> {
    cel::Program::compile(bare(expression)).map_err(|e| format!("'{}' is not a CEL expression: {e}", bare(expression)))
}

/// The names the expression reads.
pub(crate) fn names(expression: &str) -> Result<Vec<String>, String> {
    let program = compile(expression)?;
    Ok(program.references().variables().into_iter().map(str::to_string).collect())
}

/// The expression's value with `scope`'s names bound.
pub(crate) fn evaluate(expression: &str, scope: &Map<String, Value>) -> Result<Value, String> {
    let program = compile(expression)?;
    let mut context = cel::Context::default();
    for (name, value) in scope {
        let value: Box<dyn cel::common::value::Val> =
            cel_value(value).try_into().map_err(|e| format!("{name} cannot be read by CEL: {e:?}"))?;
        context.add_variable_as_val(name.as_str(), value);
    }
    let value = program.execute(&context).map_err(|e| format!("'{}' failed: {e}", bare(expression)))?;
    value.json().map_err(|e| format!("'{}' gave a value that is not JSON: {e}", bare(expression)))
}

/// JSON as CEL sees it: a whole number is an `int` (as a literal `1` is), a fraction a
/// `double`; only what does not fit an `int` is a `uint`.
fn cel_value(value: &Value) -> cel::Value {
    match value {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => cel::Value::Int(i),
            (None, Some(u)) => cel::Value::UInt(u),
            _ => cel::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => cel::Value::String(std::sync::Arc::new(s.clone())),
        Value::Array(items) => items.iter().map(cel_value).collect::<Vec<_>>().into(),
        Value::Object(map) => {
            map.iter().map(|(k, v)| (k.clone(), cel_value(v))).collect::<std::collections::HashMap<_, _>>().into()
        }
    }
}

/// The expression's value, which must be true or false.
pub(crate) fn holds(expression: &str, scope: &Map<String, Value>) -> Result<bool, String> {
    match evaluate(expression, scope)? {
        Value::Bool(b) => Ok(b),
        other => Err(format!("'{}' is {other}, not true or false", bare(expression))),
    }
}

/// Every `${…}` inside the strings of `value`.
pub(crate) fn templates(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    visit_strings(value, &mut |s| found.extend(pieces(s).into_iter().filter_map(|p| p.err())));
    found
}

fn visit_strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit_strings(v, f)),
        _ => {}
    }
}

/// How a secret is named in a template: `${secrets.NAME}`.
pub(crate) const SECRETS: &str = "secrets.";

/// A string cut into its text (`Ok`) and its `${…}` expressions (`Err`), in order.
fn pieces(s: &str) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else { break };
        if start > 0 {
            out.push(Ok(rest[..start].to_string()));
        }
        let inner = rest[start + 2..start + end].trim();
        // `${secrets.NAME}` is no expression: it stays as written, for the task that runs to
        // read from its program's environment (so no secret is kept in a run or a task).
        if inner.starts_with(SECRETS) {
            out.push(Ok(rest[start..start + end + 1].to_string()));
        } else {
            out.push(Err(inner.to_string()));
        }
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_string()));
    }
    out
}

/// `value` with each `${…}` evaluated: a string that is one expression becomes its value
/// (a number stays a number); one with text around them, the text with the values written in.
pub(crate) fn fill(value: &Value, scope: &Map<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            let parts = pieces(s);
            match parts.as_slice() {
                [Err(expression)] => evaluate(expression, scope)?,
                _ if parts.iter().all(Result::is_ok) => value.clone(),
                _ => {
                    let mut text = String::new();
                    for part in parts {
                        match part {
                            Ok(t) => text.push_str(&t),
                            Err(expression) => match evaluate(&expression, scope)? {
                                Value::String(v) => text.push_str(&v),
                                v => text.push_str(&v.to_string()),
                            },
                        }
                    }
                    Value::String(text)
                }
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, scope)).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| Ok((k.clone(), fill(v, scope)?))).collect::<Result<_, String>>()?)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn scope(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn conditions_read_step_outputs() {
        let s = scope(json!({"refresh": {"output": {"moved": 2.4, "rows": 40}, "status": "completed"}}));
        assert!(holds("refresh.output.moved > 2", &s).unwrap());
        assert!(holds("${refresh.output.moved > 2.0 && refresh.output.rows == 40}", &s).unwrap());
        assert!(!holds("refresh.output.moved > 3", &s).unwrap());
        assert!(holds("refresh.status == 'completed'", &s).unwrap());
        let not_bool = holds("refresh.output.rows + 1", &s).unwrap_err();
        assert!(not_bool.contains("not true or false"), "{not_bool}");
        let missing = holds("refresh.output.nope > 1", &s).unwrap_err();
        assert!(missing.contains("nope"), "{missing}");
        assert!(compile("refresh.output.moved >").is_err());
        assert_eq!(names("a.output.x > b.output.y && input.z").unwrap().len(), 3);
    }

    #[test]
    fn whole_numbers_are_ints_as_literals_are() {
        let s = scope(json!({"index": 0, "n": {"count": 3, "share": 0.25}}));
        assert_eq!(evaluate("index + 1", &s).unwrap(), json!(1));
        assert!(holds("n.count > 2 && n.share < 1.0", &s).unwrap());
    }

    #[test]
    fn templates_are_filled_keeping_types() {
        let s = scope(json!({"input": {"price": 0.8, "name": "heat"}, "item": "s-1"}));
        let payload = json!({"value": "${input.price * 2.0}", "label": "price of ${input.name}: ${input.price}", "id": "${item}", "n": 3});
        let filled = fill(&payload, &s).unwrap();
        assert_eq!(filled, json!({"value": 1.6, "label": "price of heat: 0.8", "id": "s-1", "n": 3}));
        assert_eq!(templates(&payload), ["item", "input.name", "input.price", "input.price * 2.0"]);
    }
}
