//! The Reports service: reports generated from the project's results and stored with their
//! inputs (`reports.rs`, `report_inputs.rs`, the branding's logo in `logos.rs`), exported as
//! tasks, shown in their folder (`reveal.rs`), and sent on a schedule (`schedules.rs`). It
//! stands on the library, the data, the population and the tasks, and reaches mail and the
//! file manager through the ports.

use std::sync::Arc;

use crate::data_service::Data;
use crate::library::{Library, on_library};
use crate::population::Population;
use crate::ports::{FileManager, Postman};
use crate::tasks::Tasks;

pub struct Reports {
    pub(crate) library: Arc<Library>,
    pub(crate) data: Arc<Data>,
    pub(crate) population: Arc<Population>,
    pub(crate) tasks: Arc<Tasks>,
    /// How letters leave (the edge: SMTP or the outbox).
    pub(crate) postman: Arc<dyn Postman>,
    /// How a folder is shown (the edge: the platform's file manager).
    pub(crate) files: Arc<dyn FileManager>,
}

on_library!(Reports);
