//! A throwaway PostgreSQL cluster for the tests: the machine's server binaries
//! (`initdb` on PATH or under `/usr/lib/postgresql/*/bin`), `initdb` into a temp
//! directory, `postgres` on a free loopback port with its socket in that directory,
//! one cluster per test binary and a fresh database per test.
//!
//! initdb refuses to run as root: as root the binaries run as the `postgres` system
//! user (`runuser`), which owns the directory. The cluster stops (`pg_ctl stop -m fast`)
//! when the [`Cluster`] is dropped — and, for the per-binary cluster that lives in a
//! static (never dropped), a watchdog shell stops it and removes the directory as soon
//! as the test process is gone.
//!
//! Without the binaries, [`cluster`] is None and the caller skips its PostgreSQL half
//! with a loud message on stderr — unless `LICADM_REQUIRE_PG=1` (CI), which fails.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// The system user the server runs as when the tests run as root.
    run_as: Option<String>,
}

/// Where the server binaries are, if the machine has them.
pub fn find_bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            // Distributions link a few programs onto PATH; the rest (pg_ctl,
            // pg_isready, createdb) sit beside the real initdb.
            if let Ok(real) = std::fs::canonicalize(dir.join("initdb"))
                && let Some(bin) = real.parent()
                && bin.join("postgres").is_file()
                && bin.join("pg_ctl").is_file()
            {
                return Some(bin.to_path_buf());
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

impl Cluster {
    /// A command running `program` from the server's bin directory, as the server's user.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        }
    }

    /// initdb + postgres on a free port; waits until it accepts connections.
    pub fn start() -> Result<Cluster, String> {
        let bin = find_bin_dir().ok_or("no PostgreSQL server binaries (initdb) on this machine")?;
        let run_as = running_as_root().then(|| "postgres".to_string());
        let dir = std::env::temp_dir().join(format!(
            "licadm-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("temp dir: {e}"))?;
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(user)
                .arg(&dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err(format!("cannot chown {} to {user}", dir.display()));
            }
        }
        let mut cluster = Cluster {
            dir,
            bin,
            port: 0,
            run_as,
        };
        let data = cluster.dir.join("data");
        let out = cluster
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        for _attempt in 0..3 {
            cluster.port = free_port();
            let log = cluster.dir.join("postgres.log");
            let started = cluster
                .command("pg_ctl")
                .arg("start")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .arg("-o")
                .arg(format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                    cluster.port,
                    cluster.dir.display()
                ))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("pg_ctl start: {e}"))?;
            if started.success() && cluster.wait_ready(Duration::from_secs(30)) {
                return Ok(cluster);
            }
        }
        Err(format!(
            "postgres did not start; see {}",
            cluster.dir.join("postgres.log").display()
        ))
    }

    /// Polls `pg_isready` until the server accepts connections (a condition, not a sleep).
    fn wait_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A fresh, empty database; its URL.
    pub fn create_database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let out = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg(&name)
            .output()
            .expect("createdb runs");
        assert!(
            out.status.success(),
            "createdb {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(&name)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server (fast: open sessions are cut).
    pub fn stop(&self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(self.dir.join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Starts the stopped server again on the same port.
    pub fn restart(&self) {
        let started = self
            .command("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("postgres.log"))
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                self.port,
                self.dir.display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pg_ctl start");
        assert!(started.success() && self.wait_ready(Duration::from_secs(30)));
    }

    /// The signing-key files portals of this cluster leave in the user's data directory
    /// (`<data dir>/signing-keys/127.0.0.1-<port>-<database>.key`, docs/DESIGN.md §3.5):
    /// the directory and the names' prefix.
    fn key_files(&self) -> Option<(PathBuf, String)> {
        let dir = directories::ProjectDirs::from("", "", "licadm")?
            .data_dir()
            .join("signing-keys");
        Some((dir, format!("127.0.0.1-{}-", self.port)))
    }

    /// Removes this cluster's key files (its databases are gone with it).
    fn remove_key_files(&self) {
        let Some((dir, prefix)) = self.key_files() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Stops the cluster and removes its directory, and the key files its portals
    /// wrote, once this process has exited.
    fn watch_for_exit(&self) {
        let keys = self
            .key_files()
            .map(|(dir, prefix)| format!("; rm -f '{}'/{prefix}*", dir.display()))
            .unwrap_or_default();
        let stop = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runuser}{pg_ctl} stop -m fast -D {data} >/dev/null 2>&1; rm -rf {dir}{keys}",
            pid = std::process::id(),
            runuser = self
                .run_as
                .as_ref()
                .map(|user| format!("runuser -u {user} -- "))
                .unwrap_or_default(),
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.dir.join("data").display(),
            dir = self.dir.display(),
        );
        let _ = Command::new("sh")
            .args(["-c", &stop])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
        self.remove_key_files();
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// True when CI demands the PostgreSQL half (`LICADM_REQUIRE_PG=1`).
pub fn required() -> bool {
    std::env::var("LICADM_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// The test binary's cluster, started on first use; None (after a loud message) when
/// the machine has no PostgreSQL — a failure instead when `LICADM_REQUIRE_PG=1`.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| match Cluster::start() {
            Ok(cluster) => {
                cluster.watch_for_exit();
                Some(cluster)
            }
            Err(why) => {
                assert!(
                    !required(),
                    "LICADM_REQUIRE_PG=1 but PostgreSQL cannot run here: {why}"
                );
                eprintln!("PostgreSQL cannot run here: {why}");
                None
            }
        })
        .as_ref()
        .or_else(|| {
            eprintln!(
                "\n!!!!!!!! SKIPPED the PostgreSQL half of this test: PostgreSQL cannot run \
                 on this machine (install the `postgresql` package; CI sets \
                 LICADM_REQUIRE_PG=1 and never skips) !!!!!!!!\n"
            );
            None
        })
}
