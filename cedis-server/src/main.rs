//! `cedis [/path/to/cedis.conf] [--directive value ...]`, exactly like `redis-server`.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use cedis_server::command::connection::REDIS_VERSION;
use cedis_server::config::Config;
use cedis_server::{logging, server};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(cedis_server::job::JOB_PROCESS_ARG) => return cedis_server::job::run_job_process(),
        Some("-v" | "--version") => {
            println!(
                "cedis v={} (Redis {REDIS_VERSION} compatible) bits=64",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Some("-h" | "--help") => {
            println!("Usage: cedis [/path/to/cedis.conf] [options] [-]");
            println!("       cedis - (read config from stdin)");
            println!("       cedis -v or --version");
            println!("       cedis -h or --help");
            println!();
            println!("Examples:");
            println!("       cedis (run the server with default config)");
            println!("       cedis /etc/cedis/6379.conf");
            println!("       cedis --port 7777");
            println!("       cedis /etc/mycedis.conf --loglevel verbose");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let config = match Config::from_args(&args) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(1);
        }
    };
    let log = match logging::init(config.loglevel, &config.logfile) {
        Ok(log) => Some(log),
        Err(err) => {
            eprintln!("Can't open the log file: {err}");
            return ExitCode::from(1);
        }
    };
    let pid = std::process::id();
    tracing::warn!("oO0OoO0OoO0Oo cedis is starting oO0OoO0OoO0Oo");
    tracing::warn!(
        "cedis version={} (Redis {REDIS_VERSION} compatible), bits=64, pid={pid}, just started",
        env!("CARGO_PKG_VERSION")
    );
    tracing::warn!("Configuration loaded");
    if let Err(err) = config.apply_dir() {
        tracing::warn!("Can't chdir to '{}': {err}", config.dir);
        return ExitCode::from(1);
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if config.server_threads > 0 {
        builder.worker_threads(config.server_threads);
    }
    let runtime = match builder.enable_all().thread_name("cedis-worker").build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::warn!("Can't start the runtime: {err}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let listeners = match server::bind(&config.bind, config.port).await {
            Ok(listeners) => listeners,
            Err(err) => {
                tracing::warn!("{err}");
                return ExitCode::from(1);
            }
        };
        let pidfile = config.pidfile.clone();
        if !pidfile.is_empty() {
            if let Err(err) = std::fs::write(&pidfile, format!("{pid}\n")) {
                tracing::warn!("Failed to write PID file: {err}");
            }
        }
        tracing::info!(
            "cedis {} running in standalone mode, port={}, PID: {pid}",
            env!("CARGO_PKG_VERSION"),
            config.port
        );
        tracing::warn!("Server initialized");
        let server = Arc::new(server::Server::new(config, log));
        if server.has_rdb_to_load() {
            // Clients are answered `-LOADING` until the file is in.
            server.persistence.loading.store(true, Ordering::SeqCst);
            let loader = Arc::clone(&server);
            std::thread::spawn(move || {
                if let Err(err) = loader.load_at_startup() {
                    tracing::warn!("{err}");
                    std::process::exit(1);
                }
            });
        }
        tracing::info!("Ready to accept connections");
        server::serve(Arc::clone(&server), listeners).await;
        if !pidfile.is_empty() {
            let _ = std::fs::remove_file(&pidfile);
        }
        tracing::warn!("cedis is now ready to exit, bye bye...");
        ExitCode::SUCCESS
    })
}
