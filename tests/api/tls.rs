//! `serve --tls-cert/--tls-key` (issue 15, item 6): the portal answers HTTPS with the
//! given certificate, and a plain-HTTP request on that port gets no answer.

use licadm::client::install_tls_provider;
use licadm::portal::{DemoOptions, Portal};
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_answers_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    // A CA and a leaf it signs for 127.0.0.1 (a self-signed leaf is a CA to rustls).
    let script = "set -e
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \\
            -subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \\
            -subj /CN=127.0.0.1 -keyout key.pem -out leaf.csr 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > leaf.ext
        openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \\
            -extfile leaf.ext -out cert.pem 2>/dev/null";
    let made = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output();
    match made {
        Ok(made) if made.status.success() => {}
        other => {
            eprintln!("SKIPPED: openssl could not make a test certificate: {other:?}");
            return;
        }
    }
    install_tls_provider();
    let config = licadm::portal::tls::server_config(&cert, &key).expect("TLS configuration");
    let db = dir.path().join("portal.sqlite");
    let portal = tokio::task::spawn_blocking(move || {
        Portal::open(&db, Some(DemoOptions { activations: 10 }))
    })
    .await
    .expect("task")
    .expect("portal")
    .with_tls(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = tokio::spawn(portal.serve(listener));

    let pem = std::fs::read(dir.path().join("ca.pem")).expect("CA certificate");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("PEM"))
        .build()
        .expect("client");
    let health = client
        .get(format!("https://127.0.0.1:{port}/api/v1/health"))
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(health.status(), 200);
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/health"))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP gets no answer: {plain:?}");
    server.abort();
    // A key that is not the certificate's is refused with the file named.
    let other = licadm::portal::tls::server_config(&cert, &cert).expect_err("not a key");
    assert!(other.to_string().contains("cert.pem"), "{other}");
}
