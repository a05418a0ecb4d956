//! The Typst `World` of one PDF: the template, the report's data, charts and logo as virtual
//! files in memory, and the shipped fonts only. Built per call; nothing is read from disk.

use std::collections::HashMap;
use std::path::PathBuf;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use crate::{ReportError, fonts};

pub(super) struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

/// The id of a file at `path` (absolute, `/…`) in the project's root.
pub(super) fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::render("pdf", format!("{path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ReportWorld {
    /// `main` is the Typst source; `files` what it may read, by absolute path.
    pub(super) fn new(
        main: &str,
        files: Vec<(String, Bytes)>,
        today: Option<Datetime>,
    ) -> Result<ReportWorld, ReportError> {
        let fonts: Vec<Font> = fonts::ALL.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        if fonts.len() != fonts::ALL.len() {
            return Err(ReportError::render("pdf", "a shipped font could not be read"));
        }
        let main = Source::new(file_id("/main.typ")?, main.to_string());
        let files = files.into_iter().map(|(path, bytes)| Ok((file_id(&path)?, bytes))).collect::<Result<_, _>>()?;
        Ok(ReportWorld {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main,
            files,
            today,
        })
    }

    /// The compiler's errors as one message, each with its line in the template when it has one
    /// (they are bugs of the template or of the data it was given).
    pub(super) fn describe(&self, errors: &[SourceDiagnostic]) -> String {
        let describe = |e: &SourceDiagnostic| {
            let line = (e.span.id() == Some(self.main.id()))
                .then(|| self.range(e.span))
                .flatten()
                .and_then(|range| self.main.lines().byte_to_line(range.start));
            let hints: String = e.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
            match line {
                Some(line) => format!("report.typ:{}: {}{hints}", line + 1, e.message),
                None => format!("{}{hints}", e.message),
            }
        };
        errors.iter().map(describe).collect::<Vec<_>>().join("; ")
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}
