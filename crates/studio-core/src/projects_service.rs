//! The Projects service: a project's life (`projects.rs`: create, list, load, rename, delete,
//! duplicate, templates, `.studio` files), its versions and the journal folded into them
//! (`saving.rs`), crash recovery (`recovery.rs`) and the library's retention (`retention.rs`).
//! It stands on the library and the data (whose imported files the library counts).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::data_service::Data;
use crate::library::{Library, on_library};

pub struct Projects {
    library: Arc<Library>,
    pub(crate) data: Arc<Data>,
    /// When pruning last ran here.
    pub(crate) last_pruned: Mutex<Option<Instant>>,
    /// How many recoverable edits were last announced for each project.
    pub(crate) recovery_announced: Mutex<HashMap<String, usize>>,
}

on_library!(Projects);

impl Projects {
    pub(crate) fn new(library: Arc<Library>, data: Arc<Data>) -> Projects {
        Projects { library, data, last_pruned: Mutex::new(None), recovery_announced: Mutex::new(HashMap::new()) }
    }
}
