//! LEAD'S TEMPORARY STUB so the server compiles; the config helper replaces this file whole.
//! It shows the API the server calls.
use crate::logging::LogLevel;
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: Vec<String>,
    pub port: u16,
    pub databases: usize,
    pub requirepass: Option<Vec<u8>>,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub maxclients: u64,
    pub loglevel: LogLevel,
    pub logfile: String,
    pub pidfile: String,
    pub dir: String,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
}
#[derive(Debug, thiserror::Error)]
#[error("config error")]
pub struct ConfigError;
#[derive(Debug, thiserror::Error)]
#[error("ERR set error")]
pub struct ConfigSetError;
#[derive(Debug, thiserror::Error)]
#[error("ERR rewrite error")]
pub struct ConfigRewriteError;
impl Config {
    pub fn from_args(_args: &[String]) -> Result<Config, ConfigError> {
        Ok(Config {
            bind: vec!["127.0.0.1".into()],
            port: 6379,
            databases: 16,
            requirepass: None,
            timeout: 0,
            tcp_keepalive: 300,
            maxclients: 10000,
            loglevel: LogLevel::Notice,
            logfile: String::new(),
            pidfile: String::new(),
            dir: ".".into(),
            proto_max_bulk_len: 512 << 20,
            client_query_buffer_limit: 1 << 30,
        })
    }
    pub fn get(&self, _patterns: &[&[u8]]) -> Vec<(String, Vec<u8>)> {
        vec![]
    }
    pub fn set(&mut self, _pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, ConfigSetError> {
        Ok(vec![])
    }
    pub fn rewrite(&self) -> Result<(), ConfigRewriteError> {
        Ok(())
    }
    pub fn apply_dir(&self) -> std::io::Result<()> {
        Ok(())
    }
}
