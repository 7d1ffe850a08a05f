//! Attachment bytes: where uploads go. Metadata lives in the [`Store`](crate::store::Store).

use async_trait::async_trait;

use crate::protocol::{Attachment, AttachmentsCreateParams};
use crate::server::ServerError;

/// Stores the bytes of attachments.
///
/// For a two-phase upload, [`create_attachment`](Self::create_attachment)
/// returns an attachment whose `upload_descriptor` tells the client where to
/// send the bytes; the server saves its metadata.
#[async_trait]
pub trait AttachmentStore<C: Send + Sync>: Send + Sync + 'static {
    /// Starts a two-phase upload.
    async fn create_attachment(
        &self,
        params: &AttachmentsCreateParams,
        ctx: &C,
    ) -> Result<Attachment, ServerError>;

    /// Deletes an attachment's bytes. Deleting missing bytes is not an error.
    async fn delete_attachment(&self, attachment_id: &str, ctx: &C) -> Result<(), ServerError>;
}
