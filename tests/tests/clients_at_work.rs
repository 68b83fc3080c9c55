//! Several real clients (the `redis` crate) working at once, as applications use
//! blocking lists and Pub/Sub: a job queue moves 100k jobs with none lost or duplicated,
//! and subscribers (two on the channel, one on a pattern) see every message in order.

use std::collections::HashSet;
use std::time::Duration;

use cedis_tests::TestServer;

fn client(server: &TestServer) -> redis::Connection {
    let url = format!("redis://127.0.0.1:{}/", server.port());
    redis::Client::open(url)
        .and_then(|c| c.get_connection())
        .expect("connect")
}

#[test]
fn a_job_queue_moves_100k_jobs_exactly_once() {
    const PRODUCERS: usize = 2;
    const WORKERS: usize = 4;
    const JOBS_EACH: usize = 50_000;
    let server = TestServer::start();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let mut con = client(&server);
            std::thread::spawn(move || {
                let mut done = Vec::new();
                // Until this worker takes a stop marker (queued after every job).
                loop {
                    let job: Option<(String, String)> = redis::cmd("BRPOP")
                        .arg("jobs")
                        .arg(1)
                        .query(&mut con)
                        .expect("BRPOP");
                    match job {
                        Some((_, job)) if job == "stop" => return done,
                        Some((_, job)) => done.push(job),
                        None => {}
                    }
                }
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let mut con = client(&server);
            std::thread::spawn(move || {
                for chunk in (0..JOBS_EACH).collect::<Vec<_>>().chunks(100) {
                    let mut cmd = redis::cmd("LPUSH");
                    cmd.arg("jobs");
                    for i in chunk {
                        cmd.arg(format!("job-{p}-{i}"));
                    }
                    let _: i64 = cmd.query(&mut con).expect("LPUSH");
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().expect("producer");
    }
    // One stop marker per worker, queued after every job (LPUSH adds at the head, BRPOP
    // takes from the tail).
    let mut con = client(&server);
    for _ in 0..WORKERS {
        let _: i64 = redis::cmd("LPUSH")
            .arg("jobs")
            .arg("stop")
            .query(&mut con)
            .expect("LPUSH stop");
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for worker in workers {
        for job in worker.join().expect("worker") {
            total += 1;
            assert!(seen.insert(job.clone()), "{job} was taken twice");
        }
    }
    assert_eq!(total, PRODUCERS * JOBS_EACH);
    assert_eq!(seen.len(), PRODUCERS * JOBS_EACH);
    let left: i64 = redis::cmd("LLEN")
        .arg("jobs")
        .query(&mut con)
        .expect("LLEN");
    assert_eq!(left, 0);
}

#[test]
fn subscribers_see_every_message_in_order() {
    const MESSAGES: usize = 5_000;
    let server = TestServer::start();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let listeners: Vec<_> = [
        ("SUBSCRIBE", "news"),
        ("SUBSCRIBE", "news"),
        ("PSUBSCRIBE", "ne*"),
    ]
    .into_iter()
    .map(|(how, what)| {
        let mut con = client(&server);
        let ready = ready_tx.clone();
        std::thread::spawn(move || {
            con.set_read_timeout(Some(Duration::from_secs(20)))
                .expect("timeout");
            let mut pubsub = con.as_pubsub();
            if how == "SUBSCRIBE" {
                pubsub.subscribe(what).expect("subscribe");
            } else {
                pubsub.psubscribe(what).expect("psubscribe");
            }
            ready.send(()).expect("ready");
            let mut got = Vec::with_capacity(MESSAGES);
            while got.len() < MESSAGES {
                let msg = pubsub.get_message().expect("message");
                assert_eq!(msg.get_channel_name(), "news");
                got.push(msg.get_payload::<String>().expect("payload"));
            }
            got
        })
    })
    .collect();
    for _ in 0..listeners.len() {
        ready_rx.recv().expect("listener ready");
    }
    let mut publisher = client(&server);
    for i in 0..MESSAGES {
        let receivers: i64 = redis::cmd("PUBLISH")
            .arg("news")
            .arg(format!("m{i}"))
            .query(&mut publisher)
            .expect("PUBLISH");
        assert_eq!(receivers, 3);
    }
    let expected: Vec<String> = (0..MESSAGES).map(|i| format!("m{i}")).collect();
    for listener in listeners {
        assert_eq!(listener.join().expect("listener"), expected);
    }
}
