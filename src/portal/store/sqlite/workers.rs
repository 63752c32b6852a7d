//! The threads that run SQLite work for async callers: a fixed set of long-lived
//! threads, each taking the next job from one queue as soon as it is free.
//!
//! Why not a semaphore in front of `spawn_blocking`: under many clients the async
//! workers are busy with sockets, and a request that was granted a connection waited
//! in their run queue before it could hand its work to a blocking thread, while the
//! connection sat idle — first-page throughput fell from 7 400 req/s at 8 clients to
//! 5 800 at 64 (docs/BENCHMARKS.md). Here a job is queued when the request arrives and
//! a free thread starts it at once; only the answer travels back through the runtime.

use super::StoreError;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

type Job = Box<dyn FnOnce() + Send>;

pub(super) struct Workers {
    queue: Mutex<Queue>,
    ready: Condvar,
    /// Most threads, one per pooled connection.
    size: usize,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    threads: usize,
    idle: usize,
    closed: bool,
}

impl Workers {
    pub(super) fn new(size: usize) -> Arc<Workers> {
        Arc::new(Workers {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            size: size.max(1),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A job runs outside the lock, so a panic cannot leave the queue half-changed.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `job`; a thread is started (up to `size`) when none is idle, so a store
    /// that only ever runs work on its caller's thread (the CLI) starts none.
    pub(super) fn submit(self: &Arc<Self>, job: Job) -> Result<(), StoreError> {
        let mut queue = self.lock();
        if queue.closed {
            return Err(StoreError::Task("the store is closed".into()));
        }
        queue.jobs.push_back(job);
        if queue.idle == 0 && queue.threads < self.size {
            let workers = Arc::clone(self);
            let spawned = std::thread::Builder::new()
                .name("licadm-sqlite".into())
                .spawn(move || workers.serve());
            match spawned {
                Ok(_) => queue.threads += 1,
                // No thread now: the job waits for a running one, or fails below.
                Err(e) if queue.threads == 0 => {
                    queue.jobs.pop_back();
                    return Err(StoreError::Task(format!(
                        "cannot start a store thread: {e}"
                    )));
                }
                Err(_) => {}
            }
        }
        drop(queue);
        self.ready.notify_one();
        Ok(())
    }

    fn serve(self: Arc<Self>) {
        loop {
            let job = {
                let mut queue = self.lock();
                loop {
                    if let Some(job) = queue.jobs.pop_front() {
                        break job;
                    }
                    if queue.closed {
                        queue.threads -= 1;
                        return;
                    }
                    queue.idle += 1;
                    queue = self.ready.wait(queue).unwrap_or_else(|p| p.into_inner());
                    queue.idle -= 1;
                }
            };
            // A panicking job drops its answer's sender (the caller gets an error);
            // the thread goes on serving.
            let _ = catch_unwind(AssertUnwindSafe(job));
        }
    }

    /// Whether `jobs` more jobs would each start at once: nothing queued, and that many
    /// threads idle or still to be started.
    pub(super) fn has_room_for(&self, jobs: usize) -> bool {
        let queue = self.lock();
        !queue.closed
            && queue.jobs.is_empty()
            && queue.idle + self.size.saturating_sub(queue.threads) >= jobs
    }

    /// Lets the threads finish the queued jobs and exit.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn jobs_run_on_at_most_size_threads_and_a_panic_does_not_stop_them() {
        let workers = Workers::new(2);
        let (done, finished) = mpsc::channel();
        for i in 0..20 {
            let done = done.clone();
            workers
                .submit(Box::new(move || {
                    if i == 3 {
                        panic!("job 3 fails");
                    }
                    let _ = done.send((i, std::thread::current().id()));
                }))
                .expect("queued");
        }
        drop(done);
        let results: Vec<_> = finished.iter().collect();
        assert_eq!(
            results.len(),
            19,
            "every job but the panicking one answered"
        );
        let threads: std::collections::HashSet<_> = results.iter().map(|(_, t)| *t).collect();
        assert!(threads.len() <= 2, "{} threads", threads.len());
        assert!(workers.lock().threads <= 2);
        workers.close();
        assert!(workers.submit(Box::new(|| {})).is_err(), "closed");
    }

    #[test]
    fn room_counts_idle_threads_and_threads_not_started() {
        let workers = Workers::new(2);
        assert!(workers.has_room_for(2), "no thread started yet");
        assert!(!workers.has_room_for(3));
        // One job holds a thread until told to finish.
        let (finish, wait) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel();
        workers
            .submit(Box::new(move || {
                let _ = started.send(());
                let _ = wait.recv();
            }))
            .expect("queued");
        running.recv().expect("the job started");
        assert!(workers.has_room_for(1));
        assert!(!workers.has_room_for(2), "one of two threads is busy");
        drop(finish);
        workers.close();
        assert!(!workers.has_room_for(1), "closed");
    }
}
