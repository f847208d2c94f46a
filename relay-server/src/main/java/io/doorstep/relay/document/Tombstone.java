package io.doorstep.relay.document;

/**
 * What is left of a deleted document ({@code <id>.gone}): enough to answer 410 rather than 404 for it, also after a
 * restart, for {@code documents.retention} after its deletion. No call, no metadata: nothing about the person.
 *
 * @param reason    terminated, expired, type or retention
 * @param deletedAt Unix milliseconds
 */
record Tombstone(String id, String reason, long deletedAt) {
}
