//! Evidence file storage behind a trait: local disk by default; an S3-compatible object store can
//! implement the same trait for scale-out. Uploads are streamed to a temporary file while they
//! are hashed, sized and sniffed, so a 20 MiB file never sits in memory whole.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// File types accepted as evidence, judged by their first bytes, never by their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceType {
    Pdf,
    Jpeg,
    Png,
}

impl EvidenceType {
    pub fn sniff(head: &[u8]) -> Option<EvidenceType> {
        match infer::get(head)?.mime_type() {
            "application/pdf" => Some(EvidenceType::Pdf),
            "image/jpeg" => Some(EvidenceType::Jpeg),
            "image/png" => Some(EvidenceType::Png),
            _ => None,
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            EvidenceType::Pdf => "application/pdf",
            EvidenceType::Jpeg => "image/jpeg",
            EvidenceType::Png => "image/png",
        }
    }
}

/// A received upload waiting in a temporary file.
pub struct StagedUpload {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub kind: Option<EvidenceType>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("file too large")]
    TooLarge,
    #[error("upload failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Collects chunks into a temporary file, hashing as it goes and stopping past `limit` bytes.
pub struct Stager {
    file: tokio::fs::File,
    path: PathBuf,
    hasher: Sha256,
    head: Vec<u8>,
    size: u64,
    limit: u64,
}

impl Stager {
    pub async fn new(tmp_dir: &Path, limit: u64) -> Result<Stager, UploadError> {
        tokio::fs::create_dir_all(tmp_dir).await?;
        let path = tmp_dir.join(format!("upload-{}", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Stager {
            file,
            path,
            hasher: Sha256::new(),
            head: Vec::new(),
            size: 0,
            limit,
        })
    }

    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge);
        }
        if self.head.len() < 64 {
            let take = (64 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    pub async fn finish(mut self) -> Result<StagedUpload, UploadError> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        Ok(StagedUpload {
            kind: EvidenceType::sniff(&self.head),
            path: self.path.clone(),
            size: self.size,
            sha256: hex::encode(self.hasher.finalize_reset()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Where evidence bytes live. Keys are opaque names chosen by the server (never the client's
/// filename), so no path can be smuggled in.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Moves a staged upload into the store under `key`.
    async fn put(&self, key: &str, staged: &StagedUpload) -> std::io::Result<()>;
    async fn get(&self, key: &str) -> std::io::Result<Vec<u8>>;
    async fn delete(&self, key: &str) -> std::io::Result<()>;
    /// Where uploads are staged before `put`.
    fn staging_dir(&self) -> PathBuf;
}

/// Files under `DATA/files/<key>`.
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(data_dir: &Path) -> LocalDisk {
        LocalDisk {
            root: data_dir.join("files"),
        }
    }

    fn path_of(&self, key: &str) -> std::io::Result<PathBuf> {
        let safe = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if safe {
            Ok(self.root.join(key))
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad storage key",
            ))
        }
    }
}

#[async_trait::async_trait]
impl FileStore for LocalDisk {
    async fn put(&self, key: &str, staged: &StagedUpload) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.root).await?;
        tokio::fs::rename(&staged.path, self.path_of(key)?).await
    }

    async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path_of(key)?).await
    }

    async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_judged_by_content() {
        assert_eq!(EvidenceType::sniff(b"%PDF-1.7\n"), Some(EvidenceType::Pdf));
        assert_eq!(
            EvidenceType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(EvidenceType::Jpeg)
        );
        assert_eq!(
            EvidenceType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(EvidenceType::Png)
        );
        assert_eq!(EvidenceType::sniff(b"<html>%PDF"), None);
        assert_eq!(EvidenceType::sniff(b"MZ\x90\0"), None);
        assert_eq!(EvidenceType::sniff(b""), None);
    }

    #[tokio::test]
    async fn keys_cannot_escape_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDisk::new(dir.path());
        for key in ["../secret.key", "a/b", "", ".."] {
            assert!(store.get(key).await.is_err());
        }
    }
}
