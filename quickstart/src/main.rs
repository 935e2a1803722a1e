//! `plaid-quickstart`: reads the environment, starts the backend, serves until Ctrl-C.

use std::process::ExitCode;

use plaid_quickstart::settings::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_environment() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let listen = settings.listen;
    let products = settings.products.join(",");
    let state = match plaid_quickstart::start(settings).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {listen}: {e} (set APP_PORT to another port)");
            return ExitCode::from(2);
        }
    };
    let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| listen.to_string());
    println!("plaid-quickstart: {}", plaid_quickstart::describe(&state));
    println!("plaid-quickstart: products {products}; SDK spec {}", plaid_sdk::SPEC_VERSION);
    println!("plaid-quickstart: listening on http://{address}/ (Ctrl-C stops)");
    let app = plaid_quickstart::routes::router(state);
    // Also on IPv6 loopback when it is there: Plaid's React frontend proxies to `localhost`,
    // which Node may resolve to ::1 first.
    if let Ok(v6) = tokio::net::TcpListener::bind(std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, listen.port()))).await {
        let app = app.clone();
        tokio::spawn(async move { axum::serve(v6, app).await });
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
