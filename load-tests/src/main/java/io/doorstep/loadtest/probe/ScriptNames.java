package io.doorstep.loadtest.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The signalling server's Lua scripts by the digest the nodes run them by ({@code EVALSHA <sha1>}), so that round trips
 * can be counted per script, i.e. per store operation. A script's source is lib.lua, a newline, then its own file (as
 * the server's {@code Scripts} builds it), read from the server's classes on this classpath.
 */
final class ScriptNames {
    private static final String DIR = "io/doorstep/signalling/cluster/";
    private static final String LIB = "lib.lua";

    private ScriptNames() {
    }

    /** Script name (its file without .lua) by SHA-1 digest in hex; empty when the scripts are not on the classpath. */
    static Map<String, String> bySha() {
        URL lib = ScriptNames.class.getClassLoader().getResource(DIR + LIB);
        if (lib == null) {
            return Map.of();
        }
        try {
            String libSource = read(DIR + LIB);
            Map<String, String> names = new TreeMap<>();
            for (String file : files(lib)) {
                if (file.endsWith(".lua") && !file.equals(LIB)) {
                    names.put(sha1(libSource + "\n" + read(DIR + file)), file.substring(0, file.length() - 4));
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files beside {@code lib}, in a jar or a directory. */
    private static List<String> files(URL lib) throws IOException {
        List<String> files = new ArrayList<>();
        if (lib.openConnection() instanceof JarURLConnection jar) {
            jar.setUseCaches(false); // a JarFile of our own, to close, not the one the JDK's cache shares
            try (JarFile file = jar.getJarFile()) {
                file.stream().map(JarEntry::getName).filter(n -> n.startsWith(DIR) && n.indexOf('/', DIR.length()) < 0)
                        .forEach(n -> files.add(n.substring(DIR.length())));
            }
        } else {
            try (Stream<Path> dir = Files.list(Path.of(lib.toURI()).getParent())) {
                dir.forEach(p -> files.add(p.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return files;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = ScriptNames.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
