//! Building and running the server: the seam tests use (`build`, `local_addr`,
//! `run_until_stopped`), in the manner of zero2prod's `Application`.

use crate::config::Config;
use crate::crypto::PiiCipher;
use crate::files::LocalDisk;
use crate::state::{now_millis, AppState, Inner};
use crate::web::templates::Templates;
use crate::{api, middleware, web};
use anyhow::Context;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

/// Opens the database (migrating it), the cipher and the file store for a configuration.
pub async fn open_state(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    let cipher = match &config.encryption_key {
        Some(key) => {
            use secrecy::ExposeSecret;
            let key = crate::crypto::decode_key(key.expose_secret()).map_err(anyhow::Error::msg)?;
            PiiCipher::new(&key)
        }
        None => PiiCipher::from_key_file(&config.data_dir)?,
    };
    let store = talentlib_store::Store::connect(&config.database_url)
        .await
        .context("cannot open the database (check --database-url or --data)")?;
    let files = Arc::new(LocalDisk::new(&config.data_dir));
    Ok(AppState(Arc::new(Inner {
        store,
        cipher,
        files,
        templates: Templates::load()?,
        config,
        sessions: Default::default(),
        library_counts: crate::memo::TtlMemo::new(crate::service::library::COUNT_TTL, 1_000),
        term_sizes: crate::memo::TtlMemo::new(crate::service::library::TERM_SIZE_TTL, 10_000),
        rubric_view: crate::memo::TtlMemo::new(std::time::Duration::from_secs(5), 1),
        application_views: crate::memo::TtlMemo::new(
            crate::service::applications::VIEW_TTL,
            crate::service::applications::VIEW_CAPACITY,
        ),
    })))
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let api = api::router().layer(axum::middleware::from_fn(middleware::api_errors));
    let mut app = Router::new().nest("/api/v1", api).merge(web::router());
    for (name, value) in middleware::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(axum::middleware::from_fn(middleware::language))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let route = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("");
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                tracing::info_span!("request", method = %req.method(), route, request_id = id, user_id = tracing::field::Empty)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

impl Application {
    /// Opens everything and binds the listener (port 0 picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let addr = config.addr;
        let state = open_state(config).await?;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        Ok(Application { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.state.clone()));
        let worker = tokio::spawn(crate::jobs::worker(self.state.clone()));
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        housekeeping.abort();
        worker.abort();
        result
    }
}

/// Removes expired sessions every hour.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) =
            talentlib_store::accounts::delete_expired_sessions(state.store.db(), now_millis()).await
        {
            tracing::warn!(error = %e, "session clean-up failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
