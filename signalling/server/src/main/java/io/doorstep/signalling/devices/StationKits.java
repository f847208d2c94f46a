package io.doorstep.signalling.devices;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.session.Session;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of each signed-in station's five-piece kit, as the station reports it ({@code device.status}), for
 * operators: in {@code /api/snapshot} and as the {@code doorstep_station_devices} gauge. The kit lives on the
 * station's session, so it is forgotten when the session ends and reported again at the next sign-in; the gauge
 * follows each session's kit as it changes ({@link Session.KitChanges}). Runs on the switchboard thread.
 */
public final class StationKits {
    private static final Logger log = LoggerFactory.getLogger(StationKits.class);

    private StationKits() {
    }

    /** A station's report replaces its kit. */
    public static void report(Session station, ClientMessage.DeviceStatus m) {
        station.kit(m.devices());
        log.info("device status session={} station={} {}", station.id(), station.identityId(), summary(m.devices()));
        if (m.id() != null) {
            station.send(new ServerMessage.Ok(m.id()));
        }
    }

    /** The snapshot's {@code stations}: each signed-in station, whether connected, and its kit. */
    public static List<Map<String, Object>> snapshot(Collection<Session> all) {
        return stations(all).stream().sorted(Comparator.comparing(Session::identityId)).map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.identityId());
            m.put("online", s.online());
            m.put("devices", s.kit().stream().map(StationKits::device).toList());
            return m;
        }).toList();
    }

    private static Map<String, Object> device(Devices.Health h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", h.device().wireName());
        m.put("state", h.state().wireName());
        if (h.model() != null) {
            m.put("model", h.model());
        }
        if (h.detail() != null) {
            m.put("detail", h.detail());
        }
        return m;
    }

    private static List<Session> stations(Collection<Session> all) {
        return all.stream().filter(s -> s.role() == Role.STATION).toList();
    }

    /** "printer=out_of_paper camera=ready": kinds and states only, never a detail (free text). */
    private static String summary(List<Devices.Health> kit) {
        StringBuilder b = new StringBuilder();
        kit.forEach(h -> b.append(b.isEmpty() ? "" : " ").append(h.device().wireName()).append('=')
                .append(h.state().wireName()));
        return b.toString();
    }
}
