package io.doorstep.signalling.directory;

import io.doorstep.protocol.ServerMessage;

/** One service item a station can call about, routed to the agents of its skill group. */
public record ServiceItem(String code, String nameZh, String nameEn, String skillGroup, int handlingMinutes) {
    /** The item as clients see it in a call's messages. */
    public ServerMessage.ServiceItemInfo info() {
        return new ServerMessage.ServiceItemInfo(code, nameZh, nameEn, skillGroup);
    }
}
