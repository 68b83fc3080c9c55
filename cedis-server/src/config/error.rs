//! Configuration errors. Each `Display` is Redis 7.0.15's exact text, so clients and
//! scripts that match on Redis's messages keep working.

use thiserror::Error;

/// The Redis version whose start-up error banner cedis reproduces.
pub const REDIS_COMPAT_VERSION: &str = "7.0.15";

/// Why the configuration could not be loaded at start-up.
///
/// `Display` is what `redis-server` prints on stderr before exiting with status 1,
/// e.g. for `redis-server --port abc`:
///
/// ```text
///
/// *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
/// Reading the configuration file, at line 2
/// >>> 'port "abc"'
/// argument couldn't be parsed into an integer
/// ```
///
/// (the first line is empty, as in Redis). Command-line options count as lines after
/// the file, which is why `--port abc` is "line 2" with no file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// A line of the file (or of the command-line options) is invalid.
    #[error(
        "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_COMPAT_VERSION}) ***\n\
         Reading the configuration file, at line {line}\n\
         >>> '{text}'\n\
         {reason}"
    )]
    Line {
        /// 1-based line number within the file being read.
        line: usize,
        /// The line as written, without surrounding blanks.
        text: String,
        /// Redis's reason, e.g. `Bad directive or wrong number of arguments`.
        reason: String,
    },
    /// The configuration file (or an `include`d one) cannot be read.
    #[error("Fatal error, can't open config file '{path}': {reason}")]
    Open {
        path: String,
        /// `strerror` text, e.g. `No such file or directory`.
        reason: String,
    },
}

/// Why `CONFIG SET` failed; nothing was changed.
///
/// ```text
/// ERR Unknown option or number of arguments for CONFIG SET - 'foo'
/// ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer
/// ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter
/// ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigSetError {
    /// No directive has that name.
    #[error("ERR Unknown option or number of arguments for CONFIG SET - '{name}'")]
    Unknown { name: String },
    /// The named directive was refused; `name` is spelt as the client sent it.
    #[error("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")]
    Failed { name: String, reason: String },
}

/// Why `CONFIG REWRITE` failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigRewriteError {
    /// The server was started without a configuration file.
    #[error("ERR The server is running without a config file")]
    NoConfigFile,
    /// Reading or writing the file failed (`strerror` text).
    #[error("ERR Rewriting config file: {0}")]
    Io(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_redis() {
        let err = ConfigError::Line {
            line: 2,
            text: "port \"abc\"".into(),
            reason: "argument couldn't be parsed into an integer".into(),
        };
        assert_eq!(
            err.to_string(),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n\
             Reading the configuration file, at line 2\n\
             >>> 'port \"abc\"'\n\
             argument couldn't be parsed into an integer"
        );
        assert_eq!(
            ConfigError::Open {
                path: "/nonexistent".into(),
                reason: "No such file or directory".into()
            }
            .to_string(),
            "Fatal error, can't open config file '/nonexistent': No such file or directory"
        );
        assert_eq!(
            ConfigSetError::Unknown { name: "foo".into() }.to_string(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
        );
        assert_eq!(
            ConfigSetError::Failed {
                name: "databases".into(),
                reason: "can't set immutable config".into()
            }
            .to_string(),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"
        );
        assert_eq!(
            ConfigRewriteError::NoConfigFile.to_string(),
            "ERR The server is running without a config file"
        );
        assert_eq!(
            ConfigRewriteError::Io("No such file or directory".into()).to_string(),
            "ERR Rewriting config file: No such file or directory"
        );
    }
}
