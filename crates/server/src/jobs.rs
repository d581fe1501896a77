//! The background worker: claims due jobs from the database queue and runs them. Failed jobs are
//! retried with a growing delay (up to an hour), so mail is not lost while the server is down.

use crate::config::SmtpConfig;
use crate::service::notify::{EmailJob, EMAIL_JOB};
use crate::state::{now_millis, AppState};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use talentlib_store::{library_index, notifications};

const LEASE_MS: i64 = 120_000;

/// Delay before attempt `n + 1`: 30 s, 1 min, 2 min... capped at an hour.
pub fn backoff_ms(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 8) - 1;
    (30_000i64 << exp).min(3_600_000)
}

async fn send(smtp: &SmtpConfig, job: &EmailJob) -> anyhow::Result<()> {
    let from: Mailbox = smtp.from.parse()?;
    let to: Mailbox = job.to.parse()?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(job.subject.clone())
        .body(job.body.clone())?;
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if !smtp.username.is_empty() {
        transport = transport.credentials(Credentials::new(
            smtp.username.clone(),
            smtp.password.clone(),
        ));
    }
    transport.build().send(message).await?;
    Ok(())
}

async fn run_one(st: &AppState) -> anyhow::Result<bool> {
    let now = now_millis();
    let claimed = {
        let tx = st.store.write().await?;
        let job = notifications::claim(&*tx, now, LEASE_MS).await?;
        tx.commit().await?;
        job
    };
    let Some(job) = claimed else { return Ok(false) };
    let outcome = match (job.kind.as_str(), &st.config.smtp) {
        (library_index::INDEX_JOB, _) => index_batch(st, &job.payload).await,
        (EMAIL_JOB, Some(smtp)) => match serde_json::from_str::<EmailJob>(&job.payload) {
            Ok(email) => send(smtp, &email).await,
            Err(e) => Err(e.into()),
        },
        (EMAIL_JOB, None) => Err(anyhow::anyhow!("SMTP is not configured")),
        (other, _) => Err(anyhow::anyhow!("unknown job kind {other}")),
    };
    let tx = st.store.write().await?;
    match outcome {
        Ok(()) => notifications::complete(&*tx, job.id).await?,
        Err(e) => {
            tracing::warn!(job = %job.id, attempts = job.attempts, error = %e, "job failed; will retry");
            notifications::retry_later(
                &*tx,
                job.id,
                now_millis() + backoff_ms(job.attempts),
                &e.to_string(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Brings the library's search index up to date for a finalized batch, a chunk per
/// transaction so that other writers get in between (idempotent: a rerun redoes it).
async fn index_batch(st: &AppState, payload: &str) -> anyhow::Result<()> {
    let batch: talentlib_domain::ids::BatchId = payload
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("bad batch id {payload:?}"))?;
    let mut after: Option<String> = None;
    loop {
        let tx = st.store.write().await?;
        let next = tx
            .bulk(|| library_index::index_batch_chunk(&*tx, batch, after.as_deref(), 2_000))
            .await?;
        tx.commit().await?;
        match next {
            Some(last) => after = Some(last),
            None => return Ok(()),
        }
    }
}

/// Runs until the task is aborted (on shutdown).
pub async fn worker(st: AppState) {
    loop {
        match run_one(&st).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "job queue unavailable"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(20), 3_600_000);
        assert_eq!(backoff_ms(0), 30_000);
    }
}
