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
    library: Arc<Library>,
    pub(crate) data: Arc<Data>,
    pub(crate) population: Arc<Population>,
    pub(crate) tasks: Arc<Tasks>,
    /// How letters leave (the edge: SMTP or the outbox).
    pub(crate) postman: Arc<dyn Postman>,
    /// How a folder is shown (the edge: the platform's file manager).
    pub(crate) files: Arc<dyn FileManager>,
}

on_library!(Reports);

/// What the Reports service stands on.
pub(crate) struct ReportsParts {
    pub library: Arc<Library>,
    pub data: Arc<Data>,
    pub population: Arc<Population>,
    pub tasks: Arc<Tasks>,
    pub postman: Arc<dyn Postman>,
    pub files: Arc<dyn FileManager>,
}

impl Reports {
    pub(crate) fn new(parts: ReportsParts) -> Reports {
        let ReportsParts { library, data, population, tasks, postman, files } = parts;
        Reports { library, data, population, tasks, postman, files }
    }
}
