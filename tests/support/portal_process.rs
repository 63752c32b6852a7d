//! `licadm serve` as a child process on 127.0.0.1 with a temp SQLite store.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct PortalProcess {
    child: Child,
    pub url: String,
    pub db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl PortalProcess {
    /// Starts a demo portal on a free port and waits until it prints its address.
    pub fn start_demo(extra_args: &[&str]) -> PortalProcess {
        let dir = tempfile::tempdir().expect("temp dir for the portal store");
        let db = dir.path().join("portal.sqlite");
        let mut child = Command::new(super::licadm_bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--demo", "--db"])
            .arg(&db)
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
        PortalProcess {
            child,
            url,
            db,
            _dir: dir,
        }
    }

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
