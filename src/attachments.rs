//! Hand-written operations: multipart uploads and streaming downloads.
