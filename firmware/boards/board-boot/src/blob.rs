//! The model blob as it sits in flash.

/// Bytes aligned to 4 in flash, so the engine can read the blob's 4-byte aligned sections
/// in place. A binary embeds its blob as
/// `static BLOB: &ModelBlob<[u8]> = &ModelBlob(*include_bytes!("..."));`.
#[repr(C, align(4))]
pub struct ModelBlob<Bytes: ?Sized>(pub Bytes);

impl ModelBlob<[u8]> {
    /// The blob's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}
