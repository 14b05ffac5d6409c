//! The preview's HTTP side: files from the in-memory site, the live-reload
//! WebSocket, and nothing else. Requests never reach the disk.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use tokio::sync::watch;

use super::state::{Snapshot, Status, VERSION_MARK};

/// The path of the live-reload socket.
pub const SOCKET_PATH: &str = "/__readout/ws";
/// The longest request path served.
const MAX_PATH: usize = 2048;

/// What the HTTP handlers share.
#[derive(Clone)]
pub struct App {
    pub site: watch::Receiver<Arc<Snapshot>>,
    pub status: watch::Receiver<Status>,
    pub shutdown: watch::Receiver<bool>,
    /// Every page served in this session, to tell "renamed or deleted" from "never was".
    pub served: Arc<Mutex<HashSet<String>>>,
}

pub fn router(app: App) -> Router {
    Router::new().route(SOCKET_PATH, any(socket)).fallback(file).with_state(app)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The file a request path names, or why it cannot be served.
pub fn resolve(raw: &str) -> Result<String, StatusCode> {
    if raw.len() > MAX_PATH {
        return Err(StatusCode::URI_TOO_LONG);
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().map_err(|_| StatusCode::BAD_REQUEST)?;
    if !decoded.starts_with('/') || decoded.contains(['\0', '\\']) {
        return Err(StatusCode::BAD_REQUEST);
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|seg| seg == ".." || seg == ".") || rel.starts_with('/') || rel.contains("//") {
        return Err(StatusCode::BAD_REQUEST);
    }
    Ok(crate::urls::output_path(rel))
}

async fn file(State(app): State<App>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let path = match resolve(request.uri().path()) {
        Ok(p) => p,
        Err(StatusCode::URI_TOO_LONG) => return plain(StatusCode::URI_TOO_LONG, "path too long\n"),
        Err(status) => return plain(status, "bad path\n"),
    };
    let gzip = accepts_gzip(request.headers());
    let site = index_ready(&app, &path).await;
    let version = app.status.borrow().version;
    let head = method == Method::HEAD;
    match find(&site, &path).await {
        Some(Ok(f)) => {
            if let Some(card) = f.card.clone() {
                return match tokio::task::spawn_blocking(move || card.png()).await {
                    Ok(Ok(png)) => send(StatusCode::OK, f.content_type, png, head),
                    Ok(Err(e)) => {
                        send(StatusCode::INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", Bytes::from(e), head)
                    }
                    Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "drawing the card failed\n"),
                };
            }
            if f.gzipped {
                return send_held(&f, gzip, head);
            }
            if path.ends_with(".html") {
                app.served.lock().map(|mut s| s.insert(path.clone())).ok();
            }
            return send(StatusCode::OK, f.content_type, versioned(&f.bytes, f.content_type, version), head);
        }
        Some(Err(error)) => {
            let body = Bytes::from(format!("this page could not be rendered:\n\n{error}"));
            return send(StatusCode::INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", body, head);
        }
        None => {}
    }
    // `/actors/x` → `/actors/x/`, so that relative links resolve.
    if !path.ends_with(".html") && site.has(crate::urls::output_path(&format!("{path}/")).as_str()) {
        let mut r = plain(StatusCode::PERMANENT_REDIRECT, "");
        let location = format!("/{path}/");
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    let was_served = app.served.lock().map(|s| s.contains(&path)).unwrap_or(false);
    let not_found = crate::urls::output_path(crate::render::routes::NOT_FOUND_URL);
    let no_site = site.files.is_empty() && !site.has(&not_found);
    let body = if was_served || no_site {
        Bytes::from(gone_page(&path, no_site))
    } else {
        match find(&site, &not_found).await {
            Some(Ok(f)) => f.bytes,
            _ => Bytes::from(gone_page(&path, false)),
        }
    };
    send(StatusCode::NOT_FOUND, "text/html; charset=utf-8", versioned(&body, "text/html", version), head)
}

/// The file at `path` of `site`, rendered off the async threads if it is
/// a page not rendered yet.
async fn find(site: &Arc<Snapshot>, path: &str) -> Option<Result<super::state::File, String>> {
    if let Some(file) = site.files.get(path) {
        return Some(Ok(file.clone()));
    }
    if !site.has(path) {
        return None;
    }
    let (site, path) = (Arc::clone(site), path.to_string());
    tokio::task::spawn_blocking(move || site.file(&path)).await.unwrap_or_else(|panic| {
        Some(Err(format!("rendering it crashed: {panic} (this is a bug in readout; please report it)")))
    })
}

/// The site to answer from: for a file of the search index, once the
/// index that goes with the pages served is made (`index.rs`; at most
/// a minute's wait), so that a search finds what was just saved.
async fn index_ready(app: &App, path: &str) -> Arc<Snapshot> {
    let site = app.site.borrow().clone();
    if !site.index_waiting || !crate::search::is_index_path(path) {
        return site;
    }
    let mut site_rx = app.site.clone();
    let ready = site_rx.wait_for(|s| !s.index_waiting);
    match tokio::time::timeout(std::time::Duration::from_secs(60), ready).await {
        Ok(Ok(site)) => site.clone(),
        _ => app.site.borrow().clone(),
    }
}

/// Puts the site's version into the reload script of an HTML page.
fn versioned(bytes: &Bytes, content_type: &str, version: u64) -> Bytes {
    if !content_type.starts_with("text/html") {
        return bytes.clone();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains(VERSION_MARK) => Bytes::from(text.replacen(VERSION_MARK, &version.to_string(), 1)),
        _ => bytes.clone(),
    }
}

/// Whether a request's `Accept-Encoding` takes gzip (by name or as `*`,
/// with a weight above 0).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    let taken = |coding: &str| {
        let mut parts = coding.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let weight = parts.find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")));
        let weighted = weight.is_none_or(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && weighted
    };
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(taken)
}

/// A file held gzip-compressed: sent so to a client that takes gzip, else
/// decompressed. Either way the client reads the bytes `build` writes.
fn send_held(f: &super::state::File, gzip: bool, head: bool) -> Response {
    let bytes = if gzip { Ok(f.bytes.clone()) } else { f.plain() };
    let Ok(bytes) = bytes else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "a file of the search index is damaged in memory\n");
    };
    let mut r = send(StatusCode::OK, f.content_type, bytes, head);
    let h = r.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    r
}

fn send(status: StatusCode, content_type: &'static str, bytes: Bytes, head: bool) -> Response {
    let len = bytes.len();
    let body = if head { Body::empty() } else { Body::from(bytes) };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    r
}

/// The page for a note that was renamed or deleted while the preview ran
/// (or for any page while the first build has errors).
fn gone_page(path: &str, no_site: bool) -> String {
    let mut shown = String::new();
    crate::render::markdown::escape_into(&mut shown, path);
    let (title, text) = if no_site {
        (
            "The site has errors",
            "The site could not be built yet; the errors are listed below. Fix them and this page reloads by itself.",
        )
    } else {
        ("This page is gone", "Its note was renamed or deleted while you were writing.")
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
         <h1>{title}</h1><p>{text}</p><p>There is no page at <code>/{shown}</code> now.</p>\
         <p><a href=\"/\">Go to the home page</a></p><script>{}</script></body></html>",
        super::RELOAD_SCRIPT
    )
}

async fn socket(State(app): State<App>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(4096).max_frame_size(4096).on_upgrade(move |ws| talk(ws, app))
}

/// Tells one page about every new version or error, until it goes away
/// or the server stops.
async fn talk(mut ws: WebSocket, mut app: App) {
    let mut seen: Option<u64> = None;
    loop {
        let message = {
            let status = app.status.borrow_and_update();
            let m = status.message(seen);
            seen = Some(status.version);
            m
        };
        if message["kind"] != "ok" && ws.send(Message::Text(message.to_string().into())).await.is_err() {
            return;
        }
        // Wait for the next change; pages only listen, so what they send is dropped.
        loop {
            tokio::select! {
                changed = app.status.changed() => {
                    if changed.is_err() {
                        let _ = ws.send(Message::Close(None)).await;
                        return;
                    }
                    break;
                }
                incoming = ws.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                },
                _ = app.shutdown.changed() => {
                    let _ = ws.send(Message::Close(None)).await;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_files_in_the_site() {
        assert_eq!(resolve("/"), Ok("index.html".into()));
        assert_eq!(resolve("/actors/marco-rubio/"), Ok("actors/marco-rubio/index.html".into()));
        assert_eq!(resolve("/style.css"), Ok("style.css".into()));
        assert_eq!(resolve("/actors/s%20x/"), Ok("actors/s x/index.html".into()));
    }

    #[test]
    fn hostile_paths_are_refused() {
        for path in [
            "/../etc/passwd",
            "/actors/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%5c..%5cwindows",
            "/a\\b",
            "/a%00b",
            "//etc/passwd",
            "/./index.html",
            "/%ff",
        ] {
            assert!(resolve(path).is_err(), "{path}");
        }
        assert_eq!(resolve(&format!("/{}", "a".repeat(3000))), Err(StatusCode::URI_TOO_LONG));
    }
}
