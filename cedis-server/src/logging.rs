//! LEAD'S TEMPORARY STUB so the server compiles; the logging helper replaces this file whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogLevel {
    Debug,
    Verbose,
    #[default]
    Notice,
    Warning,
}
#[derive(Debug)]
pub struct LogHandle;
impl LogHandle {
    pub fn set_level(&self, _level: LogLevel) {}
}
pub fn init(_level: LogLevel, _logfile: &str) -> Result<LogHandle, std::io::Error> {
    Ok(LogHandle)
}
