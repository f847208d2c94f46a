package io.doorstep.relay.document;

/**
 * One HTTP request to the document relay, decoded: the operation, the document it names, the bearer token and the
 * tus headers. {@code problem} is set instead when the request cannot be served as it stands; its body, if any,
 * follows as HttpContent either way.
 */
record TusRequest(Operation operation, DocumentId id, String token, Long uploadOffset, Long uploadLength,
                  UploadMetadata metadata, Checksum checksum, boolean octetStream, boolean hasBody,
                  boolean keepAlive, ByteRange range, DocumentException problem) {

    enum Operation { OPTIONS, CREATE, HEAD, PATCH, GET, DELETE }

    static TusRequest refused(DocumentException problem, boolean hasBody, boolean keepAlive) {
        return new TusRequest(null, null, null, null, null, UploadMetadata.NONE, null, false, hasBody, keepAlive,
                null, problem);
    }
}
