/**
 * The document relay: scans and print forms uploaded with tus 1.0.0 (core, creation, creation-with-upload,
 * checksum, termination, expiration) and read while they upload. {@link io.doorstep.relay.document.DocumentServer}
 * binds the HTTP port; {@code DocumentServerInitializer} is the pipeline, {@code TusRequestDecoder} and
 * {@code TusResponses} the codec, {@code DocumentHandler} the per-connection logic, {@code DocumentRelay} the
 * uploads of all calls, {@code DocumentStore} the disk. Every disk access and all hashing run on the document I/O
 * threads ({@code DiskExecutors}), one thread per document, so a document's state needs no locks and never
 * touches an event loop. See docs/documents.md.
 */
package io.doorstep.relay.document;
