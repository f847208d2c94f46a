package io.doorstep.signalling.directory;

/** One service item a station can call about, routed to the agents of its skill group. */
public record ServiceItem(String code, String nameZh, String nameEn, String skillGroup, int handlingMinutes) {
}
