//! The one API of FutureOS Studio. Every front end (the `studio` CLI, the HTTP server, the
//! desktop shell) calls these methods, or sends the same [`Request`]s, and listens to the
//! same [`StudioEvent`]s. This crate ties the model, the project document and the store together.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod calibration;
mod config;
mod console;
mod data_package;
mod data_reads;
mod document;
mod edge;
mod error;
mod events;
mod file_names;
mod history;
mod imports;
mod limits;
mod liveness;
mod logos;
mod open_projects;
mod population;
mod ports;
mod projects;
mod recovery;
mod report_inputs;
mod reports;
mod request;
mod retention;
mod reveal;
mod saving;
mod scenario_runs;
mod schedules;
mod simulation_reads;
mod source_config;
mod stage_runs;
mod stop;
mod studio;
mod task_kinds;
mod tasks;

pub use config::{Program, SmtpSettings, StudioConfig, local_user_id, local_user_id_at};
pub use console::{ConsoleStatus, ConsoleView};
pub use data_package::{DataPackage, PackagedSource, Series, SourceKind, SourceStatus};
pub use document::{ChangeKind, ChangeMessage, ProjectDocument, RecordKey};
pub use error::CoreError;
pub use events::StudioEvent;
pub use file_names::file_stem;
pub use history::{Actor, HistoryResponse};
pub use limits::{Defaults, Limits};
pub use ports::{DeliveryChannel, FileManager, Letter, Posted, Postman};
pub use projects::{ExportReceipt, MetadataUpdate, ProjectSummary, TemplateInfo};
pub use recovery::{FoldedEdits, RecoveryOffer, UnsavedEdit};
pub use reports::{PREVIEW_ID as REPORT_PREVIEW_ID, ReportExport, ReportListing};
pub use request::{API_VERSION, Answer, Deleted, Discarded, Envelope, Folder, Request};
pub use retention::{LibraryInfo, Pruned};
pub use saving::VersionInfo;
pub use schedules::{Delivery, DeliveryReason, DeliveryStatus, ScheduleStatus, next_run};
pub use studio::Studio;
pub use studio_data as data;
pub use studio_engine as engine;
pub use studio_model as model;
pub use studio_report as report;
pub use studio_tasks as task_engine;
pub use task_kinds::PipelineRun;
pub use tasks::{CAPABILITIES, TaskRunner};

pub type Result<T> = std::result::Result<T, CoreError>;
