//! Attachment bytes: where uploads go. Their metadata lives in the
//! [`Store`](crate::store::Store).
//!
//! ChatKit clients upload in one of two ways:
//! - **two-phase**: `attachments.create` returns an attachment whose
//!   `upload_descriptor` says where to send the bytes; the client sends them;
//! - **direct**: the client posts a multipart form with a `file` field to an
//!   upload URL, and gets the attachment back.
//!
//! [`LocalAttachmentStore`] keeps bytes in a folder and serves both, through
//! the routes of [`ChatKit::into_attachment_routes_with`](crate::server::ChatKit::into_attachment_routes_with).

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use crate::protocol::{
    Attachment, AttachmentBase, AttachmentsCreateParams, FileAttachment, ImageAttachment,
    UploadDescriptor, UploadMethod,
};
use crate::server::ServerError;
use crate::store::{IdKind, generate_id};

/// Stores the bytes of attachments.
#[async_trait]
pub trait AttachmentStore<C: Send + Sync>: Send + Sync + 'static {
    /// Makes a new attachment (id, name, type, where to upload). The server
    /// saves its metadata.
    ///
    /// # Errors
    /// A [`ServerError`] for the client, such as a file that is too large (400).
    async fn create_attachment(
        &self,
        params: &AttachmentsCreateParams,
        ctx: &C,
    ) -> Result<Attachment, ServerError>;

    /// Deletes an attachment's bytes. Deleting missing bytes is not an error.
    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), ServerError>;

    /// Receives the bytes of an upload. Stores whose upload URLs point at
    /// another service (a presigned bucket URL, say) never receive bytes.
    async fn upload(
        &self,
        attachment: &Attachment,
        bytes: Bytes,
        ctx: &C,
    ) -> Result<(), ServerError> {
        let _ = (attachment, bytes, ctx);
        Err(ServerError::not_implemented(
            "This attachment store does not receive uploads.",
        ))
    }

    /// Returns the bytes of an attachment (for previews and downloads).
    async fn download(&self, attachment: &Attachment, ctx: &C) -> Result<Bytes, ServerError> {
        let _ = (attachment, ctx);
        Err(ServerError::not_implemented(
            "This attachment store does not serve files.",
        ))
    }

    /// The largest upload accepted, in bytes.
    fn max_size(&self) -> u64 {
        DEFAULT_MAX_SIZE
    }
}

/// The default largest upload: 20 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 20 * 1024 * 1024;

/// Attachment bytes in a local folder, one file per attachment, named by its
/// id (never by the user's file name, so no path can escape the folder).
///
/// `base_url` is where [`ChatKit::into_attachment_routes_with`](crate::server::ChatKit::into_attachment_routes_with)
/// is mounted, as the client reaches it (such as `/chatkit/attachments`):
/// uploads go to `{base_url}/{id}`, and image previews are served there.
///
/// ```no_run
/// use chatkit_runtime::attachments::LocalAttachmentStore;
///
/// let attachments = LocalAttachmentStore::new("./uploads", "/chatkit/attachments")
///     .max_size(10 * 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct LocalAttachmentStore {
    dir: PathBuf,
    base_url: String,
    max_size: u64,
}

impl LocalAttachmentStore {
    /// Bytes in `dir` (created when needed), served under `base_url`.
    pub fn new(dir: impl Into<PathBuf>, base_url: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            max_size: DEFAULT_MAX_SIZE,
        }
    }

    /// Sets the largest upload accepted, in bytes.
    #[must_use]
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }

    fn path(&self, attachment_id: &str) -> Result<PathBuf, ServerError> {
        if !is_safe_id(attachment_id) {
            return Err(ServerError::bad_request(format!(
                "`{attachment_id}` is not an attachment id"
            )));
        }
        Ok(self.dir.join(attachment_id))
    }
}

/// Ids are `[A-Za-z0-9_-]{1,128}`: never a path separator, `.` or `..`.
pub fn is_safe_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[async_trait]
impl<C: Send + Sync> AttachmentStore<C> for LocalAttachmentStore {
    async fn create_attachment(
        &self,
        params: &AttachmentsCreateParams,
        _ctx: &C,
    ) -> Result<Attachment, ServerError> {
        if params.size > self.max_size {
            return Err(ServerError::bad_request(format!(
                "`{}` is {} bytes; the limit is {} bytes",
                params.name, params.size, self.max_size
            )));
        }
        if params.name.trim().is_empty() {
            return Err(ServerError::bad_request("an attachment needs a name"));
        }
        let id = generate_id(IdKind::Attachment);
        let url = format!("{}/{id}", self.base_url);
        let base = AttachmentBase {
            id,
            name: params.name.clone(),
            mime_type: params.mime_type.clone(),
            upload_descriptor: Some(UploadDescriptor {
                url: url.clone(),
                method: UploadMethod::Put,
                headers: Default::default(),
            }),
            thread_id: None,
            metadata: None,
        };
        Ok(if params.mime_type.starts_with("image/") {
            Attachment::Image(ImageAttachment {
                base,
                preview_url: url,
            })
        } else {
            Attachment::File(FileAttachment { base })
        })
    }

    async fn delete_attachment(&self, attachment_id: &str, _ctx: &C) -> Result<(), ServerError> {
        match tokio::fs::remove_file(self.path(attachment_id)?).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(ServerError::internal(err)),
        }
    }

    async fn upload(
        &self,
        attachment: &Attachment,
        bytes: Bytes,
        _ctx: &C,
    ) -> Result<(), ServerError> {
        if bytes.len() as u64 > self.max_size {
            return Err(ServerError::payload_too_large(format!(
                "the limit is {} bytes",
                self.max_size
            )));
        }
        let path = self.path(attachment.id())?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(ServerError::internal)?;
        write_atomically(&path, &bytes)
            .await
            .map_err(ServerError::internal)
    }

    async fn download(&self, attachment: &Attachment, _ctx: &C) -> Result<Bytes, ServerError> {
        match tokio::fs::read(self.path(attachment.id())?).await {
            Ok(bytes) => Ok(Bytes::from(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(ServerError::not_found(
                format!("attachment `{}` has no bytes yet", attachment.id()),
            )),
            Err(err) => Err(ServerError::internal(err)),
        }
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }
}

/// Writes to a temporary file, then renames: readers never see half a file.
async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_extension(format!("part-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&temporary, bytes).await?;
    match tokio::fs::rename(&temporary, path).await {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = tokio::fs::remove_file(&temporary).await;
            Err(err)
        }
    }
}
