//! Demo data for `talentlib demo`: a batch, designers at every stage (a half-filled draft, a
//! returned application, several submitted ones), and one account for each staff role. Everything
//! goes through the service layer, so the demo obeys the same rules as real use. Idempotent:
//! a second run finds the demo admin and only prints the logins.

use crate::auth::{AuthVia, CurrentUser};
use crate::files::Stager;
use crate::service::accounts::{self, NewStaff, Registration};
use crate::service::review::{self, ReviewInput};
use crate::service::{applications, attachments, batches, Actor};
use crate::state::AppState;
use anyhow::Context;
use serde_json::{json, Value};
use talentlib_domain::identity::check_char;
use talentlib_domain::review::Decision;
use talentlib_store::accounts::Account;

const PASSWORD: &str = "talentlib-demo";
const ADMIN: &str = "admin@demo.talentlib.cn";

fn actor(a: &Account) -> Actor {
    Actor {
        user: CurrentUser {
            id: a.id,
            email: a.email.clone(),
            name: a.name.clone(),
            roles: a.roles.clone(),
            district_code: a.district_code.clone(),
            employer: a.employer.clone(),
            via: AuthVia::Bearer,
        },
        ip: "demo".into(),
    }
}

/// A made-up resident ID number with a correct check character.
fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()).unwrap_or('0'))
}

/// A one-page PDF, so evidence links open something real.
/// The certificate used for seeded evidence records.
pub fn sample_certificate() -> Vec<u8> {
    certificate_pdf("sample")
}

