//! A `studio serve` as the server crash test runs it: the API on loopback over the given
//! library, folding back what a previous run acknowledged, printing one line
//! `{"base": …, "token": …}` once it listens, until it is killed.
//!
//! Usage: serve-child LIBRARY

use std::sync::Arc;

use studio_core::{Program, Studio, StudioConfig};
use studio_server::ServeOptions;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db] = args.as_slice() else {
        eprintln!("usage: serve-child LIBRARY");
        std::process::exit(2);
    };
    let mut config = StudioConfig::new(db.into());
    config.program = Program::Serve;
    let studio = Arc::new(Studio::open(config).await.unwrap_or_else(|e| fail(&e)));
    studio.fold_previous_sessions().await.unwrap_or_else(|e| fail(&e));
    let server = studio_server::start(studio.clone(), "serve-child".into(), ServeOptions::default())
        .await
        .unwrap_or_else(|e| fail(&e));
    let _autosave = studio.spawn_autosave();
    println!("{}", serde_json::json!({"base": server.base(), "token": server.token}));
    std::future::pending::<()>().await;
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("serve-child: {e}");
    std::process::exit(1);
}
