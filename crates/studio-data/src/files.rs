//! The files a source is read from: regular files only, looked at before they are opened —
//! a named pipe blocks at open() until a writer comes, a device such as /dev/zero never ends —
//! and JSON read whole into memory in steps the caller can stop.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::DataError;

/// What a path that is not a regular file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Directory,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    fn of(file_type: &std::fs::FileType) -> FileKind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return FileKind::NamedPipe;
            }
            if file_type.is_socket() {
                return FileKind::Socket;
            }
            if file_type.is_char_device() {
                return FileKind::CharacterDevice;
            }
            if file_type.is_block_device() {
                return FileKind::BlockDevice;
            }
        }
        if file_type.is_dir() { FileKind::Directory } else { FileKind::Other }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::NamedPipe => "a named pipe (FIFO)",
            FileKind::Socket => "a socket",
            FileKind::CharacterDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "a special file",
        })
    }
}

/// The size of the regular file at `path` (a link is followed), or why it cannot be read as a
/// source: it is missing or unreadable ([`DataError::Io`], naming the path), or it is not a
/// regular file ([`DataError::NotAFile`]: a directory, a named pipe — opening one blocks until a
/// writer comes —, a device such as /dev/zero — never ends —, a socket). Asks the file system
/// only: nothing is opened. Call it before opening a file the user named.
pub fn regular_file_size(path: &Path) -> Result<u64, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    if meta.is_file() {
        Ok(meta.len())
    } else {
        Err(DataError::NotAFile { path: path.to_path_buf(), kind: FileKind::of(&meta.file_type()) })
    }
}

/// The regular file at `path`, opened, and its size.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64), DataError> {
    regular_file_size(path)?;
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    // What was opened is looked at too: the path may have changed since.
    let meta = file.metadata().map_err(|e| DataError::io(path, e))?;
    if !meta.is_file() {
        return Err(DataError::NotAFile { path: path.to_path_buf(), kind: FileKind::of(&meta.file_type()) });
    }
    Ok((file, meta.len()))
}

/// The whole of `reader`, read a MiB at a time, asking `progress` whether to go on after each.
pub(crate) fn read_stoppable(
    reader: impl Read,
    total_bytes: Option<u64>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Vec<u8>, DataError> {
    const CHUNK: u64 = 1 << 20;
    let mut reader = reader;
    let mut bytes = Vec::new();
    // Room for the whole file at once (not doubling as it comes, which can hold twice its
    // size), or a clear error when there is none.
    if let Some(total) = total_bytes {
        let room = usize::try_from(total).ok().and_then(|total| bytes.try_reserve_exact(total).ok());
        if room.is_none() {
            return Err(DataError::Io { path: None, reason: format!("its {total} bytes do not fit in memory") });
        }
    }
    while (&mut reader).take(CHUNK).read_to_end(&mut bytes)? > 0 {
        let fraction = match total_bytes {
            Some(total) if total > 0 => (bytes.len() as f64 / total as f64).min(1.0),
            _ => 0.0,
        };
        if !progress(fraction) {
            return Err(DataError::Cancelled);
        }
    }
    Ok(bytes)
}
