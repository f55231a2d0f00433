//! The API under test as real processes: this binary re-executed in server mode, on a free
//! port, against its own database; and the server's peak memory.

use std::time::{Duration, Instant};

pub fn with_database(url: &str, name: &str) -> String {
    let base = url.split('?').next().unwrap();
    let cut = base.rfind('/').unwrap();
    format!("{}/{name}", &base[..cut])
}

/// Server mode: `bench --serve DATABASE_URL PORT`.
pub fn serve(url: &str, port: u16) {
    let mut settings =
        api::config::Settings::development(persistence::DatabaseUrl::parse(url).unwrap());
    settings.port = port;
    settings.workers = Some(2);
    if let Some(n) = std::env::var("BENCH_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        settings.pool.max_size = n;
    }
    settings.sync_settle = Duration::ZERO;
    // The receiver is on 127.0.0.1, over http.
    settings.webhooks.policy = domain::webhook::UrlPolicy::AllowInsecure;
    if let Some(n) = std::env::var("BENCH_WEBHOOK_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        settings.webhooks.batch = n;
    }
    if let Some(ms) = std::env::var("BENCH_WEBHOOK_COALESCE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        settings.webhooks.coalesce = Duration::from_millis(ms);
    }
    settings.rate_limits.client_requests = 10_000_000;
    settings.rate_limits.anonymous_requests = 10_000_000;
    actix_web::rt::System::new().block_on(async move {
        let app = api::startup::Application::build(settings).await.unwrap();
        app.run_until_stopped().await.unwrap();
    });
}

/// The peak resident memory of `pid`, in MB.
pub fn peak_rss_mb(pid: u32) -> f64 {
    memory_mb(pid, "VmHWM:")
}

/// The resident memory of `pid` now, in MB.
pub fn current_rss_mb(pid: u32) -> f64 {
    memory_mb(pid, "VmRSS:")
}

fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Server {
    pub child: std::process::Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn spawn(url: &str) -> Server {
    let port = free_port();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--serve", url, &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}