fn certificate_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(char::is_ascii_alphanumeric).collect();
    let stream = format!("BT /F1 24 Tf 72 720 Td (Certificate {text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

async fn attach(
    st: &AppState,
    who: &Actor,
    app: talentlib_domain::ids::ApplicationId,
    item: &Value,
    name: &str,
) -> anyhow::Result<()> {
    let item_id = item["id"].as_str().and_then(|s| s.parse().ok());
    let mut stager = Stager::new(&st.files.staging_dir(), st.config.max_upload_bytes).await?;
    stager.push(&certificate_pdf(name)).await?;
    let staged = stager.finish().await?;
    attachments::save_upload(st, who, app, item_id, &format!("{name}.pdf"), staged)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Saves the form and attaches a certificate to every item.
async fn fill(
    st: &AppState,
    who: &Actor,
    app: talentlib_domain::ids::ApplicationId,
    form: Value,
    evidence: bool,
) -> anyhow::Result<()> {
    let view = applications::save(st, who, app, &form)
        .await
        .map_err(|e| anyhow::anyhow!("save: {e}"))?;
    if evidence {
        let saved = serde_json::to_value(&view.form)?;
        for section in [
            "education",
            "titles",
            "awards",
            "articles",
            "ip_rights",
            "honors",
            "projects",
        ] {
            for (i, item) in saved[section]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                attach(st, who, app, item, &format!("{section}-{}", i + 1)).await?;
            }
        }
        if saved["compensation"].is_object() {
            attach(st, who, app, &saved["compensation"], "compensation").await?;
        }
    }
    Ok(())
}

struct DemoDesigner {
    email: &'static str,
    name: &'static str,
    gender: &'static str,
    id17: &'static str,
    district: &'static str,
    employer: &'static str,
    major: &'static str,
    award: &'static str,
}

const DESIGNERS: [DemoDesigner; 6] = [
    DemoDesigner {
        email: "liming@demo.talentlib.cn",
        name: "李明远",
        gender: "male",
        id17: "50010319880512123",
        district: "500103",
        employer: "重庆长安汽车股份有限公司",
        major: "080205",
        award: "德国红点设计奖",
    },
    DemoDesigner {
        email: "wangxue@demo.talentlib.cn",
        name: "王雪",
        gender: "female",
        id17: "50011219900305102",
        district: "500112",
        employer: "重庆工业设计促进中心",
        major: "130504",
        award: "中国优秀工业设计奖",
    },
    DemoDesigner {
        email: "zhaolei@demo.talentlib.cn",
        name: "赵磊",
        gender: "male",
        id17: "50010719850918101",
        district: "500107",
        employer: "重庆大学",
        major: "080205",
        award: "“智博杯”中国(重庆)工业设计大赛",
    },
    DemoDesigner {
        email: "chenjing@demo.talentlib.cn",
        name: "陈静",
        gender: "female",
        id17: "50010319921120204",
        district: "500103",
        employer: "重庆某智能家居设计公司",
        major: "130502",
        award: "中国设计红星奖",
    },
    DemoDesigner {
        email: "liuyang@demo.talentlib.cn",
        name: "刘洋",
        gender: "male",
        id17: "51010219870707301",
        district: "FZ-LJXQ",
        employer: "两江新区某新能源汽车企业",
        major: "080207",
        award: "德国iF设计奖",
    },
    DemoDesigner {
        email: "sunli@demo.talentlib.cn",
        name: "孙丽",
        gender: "female",
        id17: "50010619940214402",
        district: "500106",
        employer: "四川美术学院设计研究院",
        major: "130503",
        award: "重庆市大学生工业设计大赛",
    },
];

/// Experts at different employers, so that every demo applicant has experts without a conflict
/// of interest (赵磊 works at 重庆大学, as the first expert does) and the default of three experts
/// per application can be drawn.
const EXPERTS: [(&str, &str, &str); 4] = [
    ("expert@demo.talentlib.cn", "许文博", "重庆大学"),
    ("expert2@demo.talentlib.cn", "周岚", "重庆理工大学"),
    ("expert3@demo.talentlib.cn", "吴卫东", "中国汽车工程研究院"),
    ("expert4@demo.talentlib.cn", "何静怡", "西南大学"),
];

fn full_form(d: &DemoDesigner) -> Value {
    json!({
        "personal": {"name": d.name, "gender": d.gender, "id_number": id_number(d.id17), "phone": "13800138000",
            "email": d.email, "district_code": d.district, "connection": if d.id17.starts_with("50") { "native" } else { "resident" },
            "employer": d.employer, "position": "高级工业设计师", "work_type": "services", "design_years": 9,
            "public_consent": true, "clean_record_declared": true},
        "education": [{"degree": "master", "major_code": d.major, "institution": "重庆大学", "graduated_on": "2014-06"}],
        "titles": [{"name": "高级工程师（工业设计）", "level": "deputy_senior", "issuer": "重庆市人力资源和社会保障局", "awarded_on": "2021-12-20"}],
        "awards": [{"name": d.award, "tier": "national", "rank": "gold", "year": 2023, "work_title": "智能座舱交互系统", "role": "lead"}],
        "articles": [{"title": "面向制造业升级的工业设计方法研究", "venue": "包装工程", "indexing": "core", "published_on": "2022-05-10", "author_rank": 1}],
        "ip_rights": [{"kind": "design_patent", "number": "ZL202230123456.7", "title": "车载中控屏外观", "granted_on": "2023-03-01", "inventor_rank": 1}],
        "honors": [{"name": "重庆市优秀青年设计师", "level": "municipal", "issuer": "重庆市经济和信息化委员会", "year": 2022}],
        "compensation": {"annual_income_cny": 360000, "year": 2025},
        "projects": [{"name": "新能源汽车内饰设计平台", "level": "provincial", "role": "leader", "started_on": "2022-01-01", "status": "completed", "funding_cny": 800000}]
    })
}

async fn staff(
    st: &AppState,
    email: &str,
    name: &str,
    roles: &[&str],
    district: Option<&str>,
    employer: Option<&str>,
) -> anyhow::Result<Account> {
    let s = NewStaff {
        email: email.into(),
        password: PASSWORD.into(),
        name: name.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        district_code: district.map(str::to_string),
        employer: employer.map(str::to_string),
    };
    accounts::create_staff(st, None, s, "demo")
        .await
        .map_err(|e| anyhow::anyhow!("{email}: {e}"))
}

/// Fills an empty database with the demo, or does nothing if it is already there; returns the
/// logins to print.
pub async fn populate(st: &AppState) -> anyhow::Result<String> {
    if talentlib_store::accounts::by_email(st.store.db(), ADMIN)
        .await?
        .is_none()
    {
        create(st).await.context("creating demo data")?;
    }
    Ok(logins())
}

/// The logins `talentlib demo` prints (README.md lists the same).
fn logins() -> String {
    let mut lines: Vec<(String, &str)> = vec![
        ("admin 管理员".into(), ADMIN),
        ("reviewer 审核员".into(), "reviewer@demo.talentlib.cn"),
        (
            "district_officer 渝中区".into(),
            "yuzhong@demo.talentlib.cn",
        ),
    ];
    for (email, _, employer) in EXPERTS {
        lines.push((format!("expert 专家 · {employer}"), email));
    }
    lines.extend([
        ("service_staff 服务中心".into(), "service@demo.talentlib.cn"),
        (
            "designer, half-filled draft 草稿".into(),
            DESIGNERS[0].email,
        ),
        ("designer, returned 退回补充".into(), DESIGNERS[1].email),
    ]);
    for d in &DESIGNERS[2..] {
        lines.push(("designer, submitted 已提交".into(), d.email));
    }
    let mut out = format!("Demo accounts (password for all: {PASSWORD}):\n");
    for (role, email) in lines {
        let pad = 40usize.saturating_sub(terminal_width(&role));
        out.push_str(&format!("  {role}{} {email}\n", " ".repeat(pad)));
    }
    out
}

/// Columns a label takes in a terminal: Chinese characters and full-width punctuation take two.
fn terminal_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{2E80}' { 2 } else { 1 })
        .sum()
}

