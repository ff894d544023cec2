//! Start-up failures say plainly what is wrong: a database that cannot be reached, a port that
//! is taken, a configuration that must not be served.

use dev_server::{Database, Gateway, GatewayConfig, StartError};
use throwaway_db::DbOptions;

#[tokio::test]
async fn an_unreachable_database_is_named_without_its_password() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("postgres://postgres:secret@127.0.0.1:{free}/postgres");
    let config = GatewayConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        ..GatewayConfig::default()
    };
    let error = Gateway::start(
        config,
        Database::External {
            admin_url: url.clone(),
            authenticator_url: url,
        },
    )
    .await
    .expect_err("nothing listens there");
    assert!(matches!(error, StartError::Unreachable { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{free}")) && !message.contains("secret"),
        "{message}"
    );
}

#[tokio::test]
async fn a_taken_port_is_reported_plainly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let config = GatewayConfig {
        listen: taken.local_addr().expect("addr"),
        ..GatewayConfig::default()
    };
    let error = Gateway::start(config, Database::Embedded(DbOptions::default()))
        .await
        .expect_err("port taken");
    assert!(matches!(error, StartError::PortTaken(_)), "{error}");
    assert!(error.to_string().contains("already in use"), "{error}");
}

#[tokio::test]
async fn the_demo_secret_is_refused_off_loopback() {
    let config = GatewayConfig {
        listen: "0.0.0.0:0".parse().expect("address"),
        ..GatewayConfig::default()
    };
    let error = Gateway::start(config, Database::Embedded(DbOptions::default()))
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("refusing to listen on 0.0.0.0"),
        "{error}"
    );
}
