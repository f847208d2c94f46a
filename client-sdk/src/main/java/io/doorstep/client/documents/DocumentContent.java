package io.doorstep.client.documents;

/** A whole document read from the relay, its SHA-256 checked against the relay's. Personal data: do not log. */
public record DocumentContent(Document document, byte[] bytes) {
}
