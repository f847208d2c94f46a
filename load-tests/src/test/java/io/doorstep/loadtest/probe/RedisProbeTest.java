package io.doorstep.loadtest.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisProbeTest {
    @Test
    void readsCommandCountsAndCpuFromInfo() {
        String commandstats = "# Commandstats\r\n"
                + "cmdstat_evalsha:calls=1200,usec=9000,usec_per_call=7.50,rejected_calls=0,failed_calls=0\r\n"
                + "cmdstat_client|list:calls=3,usec=64,usec_per_call=21.33,rejected_calls=0,failed_calls=0\r\n"
                + "cmdstat_xadd:calls=400,usec=800,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r\n";
        assertThat(RedisProbe.commands(commandstats))
                .containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 1200L, "client|list", 3L, "xadd", 400L));

        String cpu = "# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\nused_cpu_sys_children:9.0\r\n"
                + "used_cpu_sys_main_thread:1.4\r\n";
        assertThat(RedisProbe.cpuSeconds(cpu)).as("sys + user of the server, not children or threads")
                .isCloseTo(3.75, within(1e-9));
    }

    @Test
    void takesTheBackgroundOffInProportionToTheWallTime() {
        RedisProbe.Usage phase = new RedisProbe.Usage(Duration.ofSeconds(10), Map.of("EVALSHA", 1000L, "XADD", 200L),
                1.0);
        RedisProbe.Usage idle = new RedisProbe.Usage(Duration.ofSeconds(2), Map.of("EVALSHA", 4L, "PING", 50L), 0.1);

        RedisProbe.Usage calls = phase.less(idle);

        assertThat(calls.commands()).containsExactlyInAnyOrderEntriesOf(Map.of("EVALSHA", 980L, "XADD", 200L));
        assertThat(calls.total()).isEqualTo(1180);
        assertThat(calls.cpuSeconds()).isCloseTo(0.5, within(1e-9));
        assertThat(calls.perCall(100)).startsWith("11.8 commands per call, EVALSHA 9.8, XADD 2.0; Redis cpu 5000 us");
    }
}
