//! `licadm serve` as a child process on 127.0.0.1: with a temp SQLite store, or on a
//! given store (`--db postgres://…`: several processes on one database).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct PortalProcess {
    child: Child,
    pub url: String,
    /// The store: a SQLite file, or the PostgreSQL URL of [`PortalProcess::start_on`].
    pub db: std::path::PathBuf,
    extra_args: Vec<String>,
    _dir: Option<tempfile::TempDir>,
}

impl PortalProcess {
    /// Waits until no activation is in progress. The demo's queued activations are days
    /// old, so due at once even with an hour-long worker delay: the worker completes them
    /// right after the portal starts, and a test comparing two reads of the portal (or
    /// its audit log) must not race with it.
    pub fn wait_until_the_queue_is_done(&self) {
        let wait = std::time::Duration::from_secs(20);
        let deadline = std::time::Instant::now() + wait;
        loop {
            let conn = rusqlite::Connection::open_with_flags(
                &self.db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("open the portal's store");
            let queued: i64 = conn
                .query_row(
                    "SELECT count(*) FROM activations WHERE status = 'in_progress'",
                    [],
                    |r| r.get(0),
                )
                .expect("count the queue");
            if queued == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{queued} activations still in progress after {wait:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Starts a demo portal on a free port and waits until it prints its address.
    pub fn start_demo(extra_args: &[&str]) -> PortalProcess {
        let dir = tempfile::tempdir().expect("temp dir for the portal store");
        let db = dir.path().join("portal.sqlite");
        let extra_args: Vec<String> = std::iter::once("--demo")
            .chain(extra_args.iter().copied())
            .map(str::to_string)
            .collect();
        let (child, url) = spawn_serve(&db, "127.0.0.1:0", &extra_args);
        PortalProcess {
            child,
            url,
            db,
            extra_args,
            _dir: Some(dir),
        }
    }

    /// `licadm serve --db DB` on a free port, on a store that exists already (e.g. a
    /// PostgreSQL URL shared by several processes); no demo fill.
    pub fn start_on(db: &str, extra_args: &[&str]) -> PortalProcess {
        let extra_args: Vec<String> = extra_args.iter().map(|a| a.to_string()).collect();
        let db = std::path::PathBuf::from(db);
        let (child, url) = spawn_serve(&db, "127.0.0.1:0", &extra_args);
        PortalProcess {
            child,
            url,
            db,
            extra_args,
            _dir: None,
        }
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `kill -9`: SIGKILL, no shutdown of any kind; waits until the process is gone.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL the portal");
        let status = self.child.wait().expect("reap the portal");
        assert!(!status.success(), "killed, not exited: {status:?}");
    }

    /// Kills the portal process (the link is gone; the store stays).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the portal again on the same address and store, as after an outage.
    pub fn restart(&mut self) {
        self.stop();
        let address = self.url.trim_start_matches("http://").to_string();
        let (child, url) = spawn_serve(&self.db, &address, &self.extra_args);
        assert_eq!(url, self.url, "the portal came back on its address");
        self.child = child;
    }
}

/// `licadm serve` on `listen` (with `--demo` in `extra_args` the demo fills a new
/// store), waiting for its address line.
fn spawn_serve(db: &std::path::Path, listen: &str, extra_args: &[String]) -> (Child, String) {
    {
        let mut child = Command::new(super::licadm_bin())
            .args(["serve", "--listen", listen, "--db"])
            .arg(db)
            .args(extra_args)
            .env("LICADM_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn licadm serve");
        let stdout = child.stdout.take().expect("portal stdout");
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("read the portal's address line");
        let url = first_line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("portal did not print its address, got {first_line:?}"))
            .to_string();
        (child, url)
    }
}

impl PortalProcess {
    /// `licadm token create` against this portal's store.
    pub fn token(&self, role: &str, organizations: &[i64]) -> String {
        let mut cmd = Command::new(super::licadm_bin());
        cmd.args(["token", "create", "--role", role, "--db"])
            .arg(&self.db);
        for org in organizations {
            cmd.args(["--organization", &org.to_string()]);
        }
        let out = cmd.output().expect("run licadm token create");
        assert!(
            out.status.success(),
            "token create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("token is UTF-8")
            .trim()
            .to_string()
    }
}

impl Drop for PortalProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
