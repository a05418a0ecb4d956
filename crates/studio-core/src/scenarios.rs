//! The Scenarios service: a scenario's runs (`scenario_runs.rs`), the Simulation console that
//! plays one tick by tick (`console.rs`), calibration to the data's history
//! (`calibration.rs`), and the reads over simulated scenarios (`simulation_reads.rs`). It stands
//! on the library, the data and the population.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::console_state::Console;
use crate::data_service::Data;
use crate::library::{Library, on_library};
use crate::population::Population;

pub struct Scenarios {
    library: Arc<Library>,
    pub(crate) data: Arc<Data>,
    pub(crate) population: Arc<Population>,
    /// The Simulation console open in each project, if any.
    pub(crate) consoles: Mutex<HashMap<String, Console>>,
}

on_library!(Scenarios);

impl Scenarios {
    pub(crate) fn new(library: Arc<Library>, data: Arc<Data>, population: Arc<Population>) -> Scenarios {
        Scenarios { library, data, population, consoles: Mutex::new(HashMap::new()) }
    }
}
