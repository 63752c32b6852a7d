//! `licadm offline request | respond | import` as a user runs them: the real binary,
//! files on disk, a real portal on loopback reached with `--portal/--token`.

use crate::support::portal::TestPortal;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Cli {
    dir: tempfile::TempDir,
    base: String,
    token: String,
    public_key: String,
}

impl Cli {
    async fn new(portal: &TestPortal) -> Cli {
        let public_key = portal
            .admin()
            .signing_key()
            .await
            .expect("signing key")
            .public_key;
        Cli {
            dir: tempfile::tempdir().expect("temp dir"),
            base: portal.base.clone(),
            token: portal.admin_token.clone(),
            public_key,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// Runs licadm off the async runtime (the portal lives on it), never touching the
    /// user's config or data directory.
    async fn run(&self, args: &[&str]) -> Output {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let home = self.dir.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_licadm"))
                .args(&args)
                .env("LICADM_DATA_DIR", home.join("no-data"))
                .env("LICADM_CONFIG", home.join("no-config.toml"))
                // The portal's own texts are compared in Russian, whatever the machine's locale.
                .env("LANG", "ru_RU.UTF-8")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES")
                .env_remove("LICADM_PORTAL")
                .env_remove("LICADM_TOKEN")
                .output()
                .expect("run licadm")
        })
        .await
        .expect("licadm task")
    }

    async fn request(&self, installation: &str, out: &str) -> PathBuf {
        let inst = self.write(
            &format!("{installation}.txt"),
            &format!(
                "# written by the server\nserial: {installation}\nhash: {installation}-9f2c41d0\n"
            ),
        );
        let out_path = self.path(out);
        let o = self
            .run(&[
                "offline",
                "request",
                "--key",
                "db49-a88a-d2d6-50d4-81f1-7b67",
                "--inn",
                "7842175621",
                "--kpp",
                "784201001",
                "--installation",
                s(&inst),
                "--out",
                s(&out_path),
            ])
            .await;
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        out_path
    }

    async fn respond(&self, request: &Path, out: &str) -> Output {
        self.run(&[
            "--portal",
            &self.base,
            "--token",
            &self.token,
            "offline",
            "respond",
            s(request),
            "--out",
            s(&self.path(out)),
        ])
        .await
    }

    async fn import(&self, response: &Path, request: &Path) -> Output {
        self.run(&[
            "offline",
            "import",
            s(response),
            "--request",
            s(request),
            "--key",
            &self.public_key,
        ])
        .await
    }
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn request_respond_import_round_trip_through_files() {
    let portal = TestPortal::start().await;
    let cli = Cli::new(&portal).await;
    let request = cli.request("SRV-GAP-1", "request.txt").await;
    let text = std::fs::read_to_string(&request).expect("request file");
    assert!(text.starts_with("LICADM ACTIVATION REQUEST 1\n"), "{text}");
    assert!(
        text.contains("key: DB49-A88A-D2D6-50D4-81F1-7B67"),
        "{text}"
    );
    assert!(text.is_ascii(), "safe to e-mail or type");

    let o = cli.respond(&request, "response.txt").await;
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let response = cli.path("response.txt");
    let o = cli.import(&response, &request).await;
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.starts_with("INSTALLED: Orange[uc]e")
            && out.contains("30 seats")
            && out.contains("installation SRV-GAP-1"),
        "{out}"
    );
    let installed = cli.path("server-license.lic");
    assert_eq!(
        std::fs::read_to_string(&installed).expect("installed license"),
        std::fs::read_to_string(&response).expect("response")
    );
    // The portal recorded the activation on this installation.
    let facts = portal.facts();
    let key = facts
        .keys
        .iter()
        .find(|k| k.key == "DB49-A88A-D2D6-50D4-81F1-7B67")
        .expect("key");
    assert_eq!(
        key.installation.as_ref().map(|i| i.serial.as_str()),
        Some("SRV-GAP-1")
    );

    // Without --out, request and respond write to stdout.
    let inst = cli.path("SRV-GAP-1.txt");
    let o = cli
        .run(&[
            "offline",
            "request",
            "--key",
            "DB49A88AD2D650D481F17B67",
            "--inn",
            "7842175621",
            "--kpp",
            "784201001",
            "--installation",
            s(&inst),
        ])
        .await;
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("LICADM ACTIVATION REQUEST 1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_truncated_or_foreign_responses_are_refused() {
    let portal = TestPortal::start().await;
    let cli = Cli::new(&portal).await;
    let request = cli.request("SRV-GAP-1", "request.txt").await;
    let o = cli.respond(&request, "response.txt").await;
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let genuine = std::fs::read_to_string(cli.path("response.txt")).expect("response");

    // Tampered: more seats written in by hand.
    let tampered = cli.write("tampered.txt", &genuine.replace("seats: 30", "seats: 300"));
    let o = cli.import(&tampered, &request).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("REFUSED:") && stdout(&o).contains("signature"),
        "{}",
        stdout(&o)
    );
    // Truncated paste.
    let cut = cli.write("cut.txt", &genuine[..genuine.len() - 30]);
    let o = cli.import(&cut, &request).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("REFUSED:"), "{}", stdout(&o));
    // A response for another installation.
    let other = cli.request("SRV-GAP-2", "other-request.txt").await;
    let o = cli.import(&cli.path("response.txt"), &other).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("REFUSED:") && stdout(&o).contains("installation SRV-GAP-1"),
        "{}",
        stdout(&o)
    );
    // Nothing was installed by a refused import.
    assert!(!cli.path("server-license.lic").exists());
    // …and the portal refuses to answer for another installation of an activated key.
    let o = cli.respond(&other, "other-response.txt").await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("REFUSED:") && stdout(&o).contains("другой установке"),
        "{}",
        stdout(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_request_is_refused_by_respond_and_bad_input_is_exit_2() {
    let portal = TestPortal::start().await;
    let cli = Cli::new(&portal).await;
    let request = cli.request("SRV-GAP-3", "request.txt").await;
    let text = std::fs::read_to_string(&request).expect("request");
    let lines: Vec<&str> = text.lines().collect();
    let cut = cli.write("cut.txt", &lines[..lines.len() - 2].join("\n"));
    let o = cli.respond(&cut, "response.txt").await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("REFUSED:") && stdout(&o).contains("truncated or damaged"),
        "{}",
        stdout(&o)
    );
    assert!(!cli.path("response.txt").exists());
    // The same refusal from the portal itself (a client that skips the local check).
    let (status, message) = crate::support::portal::status_message(
        portal
            .admin()
            .offline_response(&lines[..lines.len() - 2].join("\n"))
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("truncated or damaged"), "{message}");

    let inst = cli.path("SRV-GAP-3.txt");
    for (args, expected) in [
        (
            vec![
                "--key",
                "DB49-A88A",
                "--inn",
                "7842175621",
                "--kpp",
                "784201001",
            ],
            "--key",
        ),
        (
            vec![
                "--key",
                "DB49-A88A-D2D6-50D4-81F1-7B67",
                "--inn",
                "7842175622",
                "--kpp",
                "784201001",
            ],
            "check digit",
        ),
        (
            vec![
                "--key",
                "DB49-A88A-D2D6-50D4-81F1-7B67",
                "--inn",
                "7842175621",
            ],
            "--kpp is required",
        ),
    ] {
        let mut all = vec!["offline", "request"];
        all.extend(args);
        all.extend(["--installation", s(&inst)]);
        let o = cli.run(&all).await;
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    }
    let o = cli
        .run(&["offline", "import", "missing.txt", "--request", s(&request)])
        .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}
