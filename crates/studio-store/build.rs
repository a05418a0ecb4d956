// `sqlx::migrate!` embeds the migrations when the crate is compiled; without this, Cargo does
// not know a new or changed migration file means compiling it again, and a stale build would
// open libraries without it.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
    println!("cargo:rerun-if-changed=../../migrations-postgres");
}
