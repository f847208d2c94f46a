package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.client.devices.Kit;
import io.doorstep.client.devices.SimulatedKit;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The station's kit when it is not well, and the call controls around the happy path: a printer out of paper shows
 * on the operator's side and fails a print job with its reason; a device request the kit cannot do, or the staff
 * decline, reaches the agent as declined; an agent rejects; a station cancels while waiting.
 */
class KitAndCallControlTest extends WithSystem {
    @Test
    void aKitThatIsNotWellIsSeenByOperatorsAndItsFailuresReachTheAgent() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        Kit kit = SimulatedKit.create(10_000, Files.createTempDirectory("printed"), List.of());
        try (StationClient station = StationClient.start(system.options("st-chuansha-qizao", Role.STATION).build(),
                kit, s);
             AgentClient agent = AgentClient.start(system.options("ag-huinan-02", Role.AGENT).build(), a)) {
            s.await(Recorder.SignedIn.class);
            ((SimulatedKit.Simulated) kit.printer()).set(Devices.State.OUT_OF_PAPER, "media-empty");
            await().atMost(Duration.ofSeconds(15)).until(() -> system.metric("doorstep_station_devices",
                    "device=\"printer\"", "state=\"out_of_paper\"") == 1.0);

            agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS);
            station.requestCall("MR-002", false).get(10, TimeUnit.SECONDS);
            agent.accept(a.await(ServerMessage.CallOffer.class).callId()).get(10, TimeUnit.SECONDS);
            s.await(ServerMessage.CallConnected.class);

            ServerMessage.PrintResult result = agent.print(GeneratedDocuments.pdf(List.of("form")), "form.pdf", 2,
                    (x, y) -> { }).get(20, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(PrintStatus.FAILED);
            assertThat(result.reason()).isEqualTo("printer is out_of_paper (media-empty)");

            // The scanner has nothing scripted: the request is declined with the device's reason.
            s.onDeviceRequest = DeviceRequest::perform;
            String scan = agent.requestBarcode("请扫描医疗记录册条码").get(10, TimeUnit.SECONDS);
            ServerMessage.DeviceDeclined declined = a.await(ServerMessage.DeviceDeclined.class);
            assertThat(declined.requestId()).isEqualTo(scan);
            assertThat(declined.reason()).startsWith("no code scanned");

            // The staff say no.
            s.onDeviceRequest = r -> r.decline("the villager has no booklet with her");
            String read = agent.requestScan("请扫描户口簿").get(10, TimeUnit.SECONDS);
            assertThat(a.await(ServerMessage.DeviceDeclined.class)).isEqualTo(new ServerMessage.DeviceDeclined(
                    agent.callId(), read, "the villager has no booklet with her"));

            agent.hangUp().get(10, TimeUnit.SECONDS);
            assertThat(agent.requestScan("too late")).failsWithin(Duration.ofSeconds(1))
                    .withThrowableOfType(ExecutionException.class).havingCause()
                    .isInstanceOfSatisfying(DoorstepException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_CALL));
        }
    }

    @Test
    void anAgentRejectsAndAStationCancels() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (StationClient station = StationClient.start(system.options("st-chuansha-chunxin", Role.STATION).build(),
                Kit.NONE, s);
             AgentClient agent = AgentClient.start(system.options("ag-chuansha-02", Role.AGENT).build(), a)) {
            agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS);
            // ag-chuansha-02 is the only agent of its skill group signed in: its reject is everyone's.
            String item = "SA-001";
            ServerMessage.CallQueued queued = station.requestCall(item, false).get(10, TimeUnit.SECONDS);
            agent.reject(a.await(ServerMessage.CallOffer.class).callId(), "wrong desk").get(10, TimeUnit.SECONDS);
            ServerMessage.CallEnded rejected = s.await(ServerMessage.CallEnded.class);
            assertThat(rejected.callId()).isEqualTo(queued.callId());
            assertThat(rejected.reason()).isEqualTo(EndReason.REJECTED_BY_ALL);

            agent.setState(AgentState.AWAY).get(10, TimeUnit.SECONDS);
            station.requestCall(item, true).get(10, TimeUnit.SECONDS);
            assertThat(station.cancel().get(10, TimeUnit.SECONDS).reason()).isEqualTo(EndReason.CANCELLED);
            assertThat(station.callId()).isNull();
        }
    }
}
