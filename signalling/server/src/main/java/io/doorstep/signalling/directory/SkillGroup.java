package io.doorstep.signalling.directory;

/** A group of service items handled by the same agents, with its own queue. */
public record SkillGroup(String code, String nameZh, String nameEn) {
}
