package io.doorstep.signalling.directory;

/** A village or neighbourhood service station that may sign in. */
public record Station(String id, String name, String town, String village) {
}
