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
    /// A subcommand given arguments it does not take (`CLIENT PAUSE 10 WRITE x`).
    #[error(
        "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {command} HELP."
    )]
    SubcommandArguments { sub: String, command: String },
    #[error("ERR syntax error")]
    Syntax,
    /// A command that needs the dataset while it is still being loaded.
    #[error("LOADING Redis is loading the dataset in memory")]
    Loading,
    /// A MONITOR (or replica) connection sent a command that reads or writes keys.
    #[error("ERR Replica can't interact with the keyspace")]
    ReplicaKeyspace,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    /// SORT met an element or weight that is not a number (and ALPHA was not given).
    #[error("ERR One or more scores can't be converted into double")]
    SortScoreNotDouble,
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
    /// A RESP2 subscriber ran something other than the subscribe family, PING, QUIT or
    /// RESET (the full name: `client|list`).
    #[error("ERR Can't execute '{0}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")]
    NotInSubscribeContext(String),
    #[error("ERR timeout is not a float or out of range")]
    TimeoutNotFloat,
    #[error("ERR timeout is negative")]
    TimeoutNegative,
    #[error("UNBLOCKED client unblocked via CLIENT UNBLOCK")]
    Unblocked,
    #[error("ERR MULTI calls can not be nested")]
    MultiNested,
    #[error("ERR EXEC without MULTI")]
    ExecWithoutMulti,
    #[error("ERR DISCARD without MULTI")]
    DiscardWithoutMulti,
    #[error("ERR WATCH inside MULTI is not allowed")]
    WatchInsideMulti,
    #[error("EXECABORT Transaction discarded because of previous errors.")]
    ExecAbort,
    /// EXEC itself was refused (e.g. in subscribe mode): the refusal, without `ERR `.
    #[error("EXECABORT Transaction discarded because of: {0}")]
    ExecAbortBecause(String),
    /// A `no-multi` command (SHUTDOWN, SAVE, …) sent inside MULTI.
    #[error("ERR Command not allowed inside a transaction")]
    NotAllowedInTransaction,
    #[error("ERR {0} is not allowed in this context")]
    NotAllowedInContext(String),
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    #[error("ERR increment would produce NaN or Infinity")]
    NanOrInfinity,
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    #[error("ERR no such key")]
    NoSuchKey,
    #[error("ERR index out of range")]
    IndexOutOfRange,
    /// `command` is the lowercase command name: `ERR invalid expire time in 'set' command`.
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(String),
    #[error("ERR bit offset is not an integer or out of range")]
    BitOffset,
    #[error("ERR bit is not an integer or out of range")]
    BitValue,
    #[error("ERR source and destination objects are the same")]
    SameObject,
    /// EXPIRE-family option that is not NX/XX/GT/LT (the argument as given).
    #[error("ERR Unsupported option {0}")]
    UnsupportedOption(String),
    #[error("ERR NX and XX, GT or LT options at the same time are not compatible")]
    ExpireNxConflict,
    #[error("ERR GT and LT options at the same time are not compatible")]
    ExpireGtLtConflict,
    #[error("ERR invalid cursor")]
    InvalidCursor,
    /// An argument Redis parses as a C `int` (MOVE's and COPY's database index).
    #[error("ERR value is out of range, value must between -2147483648 and 2147483647")]
    IntOutOfRange,
    #[error("ERR value is out of range, must be positive")]
    NotPositive,
    /// A DEBUG subcommand that does not exist or got the wrong number of arguments.
    #[error("ERR unknown subcommand or wrong number of arguments for '{0}'. Try DEBUG HELP.")]
    DebugSubcommand(String),
    /// A subcommand given more arguments than it takes, where Redis checks by hand
    /// (`PUBSUB CHANNELS a b`); `command` is the container in upper case.
    #[error(
        "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {command} HELP."
    )]
    SubcommandArity { sub: String, command: &'static str },
    /// A command gated by `enable-debug-command`/`enable-module-command`; `command` is
    /// `DEBUG`/`MODULE`, `option` the directive. Counted as a rejected call.
    #[error("ERR {command} command not allowed. If the {option} option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")]
    ProtectedCommand {
        command: &'static str,
        option: &'static str,
    },
    #[error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuNotSelected,
    #[error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuSelected,
    /// `maxmemory` reached and nothing more can be evicted: a command that may grow the
    /// dataset is refused.
    #[error("OOM command not allowed when used memory > 'maxmemory'.")]
    Oom,
    /// DECRBY with -9223372036854775808 (its negation does not fit).
    #[error("ERR decrement would overflow")]
    DecrementOverflow,
    /// SETRANGE with a negative offset.
    #[error("ERR offset is out of range")]
    OffsetOutOfRange,
    #[error("ERR The bit argument must be 1 or 0.")]
    BitArgument,
    #[error("ERR BITOP NOT must be called with a single source key.")]
    BitopNotSingleSource,
    #[error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")]
    BitfieldType,
    #[error("ERR Invalid OVERFLOW type specified")]
    BitfieldOverflowType,
    #[error("ERR BITFIELD_RO only supports the GET subcommand")]
    BitfieldReadOnly,
    #[error("ERR The specified keys must contain string values")]
    LcsNotStrings,
    #[error("ERR If you want both the length and indexes, please just use IDX.")]
    LcsLenAndIdx,
    #[error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")]
    LcsTooLarge,
    /// A command handler panicked; the server logs the panic and keeps serving.
    #[error("ERR internal error while executing '{0}'")]
    Internal(String),
    /// A message produced by a lower layer whose own `Display` is already a Redis line
    /// (config errors, for example).
    #[error("{0}")]
    Line(String),
    /// SLOWLOG GET with a count that is not an integer >= -1.
    #[error("ERR count should be greater than or equal to -1")]
    SlowlogCount,
    /// LATENCY GRAPH for an event without samples.
    #[error("ERR No samples available for event '{0}'")]
    NoLatencySamples(String),
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
