//! The layering of docs/DESIGN.md §7, checked on the source text: each library module
//! names which crates and which of our modules it must never reach. A unit test, so
//! breaking the rule fails `cargo test` (and so CI) on the spot.

/// (module folder under `src/`, paths it must not mention).
const RULES: &[(&str, &[&str])] = &[
    // Pure rules: no I/O of any kind, none of our other layers.
    (
        "domain",
        &[
            "axum::",
            "reqwest::",
            "rusqlite::",
            "tokio::",
            "ratatui::",
            "crossterm::",
            "crate::client",
            "crate::portal",
            "crate::mirror",
            "crate::console",
            "crate::config",
            "crate::embedded",
        ],
    ),
    // The typed client: HTTP only; usable without the server, the mirror or a terminal.
    (
        "client",
        &[
            "axum::",
            "rusqlite::",
            "ratatui::",
            "crossterm::",
            "crate::portal",
            "crate::mirror",
            "crate::console",
            "crate::config",
            "crate::embedded",
        ],
    ),
    // The server shares only the wire types with the client; its database is reached
    // only through the store interface (`portal/store/`, checked on its own below).
    (
        "portal",
        &[
            "rusqlite::",
            "reqwest::",
            "ratatui::",
            "crossterm::",
            "crate::client::ApiClient",
            "crate::mirror",
            "crate::console",
            "crate::config",
            "crate::embedded",
        ],
    ),
    (
        "mirror",
        &[
            "axum::",
            "ratatui::",
            "crossterm::",
            "crate::console",
            "crate::embedded",
        ],
    ),
    // The console reads through its data seam; it never opens a store itself.
    (
        "console",
        &["axum::", "rusqlite::", "crate::portal", "crate::embedded"],
    ),
];

mod tests {
    use super::RULES;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Code only: a comment may well mention another layer.
    fn without_comments(line: &str) -> &str {
        line.split("//").next().unwrap_or("")
    }

    #[test]
    fn no_module_reaches_a_layer_it_must_not() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut broken = Vec::new();
        for (module, forbidden) in RULES {
            let mut files = Vec::new();
            rust_files(&src.join(module), &mut files);
            // The store's backends are where the database drivers belong.
            let backends = src.join("portal").join("store").join("sqlite");
            files.retain(|f| !f.starts_with(&backends));
            // The portal's one outbound HTTP client: webhook deliveries (DESIGN §4.10).
            let sender = src.join("portal").join("webhook_send.rs");
            assert!(!files.is_empty(), "src/{module} has no .rs files");
            for file in files {
                let text = std::fs::read_to_string(&file).expect("readable source");
                for (n, line) in text.lines().enumerate() {
                    let code = without_comments(line);
                    let allowed = |p: &&&str| file == sender && **p == "reqwest::";
                    for path in forbidden
                        .iter()
                        .filter(|p| code.contains(*p))
                        .filter(|p| !allowed(p))
                    {
                        broken.push(format!("{}:{}: {path}", file.display(), n + 1));
                    }
                }
            }
        }
        assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
    }

    #[test]
    fn the_check_sees_a_violation() {
        // The scanner itself: a forbidden path in code is found, one in a comment is not.
        let code = "use rusqlite::Connection; // crate::portal is fine here";
        assert!(without_comments(code).contains("rusqlite::"));
        assert!(!without_comments(code).contains("crate::portal"));
    }
}
