package io.doorstep.relay.document;

import io.netty.util.AsciiString;

/** The header names of tus 1.0.0 and the relay's own, in one place. */
final class TusHeaders {
    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    static final String FILES_PATH = "/files";

    static final AsciiString TUS_RESUMABLE = AsciiString.cached("Tus-Resumable");
    static final AsciiString TUS_VERSION = AsciiString.cached("Tus-Version");
    static final AsciiString TUS_EXTENSION = AsciiString.cached("Tus-Extension");
    static final AsciiString TUS_MAX_SIZE = AsciiString.cached("Tus-Max-Size");
    static final AsciiString TUS_CHECKSUM_ALGORITHM = AsciiString.cached("Tus-Checksum-Algorithm");
    static final AsciiString UPLOAD_OFFSET = AsciiString.cached("Upload-Offset");
    static final AsciiString UPLOAD_LENGTH = AsciiString.cached("Upload-Length");
    static final AsciiString UPLOAD_METADATA = AsciiString.cached("Upload-Metadata");
    static final AsciiString UPLOAD_CHECKSUM = AsciiString.cached("Upload-Checksum");
    static final AsciiString UPLOAD_EXPIRES = AsciiString.cached("Upload-Expires");
    static final AsciiString UPLOAD_DEFER_LENGTH = AsciiString.cached("Upload-Defer-Length");
    static final AsciiString METHOD_OVERRIDE = AsciiString.cached("X-HTTP-Method-Override");
    /** The whole document's SHA-256 (hex), once it is complete: on HEAD, PATCH, GET and as a GET trailer. */
    static final AsciiString DOCUMENT_SHA256 = AsciiString.cached("Doorstep-Document-Sha256");
    /** The type recognised from the document's first bytes. */
    static final AsciiString DOCUMENT_TYPE = AsciiString.cached("Doorstep-Document-Type");

    private TusHeaders() {
    }
}
