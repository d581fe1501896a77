//! Templates (minijinja), compiled into the binary, with a `t(key, **params)` function that
//! reads the page's `lang`.

use crate::i18n::{self, Lang};
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

pub struct Templates {
    env: Environment<'static>,
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] =
    embedded!("layout.html", "macros.html", "error.html", "home.html",);

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
        for (name, source) in TEMPLATES {
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