async fn create(st: &AppState) -> anyhow::Result<()> {
    staff(st, ADMIN, "系统管理员", &["admin"], None, None).await?;
    let reviewer = actor(
        &staff(
            st,
            "reviewer@demo.talentlib.cn",
            "市经信委审核员",
            &["reviewer"],
            None,
            None,
        )
        .await?,
    );
    staff(
        st,
        "yuzhong@demo.talentlib.cn",
        "渝中区经信委",
        &["district_officer"],
        Some("500103"),
        None,
    )
    .await?;
    for (email, name, employer) in EXPERTS {
        staff(st, email, name, &["expert"], None, Some(employer)).await?;
    }
    staff(
        st,
        "service@demo.talentlib.cn",
        "制造业人才服务中心",
        &["service_staff"],
        None,
        None,
    )
    .await?;
    batches::create(st, &reviewer, "2026年第一批")
        .await
        .map_err(|e| anyhow::anyhow!("batch: {e}"))?;

    for (i, d) in DESIGNERS.iter().enumerate() {
        let reg = Registration {
            email: d.email.into(),
            password: PASSWORD.into(),
            name: d.name.into(),
        };
        let who = actor(
            &accounts::register(st, reg, "demo")
                .await
                .map_err(|e| anyhow::anyhow!("register: {e}"))?,
        );
        let app = applications::create(st, &who)
            .await
            .map_err(|e| anyhow::anyhow!("create: {e}"))?
            .id;
        if i == 0 {
            // Half-filled: personal data in part, one award without its certificate yet.
            let mut form = full_form(d);
            for key in [
                "id_number",
                "phone",
                "connection",
                "work_type",
                "clean_record_declared",
            ] {
                form["personal"].as_object_mut().map(|p| p.remove(key));
            }
            for section in [
                "titles",
                "articles",
                "ip_rights",
                "honors",
                "compensation",
                "projects",
            ] {
                form.as_object_mut().map(|f| f.remove(section));
            }
            fill(st, &who, app, form, false).await?;
            continue;
        }
        fill(st, &who, app, full_form(d), true).await?;
        applications::submit(st, &who, app)
            .await
            .map_err(|e| anyhow::anyhow!("submit {}: {e}", d.email))?;
        if i == 1 {
            let input = ReviewInput {
                decision: Decision::Return,
                comment: Some("请补充获奖证书的清晰扫描件，并注明本人在获奖作品中的角色。".into()),
                items: Vec::new(),
            };
            review::decide(st, &reviewer, app, input)
                .await
                .map_err(|e| anyhow::anyhow!("return: {e}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use talentlib_domain::assignment::{assign, Applicant, Expert};
    use talentlib_domain::ids::{ApplicationId, UserId};

    /// Every demo applicant can be given the default three experts without a colleague, so the
    /// assignment can be tried out in the demo.
    #[test]
    fn the_logins_line_up_and_name_every_demo_account() {
        let printed = logins();
        let columns: Vec<usize> = printed
            .lines()
            .skip(1)
            // Everything up to the email, padding included.
            .map(|l| terminal_width(&l[..l.rfind(' ').map_or(0, |at| at + 1)]))
            .collect();
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{printed}");
        for d in &DESIGNERS {
            assert!(printed.contains(d.email), "{} printed", d.email);
        }
        assert_eq!(terminal_width("专家 · 重庆"), 11);
    }

    #[test]
    fn the_demo_experts_cover_every_demo_applicant() {
        let applicants: Vec<Applicant> = DESIGNERS
            .iter()
            .map(|d| Applicant {
                application_id: ApplicationId::from_uuid(uuid::Uuid::new_v4()),
                designer_id: UserId::from_uuid(uuid::Uuid::new_v4()),
                name: Some(d.name.into()),
                employer: Some(d.employer.into()),
            })
            .collect();
        let experts: Vec<Expert> = EXPERTS
            .iter()
            .map(|(_, _, employer)| Expert {
                id: UserId::from_uuid(uuid::Uuid::new_v4()),
                employer: Some((*employer).into()),
            })
            .collect();
        assert!(assign(&applicants, &experts, 3, 7).is_ok());
        let printed = logins();
        for (email, _, _) in EXPERTS {
            assert!(printed.contains(email), "{printed}");
        }
    }
}
