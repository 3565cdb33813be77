//! External mode against a 3-node nats-server cluster on loopback ports: an R3 stream keeps
//! every acknowledged event when one node is killed (-9) in the middle of the load.

mod support;

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use support::load::{assert_each_once_in_stream, post_concurrently};
use support::*;

const TOKEN: &str = "cluster-test-token";

/// Three nats-servers; killed when dropped.
struct Cluster {
    nodes: Vec<Child>,
    client_ports: Vec<u16>,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        };
        let client_ports: Vec<u16> = (0..3).map(|_| port()).collect();
        let route_ports: Vec<u16> = (0..3).map(|_| port()).collect();
        let nodes = (0..3)
            .map(|i| {
                let routes: Vec<String> = route_ports
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| format!("\"nats-route://127.0.0.1:{p}\""))
                    .collect();
                let config = format!(
                    "server_name: \"n{i}\"\nlisten: \"127.0.0.1:{}\"\n\
                     authorization {{ token: \"{TOKEN}\" }}\n\
                     jetstream {{ store_dir: \"{}\", sync_interval: \"always\", max_file_store: 10737418240 }}\n\
                     cluster {{ name: \"cartographus-test\", listen: \"127.0.0.1:{}\", routes: [{}] }}\n",
                    client_ports[i],
                    dir.path().join(format!("n{i}")).display(),
                    route_ports[i],
                    routes.join(", "),
                );
                let path = dir.path().join(format!("n{i}.conf"));
                std::fs::write(&path, config).unwrap();
                Command::new(nats_server_bin())
                    .arg("-c")
                    .arg(&path)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        Self {
            nodes,
            client_ports,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        self.client_ports
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_r3_stream_loses_nothing_when_a_node_is_killed_during_publishing() {
    let mut cluster = Cluster::start();
    let t = TestEngine::start(ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(cluster.url()),
        nats_token: Some(TOKEN.to_string()),
        nats_stream_replicas: Some(3),
        ..Default::default()
    })
    .await;
    let health = t.engine.handle().health();
    assert!(health.is_ok(), "{health:?}");
    assert!(
        health.parts["nats"].detail.contains("external"),
        "{health:?}"
    );
    let info = stream_info(&t).await;
    assert_eq!(info.config.num_replicas, 3);

    const EVENTS: usize = 300;
    let acked = std::sync::Mutex::new(HashSet::new());
    let load = post_concurrently(&t, EVENTS, &acked);
    let killer = async {
        wait_for("a third of the load", Duration::from_secs(60), || async {
            (acked.lock().unwrap().len() >= EVENTS / 3).then_some(())
        })
        .await;
        cluster.nodes[0].kill().unwrap();
        cluster.nodes[0].wait().unwrap();
    };
    tokio::join!(load, killer);

    let acked = acked.into_inner().unwrap();
    assert_eq!(acked.len(), EVENTS, "every webhook answered 2xx");
    assert_each_once_in_stream(&t, &acked).await;
    t.engine.shutdown().await;
}
