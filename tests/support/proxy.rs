//! A TCP proxy for fault injection: forwards to the portal and cuts every connection
//! once the portal has sent `budget` bytes in total — a link that drops mid-response.
// benches/mirror.rs loads this file on its own as well as through `support`; until it
// uses `support::proxy`, the second load is expected.
#![allow(clippy::duplicate_mod)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct CuttingProxy {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    budget: Arc<AtomicI64>,
    /// Bytes the portal sent through the proxy (what reached the client).
    pub delivered: Arc<AtomicI64>,
    /// Bytes the client sent (requests).
    pub requested: Arc<AtomicI64>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttingProxy {
    /// Forwards to `upstream` (`127.0.0.1:PORT`); responses stop after `budget` bytes.
    pub async fn start(upstream: String, budget: i64) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let budget = Arc::new(AtomicI64::new(budget));
        let delivered = Arc::new(AtomicI64::new(0));
        let requested = Arc::new(AtomicI64::new(0));
        let (b, d, r) = (budget.clone(), delivered.clone(), requested.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pipe(client, server, b.clone(), d.clone(), r.clone()));
            }
        });
        CuttingProxy {
            url,
            budget,
            delivered,
            requested,
            task,
        }
    }

    /// Lets everything through from now on.
    pub fn heal(&self) {
        self.budget.store(i64::MAX, Ordering::SeqCst);
    }

    /// Bytes both ways so far.
    pub fn bytes(&self) -> (i64, i64) {
        (
            self.requested.load(Ordering::SeqCst),
            self.delivered.load(Ordering::SeqCst),
        )
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    budget: Arc<AtomicI64>,
    delivered: Arc<AtomicI64>,
    requested: Arc<AtomicI64>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 8192];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            requested.fetch_add(n as i64, Ordering::SeqCst);
            if server_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    });
    let mut buf = vec![0u8; 8192];
    loop {
        let n = match server_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let left = budget.fetch_sub(n as i64, Ordering::SeqCst);
        let allowed = left.clamp(0, n as i64) as usize;
        if allowed > 0 && client_write.write_all(&buf[..allowed]).await.is_err() {
            break;
        }
        delivered.fetch_add(allowed as i64, Ordering::SeqCst);
        if allowed < n {
            // The link drops: mid-response, without a proper end.
            break;
        }
    }
    upstream.abort();
    let _ = client_write.shutdown().await;
}
