//! `licadm serve` as a child process on 127.0.0.1 with a temp SQLite store.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct PortalProcess {
    child: Child,
    pub url: String,
    pub db: std::path::PathBuf,
    extra_args: Vec<String>,
    _dir: tempfile::TempDir,
}

impl PortalProcess {
    /// Starts a demo portal on a free port and waits until it prints its address.
    pub fn start_demo(extra_args: &[&str]) -> PortalProcess {
        let dir = tempfile::tempdir().expect("temp dir for the portal store");
        let db = dir.path().join("portal.sqlite");
        let extra_args: Vec<String> = extra_args.iter().map(|a| a.to_string()).collect();
        let (child, url) = spawn_serve(&db, "127.0.0.1:0", &extra_args);
        PortalProcess {
            child,
            url,
            db,
            extra_args,
            _dir: dir,
        }
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

/// `licadm serve` on `listen` (the demo fills a new store), waiting for its address line.
fn spawn_serve(db: &std::path::Path, listen: &str, extra_args: &[String]) -> (Child, String) {
    {
        let mut child = Command::new(super::licadm_bin())
            .args(["serve", "--listen", listen, "--demo", "--db"])
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
