//! Encryption at rest of personal identity data (resident ID and phone numbers), with
//! AES-256-GCM. Each value gets a fresh random nonce; stored as base64(nonce ‖ ciphertext).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use std::path::Path;

const NONCE_LEN: usize = 12;
pub const KEY_FILE: &str = "secret.key";

/// Decodes a configured key: base64 of exactly 32 bytes.
pub fn decode_key(text: &str) -> Result<[u8; 32], String> {
    let bytes = B64
        .decode(text.trim())
        .map_err(|_| "is not base64".to_string())?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("decodes to {} bytes, not 32", bytes.len()))
}

#[derive(Clone)]
pub struct PiiCipher {
    cipher: Aes256Gcm,
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("stored value cannot be decrypted with this key")]
    Decrypt,
    #[error("key file {0}: {1}")]
    KeyFile(String, String),
}

impl PiiCipher {
    pub fn new(key: &[u8; 32]) -> Self {
        PiiCipher {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Reads the key file in `dir`, or creates one readable by its owner only.
    pub fn from_key_file(dir: &Path) -> Result<Self, CryptoError> {
        let path = dir.join(KEY_FILE);
        let shown = path.display().to_string();
        let fail = |e: std::io::Error| CryptoError::KeyFile(shown.clone(), e.to_string());
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(&path, B64.encode(key).as_bytes()).map_err(fail)?;
        }
        let text = std::fs::read_to_string(&path).map_err(fail)?;
        let key = decode_key(&text).map_err(|why| CryptoError::KeyFile(shown.clone(), why))?;
        Ok(PiiCipher::new(&key))
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and nonce cannot fail for inputs this small.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        B64.encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let bytes = B64.decode(stored).map_err(|_| CryptoError::Decrypt)?;
        if bytes.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_never_repeats_ciphertext() {
        let c = PiiCipher::new(&[7u8; 32]);
        let a = c.encrypt("500103199001011234");
        assert_ne!(a, c.encrypt("500103199001011234"));
        assert!(!a.contains("1234"));
        assert_eq!(c.decrypt(&a).unwrap(), "500103199001011234");
        assert!(PiiCipher::new(&[8u8; 32]).decrypt(&a).is_err());
        assert!(c.decrypt("!!").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_generated_key_file_is_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = PiiCipher::from_key_file(dir.path()).unwrap().encrypt("x");
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            PiiCipher::from_key_file(dir.path())
                .unwrap()
                .decrypt(&a)
                .unwrap(),
            "x"
        );
    }
}
