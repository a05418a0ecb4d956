//! Secrets never written down: a real `studio serve` given an API key (`STUDIO_SECRET_API_KEY`)
//! and an SMTP password runs a workflow that sends the key to a local server (in a header, the
//! query and the body; the server echoes it back and refuses once), publishes an event that
//! names the password, and is refused a webhook whose URL holds it; then every file of the
//! library and the whole log (at debug level) are searched for the key, the password and the
//! launch token: none is there. The server did receive the real key.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Served, eventually, json, studio};
use reqwest::Method;
use serde_json::{Value, json};

/// A server that refuses the first request (500) and echoes the key back on the others.
fn echo_server(seen: Arc<Mutex<Vec<String>>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // The head and a small body arrive together here; read until the body is in.
            while let Ok(n) = stream.read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= head_end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&request).to_string();
            let key = text
                .lines()
                .find_map(|l| l.strip_prefix("x-api-key: ").or_else(|| l.strip_prefix("X-Api-Key: ")))
                .unwrap_or("")
                .to_string();
            let first = {
                let mut seen = seen.lock().unwrap();
                seen.push(text);
                seen.len() == 1
            };
            let (status, body) = if first {
                ("500 Internal Server Error", json!({"error": format!("not now, {key}")}))
            } else {
                ("200 OK", json!({"echo": format!("your key is {key}"), "api_key": key, "rows": 40}))
            };
            let body = body.to_string();
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    port
}

fn every_file(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            every_file(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn api_keys_passwords_and_tokens_are_in_no_log_audit_row_event_or_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let api_key = format!("sk-test-{}", uuid_hex());
    let password = format!("smtp-pw-{}", uuid_hex());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let port = echo_server(seen.clone());
    let project = json(&home, &["project", "new", "--name", "Keys"])["project_id"].as_str().unwrap().to_string();

    let log_path = dir.path().join("serve.log");
    let mut command = studio(&home);
    command
        .args(["serve", "--json", "--port", "0"])
        .env("STUDIO_LOG", "debug")
        .env("STUDIO_SECRET_API_KEY", &api_key)
        .env("STUDIO_SMTP_URL", format!("smtp://mailer:{password}@127.0.0.1:9"))
        .stderr(std::fs::File::create(&log_path).unwrap());
    let served = Served::spawn(command);

    let workflow = json!({"name": "Fetch", "steps": [{
        "id": "fetch", "type": "task", "agent_type": "api", "task": "http_request", "retry_attempts": 2,
        "config": {
            "url": format!("http://127.0.0.1:{port}/series?api_key=${{secrets.API_KEY}}"),
            "method": "POST",
            "headers": {"Authorization": "Bearer ${secrets.API_KEY}", "X-Api-Key": "${secrets.API_KEY}"},
            "body": {"note": "key ${secrets.API_KEY}"}
        }
    }]});
    let p = format!("/api/v1/studio/projects/{project}");
    let (status, saved) = served.call(Method::PUT, &format!("{p}/workflows/fetch"), Some(workflow));
    assert_eq!(status, 200, "{saved}");
    let (status, run) = served.call(Method::POST, &format!("{p}/workflows/fetch/execute"), Some(json!({})));
    assert_eq!(status, 202, "{run}");
    let path = format!("/api/v1/studio/executions/{}", run["execution_id"].as_str().unwrap());
    let mut ended = Value::Null;
    assert!(eventually(Duration::from_secs(30), || {
        ended = served.call(Method::GET, &path, None).1;
        ended["status"] == "completed" || ended["status"] == "failed"
    }));
    assert_eq!(ended["status"], "completed", "{ended}");
    let output = &ended["steps"][0]["output"];
    assert_eq!((output["status"].as_u64(), output["body"]["rows"].as_u64()), (Some(200), Some(40)));
    assert_eq!(output["body"]["api_key"], "***");
    assert_eq!(output["body"]["echo"], "your key is ***");
    assert_eq!(ended["steps"][0]["attempt"], 2, "refused once, then answered");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen[1].contains(&format!("Bearer {api_key}")), "the server got the real key: {}", seen[1]);
        assert!(seen[1].contains(&format!("api_key={api_key}")) && seen[1].contains(&format!("key {api_key}")));
    }

    let event =
        json!({"topic": "custom.mail", "data": {"note": format!("mail with {password}"), "password": password}});
    let (status, published) = served.call(Method::POST, "/api/v1/studio/events", Some(event));
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["note"], "mail with ***", "{published}");
    assert_eq!(published["password"], "***");
    let hook = json!({"url": format!("ftp://mailer:{password}@example.org/in"), "topics": ["custom.*"]});
    let (status, refused) = served.call(Method::POST, "/api/v1/studio/webhooks", Some(hook));
    assert_eq!(status, 400, "{refused}");
    assert!(!refused["message"].as_str().unwrap().contains(&password), "{refused}");
    let (status, _) = served.call(Method::GET, "/api/v1/studio/audit?outcome=failed", None);
    assert_eq!(status, 200);
    let bad = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/studio/projects?token=st_{}", served.base, "0".repeat(64)))
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 401);
    let (_, audit) = served.call(Method::GET, "/api/v1/studio/audit?limit=1000", None);
    let rows = audit.as_array().unwrap();
    assert!(rows.iter().any(|r| r["action"] == "create_webhook" && r["outcome"] == "failed"), "{audit}");
    assert!(rows.iter().any(|r| r["outcome"] == "refused" && r["code"] == "unauthorized"), "{audit}");
    let token = served.token.clone();

    // A clean stop: what the program holds is written.
    let _ = std::process::Command::new("kill").arg(served.child.id().to_string()).status();
    let mut served = served;
    let _ = served.child.wait();
    let log = std::fs::read(&log_path).unwrap();
    assert!(log.len() > 1000, "the debug log has something in it");
    let mut files = Vec::new();
    every_file(&home, &mut files);
    assert!(files.iter().any(|f| f.file_name().is_some_and(|n| n == "library.db")), "{files:?}");
    for (name, secret) in [("the API key", &api_key), ("the SMTP password", &password), ("the launch token", &token)] {
        let found = |bytes: &[u8]| bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found(&log), "{name} is in the log");
        for file in &files {
            assert!(!found(&std::fs::read(file).unwrap()), "{name} is in {}", file.display());
        }
    }
}

fn uuid_hex() -> String {
    (0..24).map(|i| format!("{:x}", (std::process::id() as usize * 31 + i * 7 + nanos()) % 16)).collect()
}

fn nanos() -> usize {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as usize
}
