package io.doorstep.loadtest.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptNamesTest {
    @Test
    void namesTheServersScriptsByTheirDigest() {
        Map<String, String> names = ScriptNames.bySha();

        assertThat(names.values()).contains("claim", "call-put", "queue-add", "agent-read").doesNotContain("lib");
        assertThat(names.keySet()).allMatch(sha -> sha.matches("[0-9a-f]{40}"));
    }
}
