//! Console themes: every built-in theme loads, `16-color` keeps to the 16 ANSI colors,
//! broken themes are reported with file, line and key, and a user theme directory
//! overrides and extends the built-ins.

use licadm::console::theme::{ANSI16, BUILTIN, Theme, ThemeError};
use ratatui::style::{Color, Modifier};

#[test]
fn every_builtin_theme_loads() {
    let names = Theme::builtin_names();
    for required in ["dark", "light", "high-contrast", "16-color", "mono"] {
        assert!(
            names.contains(&required),
            "missing built-in theme {required}"
        );
    }
    for (name, _) in BUILTIN {
        Theme::load(name, None).unwrap_or_else(|e| panic!("theme {name}: {e}"));
    }
    assert_ne!(Theme::load("light", None).unwrap(), Theme::dark());
}

#[test]
fn mono_theme_is_the_monochrome_theme_and_has_no_colors() {
    let mono = Theme::load("mono", None).unwrap();
    assert_eq!(mono, Theme::monochrome());
    for style in [
        mono.base,
        mono.header,
        mono.selection,
        mono.border,
        mono.status_done,
        mono.status_in_progress,
        mono.status_error,
        mono.urgency_expired,
        mono.urgency_under30,
        mono.urgency_under90,
        mono.urgency_later,
        mono.muted,
        mono.error,
        mono.accent,
        mono.input,
    ] {
        assert_eq!((style.fg, style.bg), (None, None));
    }
}

#[test]
fn sixteen_color_theme_uses_only_the_16_ansi_names() {
    let text = BUILTIN.iter().find(|(n, _)| *n == "16-color").unwrap().1;
    let table: toml::Table = text.parse().unwrap();
    assert!(!table.is_empty());
    for (key, value) in &table {
        let value = value.as_str().expect("string value");
        for word in value.split_whitespace() {
            let modifier = ["bold", "dim", "italic", "underlined", "reversed"].contains(&word);
            assert!(
                modifier || ANSI16.contains(&word),
                "16-color.toml: {key} = {value:?} is not one of the 16 ANSI colors"
            );
        }
    }
    let theme = Theme::load("16-color", None).unwrap();
    for style in [
        theme.header,
        theme.selection,
        theme.status_done,
        theme.error,
    ] {
        assert!(
            !matches!(style.fg, Some(Color::Rgb(..) | Color::Indexed(_))),
            "{style:?}"
        );
    }
}

const DARK: &str = include_str!("../../themes/dark.toml");

#[test]
fn bad_color_names_file_line_and_key() {
    let text = DARK.replace("selection = \"light-blue\"", "selection = \"purpel\"");
    let line = text
        .lines()
        .position(|l| l.starts_with("selection"))
        .unwrap()
        + 1;
    let err = Theme::from_toml_named("themes/light.toml", &text).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("themes/light.toml:{line}: key \"selection\": unknown color \"purpel\"")
    );
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = DARK.replace("muted = ", "mutted = ");
    let line = text.lines().position(|l| l.starts_with("mutted")).unwrap() + 1;
    let err = Theme::from_toml_named("my.toml", &text).unwrap_err();
    assert!(
        matches!(&err, ThemeError::Key { file, line: l, key, .. }
            if file == "my.toml" && *l == line && key == "mutted"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("my.toml:{line}: key \"mutted\""))
    );
}

#[test]
fn missing_key_and_bad_toml_are_reported() {
    let text: String = DARK
        .lines()
        .filter(|l| !l.starts_with("accent"))
        .collect::<Vec<_>>()
        .join("\n");
    let err = Theme::from_toml_named("t.toml", &text).unwrap_err();
    assert!(
        matches!(&err, ThemeError::Key { key, .. } if key == "accent"),
        "{err}"
    );
    let err = Theme::from_toml_named("t.toml", "header = \n").unwrap_err();
    assert!(err.to_string().starts_with("t.toml:1:"), "{err}");
}

#[test]
fn user_directory_overrides_and_extends_builtins_and_errors_fall_back() {
    let dir = tempfile::tempdir().unwrap();
    let mine = DARK.replace("header = \"light-cyan\"", "header = \"#123456 italic\"");
    std::fs::write(dir.path().join("mine.toml"), &mine).unwrap();
    std::fs::write(dir.path().join("light.toml"), &mine).unwrap();
    let broken = DARK.replace("border = \"dark-gray\"", "border = \"grey-ish\"");
    std::fs::write(dir.path().join("broken.toml"), &broken).unwrap();

    let theme = Theme::load("mine", Some(dir.path())).unwrap();
    assert_eq!(theme.header.fg, Some(Color::Rgb(0x12, 0x34, 0x56)));
    assert!(theme.header.add_modifier.contains(Modifier::ITALIC));
    // The user's light.toml wins over the built-in one.
    assert_eq!(
        Theme::load("light", Some(dir.path())).unwrap().header.fg,
        Some(Color::Rgb(0x12, 0x34, 0x56))
    );
    // Built-ins still there when the user has no such file.
    assert!(Theme::load("high-contrast", Some(dir.path())).is_ok());

    let (theme, err) = Theme::resolve(Some("broken"), false, Some(dir.path()));
    assert_eq!(theme, Theme::dark());
    let err = err.expect("broken theme reported").to_string();
    let expected_file = dir.path().join("broken.toml").display().to_string();
    assert!(
        err.starts_with(&format!("{expected_file}:")) && err.contains("key \"border\""),
        "{err}"
    );
    let (theme, err) = Theme::resolve(Some("nosuch"), false, Some(dir.path()));
    assert_eq!(theme, Theme::dark());
    assert!(matches!(err, Some(ThemeError::Unknown { .. })));
    // NO_COLOR wins over any requested theme.
    let (theme, err) = Theme::resolve(Some("mine"), true, Some(dir.path()));
    assert_eq!((theme, err.is_none()), (Theme::monochrome(), true));
    assert_eq!(Theme::resolve(None, false, None).0, Theme::dark());
}
