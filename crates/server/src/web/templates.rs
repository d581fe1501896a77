//! Templates (minijinja), compiled into the binary, with a `t(key, **params)` function that
//! reads the page's `lang`.

use crate::i18n::{self, Lang};
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

pub struct Templates {
    env: Environment<'static>,
}

/// Templates shared by all pages; each page module lists its own.
const SHARED: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("error.html", include_str!("../../templates/error.html")),
];

fn all_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    SHARED
        .iter()
        .chain(super::public::TEMPLATES)
        .chain(super::designer::TEMPLATES)
        .chain(super::staff::TEMPLATES)
        .chain(super::admin::TEMPLATES)
        .chain(super::review::TEMPLATES)
        .chain(super::expert::TEMPLATES)
        .chain(super::library::TEMPLATES)
        .chain(super::rubric::TEMPLATES)
}

fn translate(state: &State, key: String, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default();
    let mut params: Vec<(&str, String)> = Vec::new();
    let names: Vec<&str> = kwargs.args().collect();
    for name in names {
        let v: Value = kwargs.get(name)?;
        params.push((name, v.to_string()));
    }
    Ok(i18n::t(lang, &key, &params))
}

impl Templates {
    pub fn load() -> anyhow::Result<Templates> {
        let mut env = Environment::new();
        for (name, source) in all_templates() {
            env.add_template(name, source)
                .map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
        }
        env.add_function("t", translate);
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}
