package io.doorstep.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured location: {@code classpath:some/resource} or a file path. */
public final class Resources {
    private static final String CLASSPATH = "classpath:";

    private Resources() {
    }

    public static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String name = location.substring(CLASSPATH.length());
            InputStream in = Resources.class.getClassLoader().getResourceAsStream(name);
            if (in == null) {
                throw new IOException("no classpath resource " + name);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }
}
