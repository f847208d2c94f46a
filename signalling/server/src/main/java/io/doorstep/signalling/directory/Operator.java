package io.doorstep.signalling.directory;

/** A district operator: may watch metrics and snapshots, takes no calls. */
public record Operator(String id, String name) {
}
