package io.doorstep.loadtest.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Heap figures are read from jcmd GC.heap_info as each collector prints them. */
class MemoryProbeTest {

    @Test
    void readsTheOneLineOfG1() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 21845K [0x0000000700000000, 0x0000000800000000)
                  region size 1024K, 5 young (5120K), 0 survivors (0K)
                 Metaspace       used 12345K, committed 12800K, reserved 1114112K
                  class space    used 1234K, committed 1408K, reserved 1048576K
                """;
        assertThat(MemoryProbe.heapUsedBytes(g1)).isEqualTo(21845L * 1024);
    }

    @Test
    void addsYoungAndOldOfSerial() {
        String serial = """
                12345:
                 def new generation   total 9792K, used 1104K [0x00000000e0000000, 0x00000000e0aa0000)
                  eden space 8704K,  12% used [0x00000000e0000000, 0x00000000e0114000, 0x00000000e0880000)
                 tenured generation   total 21888K, used 20000K [0x00000000eaaa0000, 0x00000000ec000000)
                 Metaspace       used 12345K, committed 12800K, reserved 1114112K
                """;
        assertThat(MemoryProbe.heapUsedBytes(serial)).isEqualTo((1104L + 20000) * 1024);
    }

    @Test
    void refusesOutputWithoutHeapFigures() {
        assertThatThrownBy(() -> MemoryProbe.heapUsedBytes("12345:\nUnknown diagnostic command\n"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsLiveBytesFromTheHistogramsTotal() {
        String histogram = """
                2366:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         13050         794720  [B (java.base@17.0.15)
                 699:             1             16  sun.nio.fs.UnixFileAttributes$UnixAsBasicFileAttributes
                Total         59044        2819464
                """;
        assertThat(MemoryProbe.liveBytes(histogram)).isEqualTo(2819464L);
    }
}
