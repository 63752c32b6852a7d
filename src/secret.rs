//! A value that must never reach a log line or a `{:?}`: bearer tokens and the like.
//! The only way to the text is [`Secret::expose`], so every use is visible in review.

use serde::{Deserialize, Serialize};

/// A secret string. `Debug` and `Display` print `***`; equality compares the text.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret itself: only to put it on the wire, hash it or show it once on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Secret {
        Secret(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Secret {
        Secret(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;
    use crate::client::ApiClient;
    use crate::config::{self, Connection, Overrides};
    use crate::console::data::{DataSource, MirrorSource};
    use crate::mirror::Mirror;

    const TOKEN: &str = "lca_0123456789abcdef_must_not_leak";

    fn assert_hidden(what: &str, debug: String) {
        assert!(!debug.contains(TOKEN), "{what} shows the token: {debug}");
        assert!(
            !debug.contains("must_not_leak"),
            "{what} shows part of it: {debug}"
        );
    }

    #[test]
    fn neither_debug_nor_display_shows_the_text() {
        let secret = Secret::from("lca_topsecret");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(secret.expose(), "lca_topsecret");
    }

    /// Every type of ours that holds a bearer token, formatted with `{:?}`.
    #[test]
    fn no_type_holding_a_token_prints_it() {
        let client = ApiClient::new("http://127.0.0.1:9", TOKEN).expect("client");
        assert_hidden("ApiClient", format!("{client:?}"));
        assert_hidden(
            "DataSource::Live",
            format!("{:?}", DataSource::Live(client.clone())),
        );

        let dir = tempfile::tempdir().expect("temp dir");
        let mirror = Mirror::open(&Mirror::path_for(dir.path(), &client)).expect("mirror");
        let source = DataSource::Mirror(MirrorSource {
            client: client.clone(),
            mirror,
        });
        assert_hidden("DataSource::Mirror", format!("{source:?}"));
        assert!(!client.fingerprint().contains(TOKEN));

        let path = dir.path().join("config.toml");
        let text = format!(
            "portal = \"http://a\"\ntoken = \"{TOKEN}\"\n[profiles.p]\nportal = \"http://b\"\ntoken = \"{TOKEN}\"\n"
        );
        std::fs::write(&path, text).expect("write config");
        let file = config::load(&path).expect("config");
        assert_eq!(file.token.as_ref().map(Secret::expose), Some(TOKEN));
        assert_hidden("ConfigFile", format!("{file:?}"));
        assert_hidden("Profile", format!("{:?}", file.profiles["p"]));

        let overrides = Overrides {
            token: Some(Secret::from(TOKEN)),
            ..Overrides::default()
        };
        assert_hidden("Overrides", format!("{overrides:?}"));
        let connection = config::resolve(&overrides, &file).expect("resolves");
        assert!(matches!(&connection, Connection::Remote { token, .. } if token.expose() == TOKEN));
        assert_hidden("Connection", format!("{connection:?}"));
    }
}
