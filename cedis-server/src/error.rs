//! Command errors. Each variant's `Display` is the exact line Redis 7.0 replies with
//! (without the leading `-`), so the reply writer never formats error text itself.

use thiserror::Error;

/// A command failed; the client gets this line and the connection stays open.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// `args` is already rendered as Redis renders it: `'a' 'b' ` (see [`unknown_command`]).
    #[error("ERR unknown command '{name}', with args beginning with: {args}")]
    UnknownCommand { name: String, args: String },
    /// `name` is the lowercase full name, `config|get` for subcommands.
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    /// `command` is the container's name in upper case, as in `Try CONFIG HELP.`
    #[error("ERR unknown subcommand '{sub}'. Try {command} HELP.")]
    UnknownSubcommand { sub: String, command: String },
    #[error("ERR syntax error")]
    Syntax,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    #[error("NOAUTH Authentication required.")]
    NoAuth,
    #[error("WRONGPASS invalid username-password pair or user is disabled.")]
    WrongPass,
    #[error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")]
    AuthNotConfigured,
    #[error("NOPROTO unsupported protocol version")]
    NoProto,
    #[error("ERR Protocol version is not an integer or out of range")]
    ProtocolVersionNotInteger,
    #[error("ERR max number of clients reached")]
    MaxClients,
    #[error("ERR Client names cannot contain spaces, newlines or special characters.")]
    InvalidClientName,
    #[error("ERR No such client")]
    NoSuchClient,
    #[error("ERR client-id should be greater than 0")]
    InvalidClientId,
    #[error("ERR Invalid command specified")]
    InvalidCommandSpecified,
    #[error("ERR The command has no key arguments")]
    NoKeyArguments,
    #[error("ERR Invalid number of arguments specified for command")]
    InvalidKeyArguments,
    #[error("ERR Errors trying to SHUTDOWN. Check logs.")]
    ShutdownFailed,
    #[error("ERR {0} is not allowed in this context")]
    NotAllowedInContext(String),
    /// A command handler panicked; the server logs the panic and keeps serving.
    #[error("ERR internal error while executing '{0}'")]
    Internal(String),
    /// A message produced by a lower layer whose own `Display` is already a Redis line
    /// (config errors, for example).
    #[error("{0}")]
    Line(String),
}

/// Result of a command handler.
pub type CommandResult = Result<(), CommandError>;

/// Builds Redis's unknown-command error: the name, then the first arguments each quoted and
/// followed by a space, stopping once 128 characters of arguments have been written; CR and
/// LF are shown as spaces so the reply stays one line.
///
/// ```
/// use cedis_server::error::unknown_command;
/// let err = unknown_command(b"foo", &[b"a".as_slice(), b"b".as_slice()]);
/// assert_eq!(err.to_string(), "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
/// ```
pub fn unknown_command<A: AsRef<[u8]>>(name: &[u8], args: &[A]) -> CommandError {
    const MAX_ARGS_TEXT: usize = 128;
    let mut rendered = String::new();
    for arg in args {
        if rendered.len() >= MAX_ARGS_TEXT {
            break;
        }
        let room = MAX_ARGS_TEXT - rendered.len();
        let arg = arg.as_ref();
        rendered.push('\'');
        rendered.push_str(&printable_line(&arg[..arg.len().min(room)]));
        rendered.push_str("' ");
    }
    CommandError::UnknownCommand {
        name: printable_line(&name[..name.len().min(128)]),
        args: rendered,
    }
}

/// Client-supplied bytes as error text: lossy UTF-8 with CR and LF turned into spaces.
pub fn printable_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_command_truncates_arguments_at_128_characters() {
        let long = vec![b'x'; 100];
        let args = vec![long.clone(), long.clone(), long];
        let err = unknown_command(b"foo", &args).to_string();
        let expected = format!(
            "ERR unknown command 'foo', with args beginning with: '{}' '{}' ",
            "x".repeat(100),
            "x".repeat(25)
        );
        assert_eq!(err, expected);
    }

    #[test]
    fn unknown_command_hides_line_breaks() {
        let err = unknown_command(b"foo\x01\r\nx", &[b"y\n".as_slice()]).to_string();
        assert_eq!(
            err,
            "ERR unknown command 'foo\x01  x', with args beginning with: 'y ' "
        );
    }
}
